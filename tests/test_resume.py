"An IMP run killed mid-level (SIGKILL, no chance to clean up) resumes to the same results without recomputing finished levels."
import os, signal, subprocess, sys, time
from pathlib import Path
import pandas as pd
from imp_easy.store import load_checked

RUN = '''
import sys, time
from imp_easy.data import synthetic_data
from imp_easy.imp import IMPConfig, run_imp
from imp_easy.store import Store
from imp_easy.train import HParams
store, pace, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
cfg = IMPConfig(model='resnet8', width=8, hp=HParams(batch_size=32, steps=30, milestones=(20,)), rewind_step=5, levels=2)
run_imp(Store(synthetic_data(), store, 'fp32', quiet=True), cfg, checkpoint_every=5,
        on_checkpoint=lambda level, step: time.sleep(pace)).to_csv(out, index=False)
'''

def start(store, pace, out):
    return subprocess.Popen([sys.executable, '-c', RUN, str(store), str(pace), str(out)], stderr=subprocess.PIPE, text=True)

def test_killed_run_resumes_identically(tmp_path):
    killed, clean = tmp_path / 'killed', tmp_path / 'clean'
    proc = start(killed, 0.5, tmp_path / 'never.csv')  # slow checkpoints: a window to kill it in
    deadline = time.time() + 300
    while not list(killed.glob('imp/*/level_01/checkpoint.pt')):
        assert proc.poll() is None, proc.stderr.read()
        assert time.time() < deadline, 'no checkpoint of level 1 appeared'
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL); proc.wait()
    run = next(killed.glob('imp/*'))
    assert (run / 'level_00' / 'metrics.pt').exists() and not (run / 'level_01' / 'metrics.pt').exists()
    level0_written = (run / 'level_00' / 'final.pt').stat().st_mtime_ns

    for store, csv in ((killed, tmp_path / 'resumed.csv'), (clean, tmp_path / 'clean.csv')):
        p = start(store, 0, csv); _, err = p.communicate(timeout=3_600)
        assert p.returncode == 0, err
    resumed, reference = pd.read_csv(tmp_path / 'resumed.csv'), pd.read_csv(tmp_path / 'clean.csv')
    assert resumed.resumed_from[1] > 5 and resumed.resumed_from[2] == 5  # level 1 continued from its checkpoint
    assert (run / 'level_00' / 'final.pt').stat().st_mtime_ns == level0_written  # level 0 not recomputed
    cols = ['level', 'density', 'test_accuracy', 'test_loss', 'train_loss']
    pd.testing.assert_frame_equal(resumed[cols], reference[cols], check_exact=True)
    other = next(clean.glob('imp/*'))
    assert run.name == other.name
    for level in range(3):
        a, b = (load_checked(r / f'level_{level:02d}' / 'final.pt') for r in (run, other))
        assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
