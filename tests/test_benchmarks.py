"""The GPU lease script runs end to end on the CPU at tiny sizes, so it cannot rot between leases."""
import json, os, subprocess, sys
from conftest import ROOT

def test_gpu_lease_dry_run(tmp_path):
    env = {**os.environ, 'OUT': str(tmp_path), 'DEVICE': 'cpu', 'DATA': 'synthetic', 'NS': '1 2', 'STEPS': '2', 'PROFILE_N': '2',
           'PREMISE_STEPS': '24', 'PREMISE_REWIND': '4', 'PREMISE_S': '60', 'N_LMC': '300', 'IMP_EASY_DATA': str(tmp_path / 'none'), 'PYTHON': sys.executable}
    r = subprocess.run(['bash', 'benchmarks/gpu_lease.sh'], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1_800)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    parts = (tmp_path / 'parts.txt').read_text()
    assert parts.count('rc 0') == 5, parts
    report = json.loads((tmp_path / 'instability.json').read_text())
    assert report['steps_reached'] == report['recipe_steps'] == 24 and report['full_length']
    assert set(report['error_barrier']) == {'t=0, train', 't=0, test', 't=4, train', 't=4, test'}
    assert all(0 <= a <= 1 for accs in report['test_accuracy'].values() for a in accs)
    rows = (tmp_path / 'throughput.csv').read_text().splitlines()
    assert rows[0].startswith('precision,n,way') and len(rows) == 1 + 2 * 3, rows  # fp32 and bf16: one model, N=2 group, N=2 stacked
    assert (tmp_path / 'instability.png').stat().st_size > 1_000 and (tmp_path / 'profile_n2.txt').exists()
    lmc = (tmp_path / 'lmc_eval.csv').read_text().splitlines()
    assert lmc[0].startswith('device,torch,precision') and len(lmc) == 1 + 2 * 2, lmc  # bf16 and fp32: both ways

def test_instability_stops_at_its_budget(tmp_path):
    "With no time left after the first chunk, the children stop there and the report says how far they got."
    r = subprocess.run([sys.executable, 'benchmarks/instability.py', '--device', 'cpu', '--data', 'synthetic', '--steps', '24', '--rewind', '4',
                        '--budget-s', '0', '--chunk', '4', '--out', str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=900,
                       env={**os.environ, 'PYTHONPATH': str(ROOT)})
    assert r.returncode == 0, r.stderr[-3000:]
    report = json.loads((tmp_path / 'instability.json').read_text())
    assert (report['steps_reached'], report['full_length']) == (8, False)

def test_instability_fits_its_recipe_and_moves_the_first_pair(tmp_path):
    "--steps 0 fits the recipe to the budget (none here: the shortest allowed, rewind + 500 steps); --first F makes the first pair children of w_F."
    r = subprocess.run([sys.executable, 'benchmarks/instability.py', '--device', 'cpu', '--data', 'synthetic', '--steps', '0', '--probe', '2',
                        '--first', '4', '--rewind', '8', '--budget-s', '0', '--chunk', '4', '--out', str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=900, env={**os.environ, 'PYTHONPATH': str(ROOT)})
    assert r.returncode == 0, r.stderr[-3000:]
    report = json.loads((tmp_path / 'instability.json').read_text())
    assert (report['recipe_steps'], report['milestones'], report['steps_reached']) == (508, [254, 381], 12), report
    assert (report['first_step'], report['rewind_step'], set(report['test_accuracy'])) == (4, 8, {'t=4', 't=8'})

def test_train_step_writes_its_rows(tmp_path):
    "The training-loop benchmark at a tiny size: one CSV row per loop, the ratios against the best reference loop."
    import csv
    r = subprocess.run([sys.executable, 'benchmarks/train_step.py', '--steps', '2', '--rounds', '1', '--data', 'synthetic', '--workers', '0',
                        '--csv', str(tmp_path / 'train_step.csv')], cwd=ROOT, capture_output=True, text=True, timeout=900,
                       env={**os.environ, 'PYTHONPATH': str(ROOT)})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    rows = list(csv.DictReader((tmp_path / 'train_step.csv').open()))
    assert [row['loop'].split(',')[0].split(' (')[0] for row in rows] == ['reference', 'imp_easy', 'imp_easy'], rows
    assert float(rows[0]['ratio_to_best_reference']) == 1.0 and all(float(row['images_per_second']) > 0 for row in rows)

def test_figure_minutes_records_a_row(tmp_path):
    "A smoke figure through the minutes benchmark: one CSV row with its minutes, the empty store it started from, rc 0 and the parameter passed on."
    import csv
    store, table = tmp_path / 'store', tmp_path / 'minutes.csv'
    r = subprocess.run([sys.executable, 'benchmarks/figure_minutes.py', 'fig2', '--preset', 'smoke', '--store', str(store),
                        '--out', str(tmp_path / 'out'), '--csv', str(table), '-p', 'replicates', '1'], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    (row,) = list(csv.DictReader(table.open()))
    assert (row['figure'], row['preset'], row['store_entries_before'], row['rc'], row['parameters']) == ('fig2', 'smoke', '0', '0', 'replicates=1'), row
    assert float(row['minutes']) > 0 and row['precision'] in ('fp32', 'bf16') and (tmp_path / 'out' / 'fig2_cifar10_smoke.png').exists()
