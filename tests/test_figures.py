"The papermill notebooks run end to end at the smoke preset, share runs through the store, and refuse bad parameters at the parameters cell."
import csv, json
import nbformat
from papermill.translators import translate_parameters
import pytest
from conftest import NBS, papermill

def read_csv(path): return list(csv.DictReader(open(path)))

def run_dirs(store): return {d.name for d in (store / 'imp').iterdir()} if (store / 'imp').exists() else set()

def test_dense_smoke(tmp_path, kernel_env):
    out = tmp_path / 'out'
    r = papermill('dense.ipynb', tmp_path / 'dense.ipynb', kernel_env, preset='smoke', replicates=2, out_dir=out)
    assert r.returncode == 0, r.stderr[-3000:]
    for ext in ('png', 'svg', 'csv'): assert (out / f'dense_synthetic_smoke.{ext}').stat().st_size > 0
    rows = read_csv(out / 'dense_synthetic_smoke.csv')
    assert {r['replicate'] for r in rows} == {'0', '1'}
    assert float(rows[-1]['test_accuracy']) > 0.15  # learned something in 40 steps (chance: 0.10)

def test_fig2_fig3_fig5_share_runs(tmp_path, kernel_env):
    store, out = tmp_path / 'store', tmp_path / 'out'
    r = papermill('fig2.ipynb', tmp_path / 'fig2.ipynb', kernel_env, preset='smoke', out_dir=out, store_dir=store)
    assert r.returncode == 0, r.stderr[-3000:]
    for ext in ('png', 'svg', 'csv'): assert (out / f'fig2_cifar10_smoke.{ext}').stat().st_size > 0
    rows = read_csv(out / 'fig2_cifar10_smoke.csv')
    schemes = {r['scheme'] for r in rows}
    assert len(schemes) == 6 + 2 and {'all data, t=0', 'all data, t=8', 'easiest 64, t=4', 'hardest 64, t=4'} <= schemes
    assert all(r['n'] == '2' for r in rows)  # two replicates everywhere
    assert len(run_dirs(store)) == 6 * 2     # one stored run per scheme and replicate
    fig2_runs = run_dirs(store)
    damaged = next(d for d in sorted(fig2_runs) if json.loads((store / 'imp' / d / 'config.json').read_text())['pretrain']['kind'] == 'all')
    final = store / 'imp' / damaged / 'level_01' / 'final.pt'
    final.write_bytes(final.read_bytes()[:100])  # fig3 must say so on the terminal (papermill's stderr), not only in its notebook
    r = papermill('fig3.ipynb', tmp_path / 'fig3.ipynb', kernel_env, preset='smoke', out_dir=out, store_dir=store, lockstep='group')
    assert r.returncode == 0, r.stderr[-3000:]
    assert f'imp_easy warning: {final} is truncated or corrupted' in r.stderr, r.stderr[-3000:]
    for ext in ('png', 'svg', 'csv'): assert (out / f'fig3_cifar10_smoke.{ext}').stat().st_size > 0
    # fig3 (its runs in lockstep) adds only its subset runs (3 kinds x 2 sizes x 2 replicates); its all-data lines are fig2's runs
    assert len(run_dirs(store) - fig2_runs) == 3 * 2 * 2
    rows = read_csv(out / 'fig3_cifar10_smoke.csv')
    assert {(r['curve'], r['subset_size']) for r in rows} >= {('easiest subset', '32'), ('hardest subset', '128'), ('all data, t=4', '')}
    # fig5 adds only the lowest-barrier runs; every other rewind point is fig2's, whose level 0 is child 0.
    # It runs stacked: its new IMP levels and all its LMC children train as stacked networks
    before = run_dirs(store)
    r = papermill('fig5.ipynb', tmp_path / 'fig5.ipynb', kernel_env, preset='smoke', children=2, out_dir=out, store_dir=store,
                  lockstep='stacked')
    assert r.returncode == 0, r.stderr[-3000:]
    for name in ('fig5_cifar10_smoke.png', 'fig5_cifar10_smoke.svg', 'fig5_cifar10_smoke.csv',
                 'fig5_cifar10_smoke_histograms.csv', 'fig5_cifar10_smoke_onset.csv'):
        assert (out / name).stat().st_size > 0
    assert len(run_dirs(store) - before) == 2  # lowest barrier 64, 2 replicates
    assert all((store / 'imp' / d / 'children' / 'child_1.pt').exists() for d in fig2_runs)
    rows = read_csv(out / 'fig5_cifar10_smoke.csv')
    assert len(rows) == 7 * 2 and 'lowest barrier 64, t=4' in {r['scheme'] for r in rows}
    assert all(abs(float(r['density']) - 0.8 ** 4) < 1e-3 and 0 <= float(r['pretrain_test_accuracy']) <= 1 for r in rows)
    hist = read_csv(out / 'fig5_cifar10_smoke_histograms.csv')
    assert sum(int(h['all data, t=8']) for h in hist) == 2 * 512  # every example of both replicates is counted
    assert {r['rewind_step'] for r in read_csv(out / 'fig5_cifar10_smoke_onset.csv')} == {'0', '4', '8'}

