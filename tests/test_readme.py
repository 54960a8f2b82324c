"README.md says what the docs site's home page (nbs/index.ipynb) says."
from readme import ROOT, render_readme

def test_readme_matches_index():
    assert (ROOT / 'README.md').read_text() == render_readme(), "README.md differs from nbs/index.ipynb: run `make readme`"
