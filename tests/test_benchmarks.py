"""The GPU lease script runs end to end on the CPU at tiny sizes, so it cannot rot between leases."""
import json, os, subprocess, sys
from pathlib import Path
from conftest import ROOT

DRY_RUN = {'DEVICE': 'cpu', 'DATA': 'synthetic', 'GUARDS': 'off', 'NS': '1 2', 'STEPS': '2', 'PROFILE_N': '2', 'PREMISE_STEPS': '24',
           'PREMISE_REWIND': '4', 'PREMISE_S': '60', 'N_LMC': '300', 'IMP_PREMISE_S': '0', 'IMP_PREMISE_REWINDS': '0 4',
           'IMP_PREMISE_EXTRA': '--model resnet8 --width 8 --batch-size 32 --unit 2 --probe 2'}  # the Makefile's gpu-dry-run
VERDICT = {'margin_level_3', 'margin_level_4', 'control_accuracy', 't0_sparsest', 'tstar_sparsest', 'control_below', 'p3', 'half_weights_gain',
           'control_gap', 'masks_matter'}

def load_benchmark(name: str):
    "A benchmark script of benchmarks/ as a module (its functions, without running it)."
    import importlib.util
    spec = importlib.util.spec_from_file_location(name, ROOT / 'benchmarks' / f'{name}.py')
    module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
    return module

def test_gpu_lease_dry_run(tmp_path):
    "Every part of the lease on the CPU at tiny sizes, with no time limits (GUARDS=off), the reports packed after each part."
    import tarfile
    out, pack = tmp_path / 'out', tmp_path / 'lease.tgz'
    env = {**os.environ, **DRY_RUN, 'OUT': str(out), 'PACK': str(pack), 'IMP_EASY_DATA': str(tmp_path / 'none'), 'PYTHON': sys.executable}
    r = subprocess.run(['bash', 'benchmarks/gpu_lease.sh'], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1_800)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    parts = (out / 'parts.txt').read_text()
    assert parts.count('rc 0') == parts.count('(limit none s)') == 7, parts
    report = json.loads((out / 'instability.json').read_text())
    assert report['steps_reached'] == report['recipe_steps'] == 24 and report['full_length']
    assert set(report['error_barrier']) == {'t=0, train', 't=0, test', 't=4, train', 't=4, test'}
    assert all(0 <= a <= 1 for accs in report['test_accuracy'].values() for a in accs)
    rows = (out / 'throughput.csv').read_text().splitlines()
    assert rows[0].startswith('precision,n,way') and len(rows) == 1 + 2 * 3, rows  # fp32 and bf16: one model, N=2 group, N=2 stacked
    assert (out / 'instability.png').stat().st_size > 1_000 and (out / 'profile_n2.txt').exists()
    lmc = (out / 'lmc_eval.csv').read_text().splitlines()
    assert lmc[0].startswith('device,torch,precision') and len(lmc) == 1 + 2 * 2, lmc  # bf16 and fp32: both ways
    assert (out / 'fig2_smoke.ipynb').exists() and (out / 'fig2_smoke' / 'fig2_cifar10_smoke.png').stat().st_size > 1_000
    premise = json.loads((out / 'imp_premise.json').read_text())  # fitted to no time: the shortest recipe, max(rewinds) + unit
    assert (premise['fitted'], premise['recipe_steps'], premise['milestones'], set(premise['verdict'])) == (True, 6, [3, 4], VERDICT), premise
    assert set(premise['seconds_per_step']) == {'4 stacked', '1 alone'} and (out / 'imp_premise.png').stat().st_size > 1_000
    with tarfile.open(pack) as t: packed = {Path(n).as_posix().removeprefix('./') for n in t.getnames()}
    assert {'parts.txt', 'imp_premise.json', 'imp_premise_runs.csv', 'fig2_smoke/fig2_cifar10_smoke.png'} <= packed, packed
    assert not any(n == 'store' or n.startswith('store/') for n in packed), packed  # the run store stays out of the pack