def test_fig4_smoke(tmp_path, kernel_env):
    out = tmp_path / 'out'
    r = papermill('fig4.ipynb', tmp_path / 'fig4.ipynb', kernel_env, preset='smoke', replicates=1, out_dir=out,
                  store_dir=tmp_path / 'store', noise_levels=[0.5])
    assert r.returncode == 0, r.stderr[-3000:]
    for ext in ('png', 'svg', 'csv'): assert (out / f'fig4_cifar10_smoke.{ext}').stat().st_size > 0
    schemes = {r['scheme'] for r in read_csv(out / 'fig4_cifar10_smoke.csv')}
    assert schemes == {'all data, t=0', 'all data, t=8', 'all data, t=4, 50% random labels', 'all data, t=8, 50% random labels',
                       'random 64, t=4, 50% random labels', 'easiest 64, t=4, 50% random labels', 'hardest 64, t=4, 50% random labels'}
    # the noisy t* line's pre-training saw the noisy labels: from the same init, data order and augmentation as clean
    # all data at t* (replicate 0), its rewind point differs; its dense level 0 (clean labels from there) differs too
    from imp_easy.presets import experiment_preset, load_preset_data
    from imp_easy.figures import all_data_schemes, noisy_all_data_schemes, imp_config
    from imp_easy.imp import run_dir
    from imp_easy.store import Store, load_checked
    from imp_easy.train import states_equal
    smoke = experiment_preset('cifar10', 'smoke')
    store = Store(load_preset_data(smoke), tmp_path / 'store')  # the notebook's: the same data, 'auto' precision
    clean, noisy = (run_dir(store, imp_config(smoke, s, 0))
                    for s in (all_data_schemes(smoke, (1,))[0], noisy_all_data_schemes(smoke, 0.5)[1]))
    assert not states_equal(load_checked(clean / 'rewind.pt'), load_checked(noisy / 'rewind.pt'))
    assert not states_equal(load_checked(clean / 'level_00' / 'final.pt'), load_checked(noisy / 'level_00' / 'final.pt'))

def test_fig6_smoke(tmp_path, kernel_env):
    out = tmp_path / 'out'
    r = papermill('fig6.ipynb', tmp_path / 'fig6.ipynb', kernel_env, preset='smoke', replicates=1, out_dir=out,
                  store_dir=tmp_path / 'store', kinds=['easy', 'hard'], lockstep='group')  # the runs of each W together
    assert r.returncode == 0, r.stderr[-3000:]
    for ext in ('png', 'svg', 'csv'): assert (out / f'fig6_cifar10_smoke.{ext}').stat().st_size > 0
    rows = read_csv(out / 'fig6_cifar10_smoke.csv')
    assert {(r['scheme'], r['warmup_steps']) for r in rows} == {('no warmup', '0'), *((s, w) for s in ('easiest 64', 'hardest 64', 'all data') for w in ('2', '8'))}

