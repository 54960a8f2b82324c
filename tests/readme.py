"""README.md is nbs/index.ipynb as a reader sees it: its markdown cells and the markdown its code cells display (tables of
committed results), with image and notebook paths seen from the repository root. It is made here and only here
(`make readme`; no Quarto needed): settings.ini points nbdev's `readme_nb` at no notebook, so nbdev_docs leaves it as
committed. tests/test_readme.py checks that it is what index.ipynb makes, and that index.ipynb's outputs are what its
code makes from the committed files.

    python tests/readme.py            # README.md from index.ipynb as committed
    python tests/readme.py --execute  # first rerun index.ipynb's code cells and commit their outputs into it"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INDEX = ROOT / 'nbs' / 'index.ipynb'

def displayed_markdown(cell: dict) -> str:
    "The markdown a code cell displays (its `text/markdown` outputs), '' when none."
    return '\n\n'.join(''.join(o['data']['text/markdown']) for o in cell.get('outputs', []) if 'text/markdown' in o.get('data', {}))

def render_readme(cells: list | None = None) -> str:
    "The README that nbs/index.ipynb's cells make."
    cells = cells if cells is not None else json.loads(INDEX.read_text())['cells']
    pieces = [''.join(c['source']) if c['cell_type'] == 'markdown' else displayed_markdown(c) for c in cells]
    text = '\n\n'.join(p for p in pieces if p).replace('](images/', '](nbs/images/')
    return re.sub(r'\]\(([\w-]+\.ipynb)\)', r'](nbs/\1)', text) + '\n'  # links to pages of the site

def executed_cells() -> list:
    "index.ipynb's cells with every code cell rerun (in nbs/, as nbdev runs notebooks) and its outputs replaced."
    from execnb.nbio import read_nb
    from execnb.shell import CaptureShell
    nb = read_nb(INDEX)
    shell = CaptureShell(path=INDEX.parent)
    shell.run_all(nb, exc_stop=True)
    return [{**c, 'outputs': [dict(o) for o in c.get('outputs', [])]} if c['cell_type'] == 'code' else c for c in nb.cells]

def execute_index():
    "Rerun index.ipynb's code cells and write their outputs into it (execution counts dropped, as nbdev_clean does)."
    nb = json.loads(INDEX.read_text())
    for cell, ran in zip(nb['cells'], executed_cells()):
        if cell['cell_type'] == 'code': cell['outputs'] = [{k: v for k, v in o.items() if k != 'execution_count'} | (
            {'execution_count': None} if o.get('output_type') == 'execute_result' else {}) for o in ran['outputs']]
    INDEX.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')

if __name__ == '__main__':
    if '--execute' in sys.argv[1:]: execute_index(); print('reran the code cells of nbs/index.ipynb')
    (ROOT / 'README.md').write_text(render_readme())
    print('wrote README.md from nbs/index.ipynb')