def test_imp_premise_writes_runs_and_verdict(tmp_path):
    "A fixed tiny recipe with three rewind points: every run's level rows and the control in the runs' CSV, the summary, the plot, the verdicts."
    import csv
    r = subprocess.run([sys.executable, 'benchmarks/imp_premise.py', '--device', 'cpu', '--data', 'synthetic', '--steps', '6', '--rewinds', '0', '2', '4',
                        '--tstar', '4', '--model', 'resnet8', '--width', '8', '--batch-size', '32', '--out', str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=900, env={**os.environ, 'PYTHONPATH': str(ROOT)})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    rows = list(csv.DictReader((tmp_path / 'imp_premise_runs.csv').open()))
    runs, controls = [r for r in rows if not r['scheme_id'].endswith('/reinit')], [r for r in rows if r['scheme_id'].endswith('/reinit')]
    assert sorted({(r['scheme_id'], r['rewind_step']) for r in runs}) == [('all@0', '0'), ('all@2', '2'), ('all@4', '4')]
    assert len(runs) == 3 * 2 * 5 and {(r['replicate'], r['level']) for r in runs} == {(str(s), str(l)) for s in range(2) for l in range(5)}
    assert [(r['scheme_id'], r['replicate'], r['level']) for r in controls] == [('all@4/reinit', '0', '4'), ('all@4/reinit', '1', '4')]
    densities = sorted({round(float(r['density']), 3) for r in runs}, reverse=True)
    assert densities == [1.0, 0.512, 0.262, 0.134, 0.069] and all(0 <= float(r['test_accuracy']) <= 1 for r in rows)
    report = json.loads((tmp_path / 'imp_premise.json').read_text())
    assert (report['fitted'], report['recipe_steps'], report['milestones'], report['tstar'], report['levels_done']) == (False, 6, [3, 4], 4, 4)
    assert report['fraction_of_paper'] == 6 / 62_560 and report['precision'] in ('fp32', 'bf16') and report['device'] == 'cpu'
    assert set(report['verdict']) == VERDICT and set(report['verdicts']) == {'t=2', 't=4'} and report['premise_holds'] == report['verdict']['p3']
    assert (tmp_path / 'imp_premise.png').stat().st_size > 1_000 and (tmp_path / 'imp_premise.csv').exists() and (tmp_path / 'store' / 'imp').is_dir()

def test_imp_premise_fits_its_budget():
    "The recipe fitted to a budget: the most steps (a multiple of the unit) whose predicted seconds fit 87% of it, at least max(rewinds) + unit."
    m = load_benchmark('imp_premise')
    fit = lambda budget, unit=100: m.fitted_steps(budget, 0.02, 0.01, [0, 400], levels=4, replicates=2, spare=0.13, unit=unit)
    # per step of the recipe: 5 levels x 0.02 (4 runs stacked) + 2 controls x 0.01; phase 1: 2 x 400 x 0.01 = 8 s
    assert (fit(100), fit(100, unit=1), fit(0), fit(1e9) % 100) == (600, 658, 500, 0)
    assert m.predicted_seconds(658, 0.02, 0.01, [0, 400], 4, 2) <= 0.87 * 100 < m.predicted_seconds(659, 0.02, 0.01, [0, 400], 4, 2)
    assert (m.recipe(4_000).milestones, m.recipe(62_560), m.recipe(6, 32).batch_size) == ((2_000, 3_000), m.PAPER, 32)
    p = m.premise_preset(4_000, 400)
    assert (p.model, p.width, p.levels, p.replicates, p.hp.augment, p.train_size, p.image_size) == ('resnet20', 16, 4, 2, True, None, 32)
    assert [s.id for s in m.rewind_schemes(p, [0, 400, 800])] == ['all@0', 'all@400', 'all@800']

def test_run_notebook_injects_parameters(tmp_path):
    "Papermill's job where papermill is missing: typed -p values in a cell after the parameters cell (replacing an injected one), cells run in order with their last expression shown, a failing cell fails the run."
    cell = lambda source, *tags: {'cell_type': 'code', 'execution_count': None, 'metadata': {'tags': list(tags)}, 'outputs': [], 'source': source}
    nb = {'cells': [{'cell_type': 'markdown', 'metadata': {}, 'source': '# a page'}, cell("x = 1\nname = 'a'\nflag = False", 'parameters'),
                    cell('x = 99', 'injected-parameters'), cell('print(x * 2, name, flag)\nx + 1'),
                    cell('None'), cell('x;')], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}
    (tmp_path / 'in.ipynb').write_text(json.dumps(nb))
    run = lambda *params: subprocess.run([sys.executable, 'benchmarks/run_notebook.py', str(tmp_path / 'in.ipynb'), str(tmp_path / 'out.ipynb'), *params],
                                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    r = run('-p', 'x', '5', '-p', 'name', 'b', '-p', 'flag', 'True')
    assert r.returncode == 0 and r.stdout == '10 b True\n6\n', r.stdout + r.stderr  # a cell's last expression shown, as IPython does
    cells = json.loads((tmp_path / 'out.ipynb').read_text())['cells']
    assert [c['metadata'].get('tags', []) for c in cells] == [[], ['parameters'], ['injected-parameters'], [], [], []]
    assert cells[2]['source'] == "# Parameters\nx = 5\nname = 'b'\nflag = True\n" and cells[3]['outputs'][0]['text'] == '10 b True\n6\n'
    nb['cells'].append(cell("raise ValueError('boom')")); (tmp_path / 'in.ipynb').write_text(json.dumps(nb))
    r = run()
    assert r.returncode == 1 and 'boom' in r.stderr
    assert json.loads((tmp_path / 'out.ipynb').read_text())['cells'][-1]['outputs'][-1]['ename'] == 'ValueError'

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
    "A smoke figure through the minutes benchmark: a CSV row with its minutes, the empty store it started from, rc 0, the parameter and the note passed on; a CSV of the layout before notes keeps its rows."
    import csv
    store, table = tmp_path / 'store', tmp_path / 'minutes.csv'
    table.write_text('date,figure,dataset,preset,minutes,store_entries_before,precision,cpu,capability,threads,torch,rc,parameters\n'
                     '2026-12-04,fig3,cifar10,cpu,80.1,0,bf16,AMD EPYC,AVX512,2,2.14.1+cu130,0,\n')
    r = subprocess.run([sys.executable, 'benchmarks/figure_minutes.py', 'fig2', '--preset', 'smoke', '--store', str(store),
                        '--out', str(tmp_path / 'out'), '--csv', str(table), '-p', 'replicates', '1', '--note', 'a test'],
                       cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    old, row = list(csv.DictReader(table.open()))
    assert (old['figure'], old['minutes'], old['rc'], old['note']) == ('fig3', '80.1', '0', ''), old
    assert (row['figure'], row['preset'], row['store_entries_before'], row['rc'], row['parameters'], row['note']) == ('fig2', 'smoke', '0', '0', 'replicates=1', 'a test'), row
    assert float(row['minutes']) > 0 and row['precision'] in ('fp32', 'bf16') and (tmp_path / 'out' / 'fig2_cifar10_smoke.png').exists()

def test_avx2_estimate_measures_both_ways(tmp_path):
    "The AVX2 estimate runs many_models.py restricted to AVX2 in fp32 and as the machine trains, and writes a slowdown per way."
    import csv
    r = subprocess.run([sys.executable, 'benchmarks/avx2_estimate.py', '--ns', '1', '2', '--steps', '1', '--csv', str(tmp_path / 'avx2.csv')],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    if 'could not restrict torch to AVX2' in r.stdout + r.stderr:
        import pytest; pytest.skip('no AVX2 kernels to restrict torch to on this machine')
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    rows = list(csv.DictReader((tmp_path / 'avx2.csv').open()))
    assert [(row['n'], row['way']) for row in rows] == [('1', 'one at a time'), ('2', 'group'), ('2', 'stacked')], rows
    assert all(float(row['slowdown']) > 0 for row in rows) and "'AVX2, fp32': 'AVX2'" in r.stdout, r.stdout