def run_checks(nb: str, **params) -> dict:
    """Execute figure notebook `nb` in this process as papermill does with `params` (given after the `parameters` cell),
    up to the cells that do the work; returns its namespace. The checks of a bad parameter raise on the way."""
    namespace = {'In': ['']}  # the kernel's input history, where `check_parameters` finds what papermill passed
    def run(source: str):
        namespace['In'].append(source); exec(compile(source, nb, 'exec'), namespace)
    for cell in nbformat.read(NBS / nb, as_version=4).cells:
        if cell.cell_type == 'markdown' and cell.source.startswith(('## The runs', '## Training')): break
        if cell.cell_type != 'code' or 'injected-parameters' in cell.metadata.get('tags', []): continue  # papermill replaces it
        run(cell.source)
        if 'parameters' in cell.metadata.get('tags', []) and params: run(translate_parameters('python3', 'python', params, 'Parameters'))
    else: raise AssertionError(f"{nb} has no '## The runs' (or '## Training') section to stop before")
    return namespace

def test_run_checks_sees_the_parameters(tmp_path):
    ns = run_checks('fig6.ipynb', preset='smoke', replicates=3, out_dir=str(tmp_path), store_dir=str(tmp_path / 'store'))
    assert ns['p'].name == 'smoke' and ns['p'].replicates == 3 and ns['store'].data.n_train == 512
    ns = run_checks('fig2.ipynb', preset='smoke', class_balanced=True, offset=5, out_dir=str(tmp_path), store_dir=str(tmp_path / 'store'))
    assert [s.label for s in ns['schemes'][3:]] == ['random 64, t=4', 'easiest 64 class-balanced from rank 5, t=4',
                                                     'hardest 64 class-balanced from rank 5, t=4']
    assert ns['args'].stem == 'fig2_cifar10_smoke_balanced_from5'
    ns = run_checks('fig2.ipynb', preset='smoke', subset_sizes='[64, 32]', out_dir=str(tmp_path), store_dir=str(tmp_path / 'store'))
    assert ns['sizes'] == [64, 32]  # as papermill's -p passes a list: a string

def test_unwritable_out_dir_fails_before_any_run(tmp_path):
    (tmp_path / 'a_file').write_text('')
    with pytest.raises(ValueError, match='is not a folder this process can write'):
        run_checks('fig4.ipynb', preset='smoke', out_dir=str(tmp_path / 'a_file' / 'out'), store_dir=str(tmp_path / 'store'))
    assert not (tmp_path / 'store').exists()

