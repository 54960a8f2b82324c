"""Every concept notebook and guide runs top to bottom in a fresh Jupyter kernel, as a reader runs it in JupyterLab, with
its quick settings: the cells nbdev_test skips (flagged `#| slow`, `#| eval: false`, and the `nbdev_export()` cell) are
left out. Each notebook gets its own kernel process, so none can lean on state another left behind (only the run store
is shared, and each notebook makes its own). The figure notebooks run through papermill in test_figures.py."""
import json, os
import nbformat
import pytest
from nbdev.config import get_config
from nbdev.process import extract_directives
from conftest import NBS, papermill
from outputs import stale_cells, write_outputs, outputs_size

CONCEPT_NBS = sorted(p.name for p in NBS.glob('[0-9][0-9]_*.ipynb'))
GUIDE_NBS = ['index.ipynb', 'extending.ipynb']
MAX_OUTPUTS = 250_000  # bytes of committed outputs per notebook: plots as modest PNGs

def skipped_by_nbdev_test(cell) -> bool:
    "Whether nbdev_test leaves `cell` out: flagged with one of settings.ini's tst_flags, `#| eval: false`, or nbdev_export()."
    if cell.cell_type != 'code': return False
    directives = extract_directives(cell, remove=False)
    if 'nbdev_export(' in cell.source or directives.get('eval:', [''])[0].lower() == 'false': return True
    return bool(set(get_config().tst_flags.split()) & directives.keys())

def quick_copy(name: str, folder) -> str:
    "A copy of notebook `name` without the cells nbdev_test skips; returns its path."
    nb = nbformat.read(NBS / name, as_version=4)
    nb.cells = [c for c in nb.cells if not skipped_by_nbdev_test(c)]
    path = folder / name
    nbformat.write(nb, path)
    return str(path)

def test_found_notebooks():
    assert len(CONCEPT_NBS) >= 10, CONCEPT_NBS

def test_quick_copy_drops_slow_cells(tmp_path):
    kept = nbformat.read(quick_copy('06_el2n.ipynb', tmp_path), as_version=4).cells
    assert len(kept) < len(nbformat.read(NBS / '06_el2n.ipynb', as_version=4).cells)
    assert not any('#| slow' in c.source or 'nbdev_export(' in c.source for c in kept)
    assert any('#| export' in c.source for c in kept)

@pytest.mark.parametrize('name', CONCEPT_NBS + GUIDE_NBS)
def test_notebook(name, tmp_path, kernel_env):
    r = papermill(quick_copy(name, tmp_path), tmp_path / f'ran_{name}', kernel_env)  # runs in nbs/, like JupyterLab
    assert r.returncode == 0, f"{name} failed in a fresh kernel:\n{r.stderr[-4000:]}"
    committed, executed = json.loads((NBS / name).read_text()), json.loads((tmp_path / f'ran_{name}').read_text())
    if os.environ.get('IMP_EASY_WRITE_OUTPUTS') and name != 'index.ipynb':  # `make outputs`; index.ipynb's are `make readme`'s
        (NBS / name).write_text(json.dumps(write_outputs(committed, executed), indent=1, ensure_ascii=False) + '\n')
        return
    stale = stale_cells(committed, executed)
    assert not stale, f"{name}: the committed outputs of code cells {stale} are not what they show now: run `make outputs`"
    assert outputs_size(committed) < MAX_OUTPUTS, f"{name}: {outputs_size(committed):,} bytes of outputs (at most {MAX_OUTPUTS:,})"
