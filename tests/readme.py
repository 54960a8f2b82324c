"""README.md is nbs/index.ipynb's markdown, with image paths seen from the repository root. nbdev_readme makes it
with Quarto; where Quarto is missing, `make readme` (this script) does, and tests/test_readme.py checks they agree."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def render_readme() -> str:
    "The README that nbs/index.ipynb's cells make."
    cells = json.loads((ROOT / 'nbs' / 'index.ipynb').read_text())['cells']
    text = '\n\n'.join(''.join(c['source']) for c in cells if c['cell_type'] == 'markdown')
    return text.replace('](images/', '](nbs/images/') + '\n'

if __name__ == '__main__':
    (ROOT / 'README.md').write_text(render_readme())
    print('wrote README.md from nbs/index.ipynb')
