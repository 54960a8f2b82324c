"""The package's modules import each other in one direction, in the order the README shows (no cycle, no lazy import that hides one)."""
import ast, re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / 'imp_easy'


def stated_order() -> list[str]:
    "The module line of the README's 'Where things live': `data` → `models` → ..."
    line = next(l for l in (ROOT / 'README.md').read_text().splitlines() if l.startswith('`data` → '))
    return re.findall(r'`(\w+)`', line)


def imports(module: str) -> set[str]:
    "Every package module `module` imports, at the top or inside a function, relatively or by the package's name."
    tree = ast.parse((PACKAGE / f'{module}.py').read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            name = node.module or ''
            if node.level == 1: found.add(name.split('.')[0])
            elif name.startswith('imp_easy.'): found.add(name.split('.')[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split('.')[1] for a in node.names if a.name.startswith('imp_easy.')}
    return found - {''}


def modules() -> list[str]:
    return sorted(p.stem for p in PACKAGE.glob('*.py') if not p.stem.startswith('_'))


def test_every_module_is_in_the_stated_order():
    assert sorted(stated_order()) == modules()


def test_imports_go_one_way():
    order = stated_order()
    rank = {m: i for i, m in enumerate(order)}
    wrong = {m: sorted(i for i in imports(m) if rank[i] >= rank[m]) for m in order}
    assert not {m: w for m, w in wrong.items() if w}, f"imports against the README's order (module: what it imports from later): {wrong}"


def test_the_check_sees_a_lazy_import(tmp_path, monkeypatch):
    "A function-local import of a later module (the old `imp` → `lmc`) is an import like any other."
    (tmp_path / 'early.py').write_text('def f():\n    from imp_easy.late import g\n    return g()\n')
    monkeypatch.setattr(__import__(__name__), 'PACKAGE', tmp_path)
    assert imports('early') == {'late'}
