"The papermill notebooks run end to end at the smoke preset, and refuse bad parameters at the parameters cell."
import csv
import pytest
from conftest import papermill

def test_dense_smoke(tmp_path, kernel_env):
    out = tmp_path / 'out'
    r = papermill('dense.ipynb', tmp_path / 'dense.ipynb', kernel_env, preset='smoke', replicates=2, out_dir=out)
    assert r.returncode == 0, r.stderr[-3000:]
    for ext in ('png', 'svg', 'csv'): assert (out / f'dense_synthetic_smoke.{ext}').stat().st_size > 0
    rows = list(csv.DictReader(open(out / 'dense_synthetic_smoke.csv')))
    assert {r['replicate'] for r in rows} == {'0', '1'}
    assert float(rows[-1]['test_accuracy']) > 0.15  # learned something in 40 steps (chance: 0.10)

@pytest.mark.parametrize('params, message', [
    ({'dataset': 'mnist'}, "unknown dataset 'mnist'"),
    ({'preset': 'huge'}, "unknown preset 'huge'"),
    ({'preset': 'smoke', 'steps': 0}, "steps must be positive"),
])
def test_dense_bad_parameters(tmp_path, kernel_env, params, message):
    r = papermill('dense.ipynb', tmp_path / 'bad.ipynb', kernel_env, out_dir=tmp_path / 'out', **params)
    assert r.returncode != 0
    assert message in r.stderr + r.stdout
