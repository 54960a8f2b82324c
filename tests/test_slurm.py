"Figure 2's smoke sweep through a real one-node Slurm cluster: jobs killed mid-run, the resubmitted sweep finishes with a local run's numbers."
import csv, os, shutil, subprocess, time
from pathlib import Path
import pytest
from conftest import papermill, papermill_command

HERE = Path(__file__).parent

@pytest.fixture(scope='module')
def slurm_conf(tmp_path_factory):
    "Start munged, slurmctld and slurmd in a temporary folder; yield the slurm.conf path; stop them."
    missing = [b for b in ('munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue') if shutil.which(b) is None]
    if missing: pytest.skip(f"Slurm is not installed ({', '.join(missing)} missing): .ci/run installs Debian's slurmctld, slurmd, slurm-client and munge")
    if os.geteuid() != 0: pytest.skip("starting a test Slurm cluster needs root (munged and slurmd run as root here)")
    folder = tmp_path_factory.mktemp('slurm')
    r = subprocess.run(['bash', HERE / 'slurm' / 'start_cluster.sh', folder], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    yield str(folder / 'slurm.conf')
    subprocess.run(['bash', HERE / 'slurm' / 'stop_cluster.sh', folder], timeout=60)

def runs_table(path):
    return sorted((r['scheme'], r['replicate'], r['level'], r['test_accuracy']) for r in csv.DictReader(open(path)))

def test_fig2_sweep_survives_killed_jobs(tmp_path, kernel_env, slurm_conf):
    env = {**kernel_env, 'SLURM_CONF': slurm_conf}
    store, out = tmp_path / 'store', tmp_path / 'out'
    params = dict(preset='smoke', controls=False, executor='slurm', slurm_time_min=10, store_dir=store, out_dir=out)
    sweep = subprocess.Popen(papermill_command('fig2.ipynb', tmp_path / 'fig2_slurm.ipynb', **params), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # as soon as one run has finished its dense level, SIGKILL the processes of every running job: they die
    # mid-run, like jobs on a crashed node. (Slurm's own signals do not serve here: a plain scancel sends
    # SIGTERM, which submitit's jobs ride out, and with this container's proctrack/linuxproc `scancel
    # --signal=KILL` did not reach the job's Python process before the step finished.)
    deadline, killed = time.time() + 300, []
    while time.time() < deadline and not killed:
        if list(store.glob('imp/*/level_00/metrics.pt')):
            killed = subprocess.run(['squeue', '-h', '-t', 'R', '-o', '%i'], env=env, capture_output=True, text=True).stdout.split()
            if killed: subprocess.run(['pkill', '-KILL', '-f', 'submitit.core._submit'])
        time.sleep(0.2)
    assert killed, 'no job was running when the first level finished'
    output = sweep.communicate(timeout=3_600)[0]
    assert sweep.returncode != 0 and 'submit the sweep again to resume them' in output, output[-3000:]
    kept = {f: f.stat().st_mtime_ns for f in store.glob('imp/*/level_*/metrics.pt')}
    assert kept, 'the killed sweep left no finished level behind'

    again = papermill('fig2.ipynb', tmp_path / 'fig2_slurm_again.ipynb', env, **params)  # the same command, resubmitted
    assert again.returncode == 0, again.stderr[-3000:]
    assert all(f.stat().st_mtime_ns == t for f, t in kept.items())  # finished levels were read back, not recomputed

    # the same figure run locally with the jobs' single thread: identical numbers
    local = papermill('fig2.ipynb', tmp_path / 'fig2_local.ipynb', {**kernel_env, 'OMP_NUM_THREADS': '1'}, preset='smoke', controls=False,
                      store_dir=tmp_path / 'local_store', out_dir=tmp_path / 'local_out')
    assert local.returncode == 0, local.stderr[-3000:]
    assert runs_table(out / 'fig2_cifar10_smoke_runs.csv') == runs_table(tmp_path / 'local_out' / 'fig2_cifar10_smoke_runs.csv')
