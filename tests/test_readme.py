"README.md says what the docs site's home page (nbs/index.ipynb) says."
import json
from readme import ROOT, INDEX, render_readme, executed_cells, displayed_markdown

def test_readme_matches_index():
    assert (ROOT / 'README.md').read_text() == render_readme(), "README.md differs from nbs/index.ipynb: run `make readme`"

def test_index_outputs_are_current():
    "The tables index.ipynb shows (and the README copies) are what its code makes from the committed files now."
    committed = [displayed_markdown(c) for c in json.loads(INDEX.read_text())['cells'] if c['cell_type'] == 'code']
    now = [displayed_markdown(c) for c in executed_cells() if c['cell_type'] == 'code']
    stale = [i for i, (a, b) in enumerate(zip(committed, now)) if a != b]
    assert not stale, f"index.ipynb's code cells {stale} show other tables than the committed files give: run `make readme`"

def test_docs_build_leaves_readme_alone():
    "nbdev_docs renders README.md from `readme_nb` unless that notebook is missing: ours must be, so a docs build keeps this README."
    from nbdev.config import get_config
    from nbdev.quarto import _doc_mtime_not_older
    cfg = get_config(path=ROOT)
    assert not (cfg.nbs_path / cfg.readme_nb).exists(), f"nbs/{cfg.readme_nb} exists: nbdev_docs would overwrite README.md"
    assert _doc_mtime_not_older(ROOT / 'README.md', cfg.nbs_path / cfg.readme_nb)  # what nbdev_docs asks before rendering one
