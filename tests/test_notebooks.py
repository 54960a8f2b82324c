"Every concept notebook and guide runs top to bottom in a fresh kernel, as nbdev_test runs it: its tests are the cells.\n(The figure notebooks run through papermill in test_figures.py.)"
from nbdev.config import get_config
from nbdev.test import test_nb as run_notebook  # aliased so pytest does not collect it
import pytest
from conftest import NBS

CONCEPT_NBS = sorted(p.name for p in NBS.glob('[0-9][0-9]_*.ipynb'))
GUIDE_NBS = ['index.ipynb', 'extending.ipynb']

def test_found_notebooks():
    assert len(CONCEPT_NBS) >= 4, CONCEPT_NBS

@pytest.mark.parametrize('name', CONCEPT_NBS + GUIDE_NBS)
def test_notebook(name, capsys):
    skip = get_config().tst_flags.split()  # cells flagged `#| slow` are skipped, as in nbdev_test
    passed, seconds = run_notebook(NBS / name, skip_flags=skip, basepath=get_config().config_path)
    assert passed, f"{name} failed:\n{capsys.readouterr().err[-4000:]}"