@pytest.mark.parametrize('nb, params, message', [
    ('dense.ipynb', {'dataset': 'mnist'}, "unknown dataset 'mnist'"),
    ('dense.ipynb', {'preset': 'huge'}, "unknown preset 'huge'"),
    ('dense.ipynb', {'preset': 'smoke', 'steps': 0}, "steps must be positive"),
    ('fig2.ipynb', {'dataset': 'imagenet'}, "unknown dataset 'imagenet'"),
    ('fig2.ipynb', {'preset': 'smoke', 'subset_sizes': [64, 10_000]}, "subset size 10000 is not a whole number in [1, 512]"),
    ('fig2.ipynb', {'preset': 'paper', 'subset_sizes': [60_000]}, "subset size 60000 is not a whole number in [1, 50,000]"),
    ('fig3.ipynb', {'preset': 'laptop'}, "unknown preset 'laptop'"),
    ('fig3.ipynb', {'preset': 'smoke', 'densities': [0.1]}, "density 0.1 is not reached"),
    ('fig4.ipynb', {'preset': 'smoke', 'noise_levels': [1.5]}, "noise level 1.5 is not in (0, 1]"),
    ('fig4.ipynb', {'preset': 'smoke', 'replicates': 0}, "replicates must be a positive whole number"),
    ('fig6.ipynb', {'preset': 'smoke', 'warmup_steps': [2, 24]}, "warmup_steps must be shorter than the run (24 steps)"),
    ('fig6.ipynb', {'preset': 'smoke', 'subset_sizes': [1_000]}, "subset size 1000 is not a whole number in [1, 512]"),
    ('fig3.ipynb', {'preset': 'smoke', 'kinds': ['easy', 'medium']}, "kinds must be a non-empty list of random, easy, hard, low_barrier"),
    ('fig5.ipynb', {'preset': 'smoke', 'children': 1}, "children must be at least 2"),
    ('fig2.ipynb', {'preset': 'smoke', 'executor': 'kubernetes'}, "unknown executor 'kubernetes'"),
    ('fig4.ipynb', {'preset': 'smoke', 'lockstep': 'fast'}, "lockstep must be one of None, 'group', 'stacked'"),
    ('fig6.ipynb', {'preset': 'smoke', 'lockstep': 'vmap'}, "lockstep must be one of None, 'group', 'stacked'"),
    ('fig5.ipynb', {'preset': 'smoke', 'executor': 'slurm', 'slurm_time_min': 0}, "slurm time_min must be a positive whole number"),
    ('fig5.ipynb', {'preset': 'smoke', 'density': 0.1}, "density 0.1 is not reached"),
    ('fig5.ipynb', {'preset': 'smoke', 'onset_steps': [0, 24]}, "onset_steps must be a non-empty list of whole numbers in [0, 24)"),
    ('fig2.ipynb', {'preset': 'smoke', 'class_balanced': 'yes'}, "class_balanced must be True or False"),
    ('fig3.ipynb', {'preset': 'smoke', 'offset': 400}, "offset 400 + subset size 128 is more than the 512 training examples"),
    ('fig6.ipynb', {'preset': 'smoke', 'class_balanced': True, 'subset_sizes': [5]}, "each of the 10 classes: subset size 5"),
    ('fig4.ipynb', {'preset': 'smoke', 'offset': -3}, "offset must be a whole number >= 0"),
    ('fig2.ipynb', {'preset': 'smoke', 'levels': True}, "levels must be a whole number in [0, 30], got True"),
    ('fig3.ipynb', {'preset': 'smoke', 'replicates': 100_000}, "replicates must be at most 100, got 100,000"),
    ('fig6.ipynb', {'preset': 'smoke', 'replicates': 1e9}, "replicates must be a positive whole number, got 1000000000.0"),
    ('fig4.ipynb', {'preset': 'smoke', 'subset_sizes': '[64, '}, "subset_sizes must be a list such as [1, 2]"),

    ('fig2.ipynb', {'preset': 'smoke', 'lr': 1e6}, "fig2 has no parameter 'lr' (misspelled?): its parameters are dataset, preset, "),
    ('fig6.ipynb', {'preset': 'smoke', 'levels': -1}, "fig6 has no parameter 'levels'"),
    ('dense.ipynb', {'preset': 'smoke', 'replicate': 2}, "dense has no parameter 'replicate' (misspelled?)"),
])
def test_bad_parameters(tmp_path, nb, params, message):
    "Each bad value stops the notebook at its checks, with a message naming the problem, before any run starts."
    store = tmp_path / 'store'
    extra = {} if nb == 'dense.ipynb' else {'store_dir': str(store)}
    with pytest.raises(Exception) as failure: run_checks(nb, out_dir=str(tmp_path / 'out'), **extra, **params)
    assert message in str(failure.value)
    assert not store.exists()  # refused before any run started

@pytest.mark.parametrize('nb, params, message', [
    ('fig2.ipynb', {'dataset': 'imagenet'}, "unknown dataset 'imagenet'"),
    ('fig5.ipynb', {'preset': 'smoke', 'onset_steps': [0, 24]}, "onset_steps must be a non-empty list of whole numbers in [0, 24)"),
    ('fig6.ipynb', {'preset': 'smoke', 'levels': True}, "fig6 has no parameter 'levels' (misspelled?): its parameters are dataset, preset"),
])
def test_bad_parameters_fail_the_papermill_run(tmp_path, kernel_env, nb, params, message):
    "End to end: papermill exits non-zero and shows the message."
    store = tmp_path / 'store'
    r = papermill(nb, tmp_path / 'bad.ipynb', kernel_env, out_dir=tmp_path / 'out', store_dir=store, **params)
    assert r.returncode != 0
    assert message in r.stderr + r.stdout
    assert not store.exists()
