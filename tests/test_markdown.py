"""Every piece of markdown the docs site renders (notebook markdown cells, README, the library's docstrings that
`show_doc` renders), rendered with pandoc as Quarto does: no `t*` may turn into emphasis.

Two `t*` in one paragraph are read by pandoc as an italic span (`t<em>/2 ... t</em>`) and their asterisks vanish;
markdown writes `t\\*` (docstrings: `` `t*` ``)."""
import ast, json, re
from pathlib import Path

import pypandoc

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r'(```.*?```|`[^`\n]*`|\$[^$\n]+\$)', re.S)  # fenced code, code spans, inline math: left as written
STRAY = re.compile(r'(?<![A-Za-z])t</?em>')  # emphasis that opens or closes right at a lone "t"

def markdown_pieces():
    "(where, markdown) for every markdown cell, the README and every docstring in the library."
    for nb in sorted((ROOT / 'nbs').glob('*.ipynb')):
        for i, cell in enumerate(json.loads(nb.read_text())['cells']):
            if cell['cell_type'] == 'markdown': yield f'{nb.name} cell {i}', ''.join(cell['source'])
    yield 'README.md', (ROOT / 'README.md').read_text()
    for py in sorted((ROOT / 'imp_easy').glob('*.py')):
        for node in ast.walk(ast.parse(py.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node):
                yield f'{py.name}:{node.name}', ast.get_docstring(node)

def outside_code(md: str) -> str:
    return ''.join(p for i, p in enumerate(CODE.split(md)) if i % 2 == 0)

def stars_written(md: str) -> int:
    "How many `t*` the reader should see outside code: escaped `t\\*` and unescaped `t*` alike."
    return len(re.findall(r'(?<![A-Za-z])t\\?\*', outside_code(md)))

def stars_rendered(html: str) -> int:
    "How many `t*` the rendered text shows outside code (tags and their attributes, e.g. an image's alt text, dropped)."
    text = re.sub(r'<[^>]*>', '', re.sub(r'<code>.*?</code>', '', html, flags=re.S))
    return len(re.findall(r'(?<![A-Za-z])t\*', text))

def render(md: str) -> str: return pypandoc.convert_text(md, 'html', format='markdown', extra_args=['--mathjax'])  # math as Quarto keeps it

def test_detector_sees_the_bug():
    "The check fails on what Quarto rendered wrong (fig2's summary, before the fix) and passes on its escaped form."
    bad = 'a *random* subset at t*/2 is as good as all data at t*/2; the easiest at t*/2 matches all data at t*'
    assert STRAY.search(render(bad)) and stars_rendered(render(bad)) < stars_written(bad)
    good = bad.replace('t*', r't\*')
    assert not STRAY.search(render(good)) and stars_rendered(render(good)) == stars_written(good) == 4

def test_no_stray_emphasis():
    wrong = []
    for where, md in markdown_pieces():
        if 't*' not in md and r't\*' not in md: continue
        html = render(md)
        if STRAY.search(html) or stars_rendered(html) != stars_written(md): wrong.append(where)
    assert not wrong, f"`t*` renders as emphasis or vanishes in: {wrong}; write t\\* (docstrings: `t*`)"
