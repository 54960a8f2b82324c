"""Run a notebook's code cells in this process with papermill's parameters, where papermill is not installed.

The GPU machine's image has no papermill, Jupyter client or kernel (KINDS.md's package list), so benchmarks/gpu_lease.sh
falls back to this for its notebook parts. It does what papermill does with `-p NAME VALUE`: values typed as papermill
types them (True, False, None, ints, floats, else strings), a cell tagged `injected-parameters` put right after the cell
tagged `parameters` (replacing any such cell already there), every code cell run in order in one namespace, and the
executed notebook written with each cell's printed output and the repr of its last expression, as IPython shows it (and
the error of a failing cell, which ends the run with exit status 1). Unlike papermill it runs no kernel: no IPython magics
or rich displays (tables show as text), and figures go to matplotlib's Agg backend.

    python benchmarks/run_notebook.py nbs/fig2.ipynb out/fig2_smoke.ipynb -p preset smoke -p out_dir out/fig2_smoke
"""
import argparse, ast, contextlib, io, json, os, sys, traceback
from pathlib import Path


def typed(value: str):
    "A -p value as papermill types it: True, False, None, an int, a float, else the string."
    if value in ('True', 'False', 'None'): return {'True': True, 'False': False, 'None': None}[value]
    for kind in (int, float):
        try: return kind(value)
        except ValueError: pass
    return value


def inject(nb: dict, params: dict) -> dict:
    "`nb` with a cell `injected-parameters` holding `params` right after its `parameters` cell (at the top when it has none)."
    cells = [c for c in nb['cells'] if 'injected-parameters' not in c.get('metadata', {}).get('tags', [])]
    at = next((i + 1 for i, c in enumerate(cells) if 'parameters' in c.get('metadata', {}).get('tags', [])), 0)
    source = '# Parameters\n' + ''.join(f'{k} = {v!r}\n' for k, v in params.items())
    cell = {'cell_type': 'code', 'execution_count': None, 'metadata': {'tags': ['injected-parameters']}, 'outputs': [], 'source': source}
    return {**nb, 'cells': cells[:at] + [cell] + cells[at:]}


class Tee(io.StringIO):
    "Captures what a cell prints and passes it on to the real stdout as it comes."
    def write(self, s: str) -> int:
        sys.__stdout__.write(s); sys.__stdout__.flush()
        return super().write(s)


def execute(source: str, namespace: dict, name: str):
    "Run `source` in `namespace` and print the repr of its last expression, if any, as IPython shows it (not after a trailing ';')."
    tree = ast.parse(source, name)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(';') else None
    exec(compile(tree, name, 'exec'), namespace)
    value = None if last is None else eval(compile(ast.Expression(last.value), name, 'eval'), namespace)
    if value is not None: print(repr(value))


def run_cell(cell: dict, namespace: dict, count: int) -> bool:
    "Execute one code cell in `namespace`, setting its outputs; False when it raised."
    out, error = Tee(), None
    source = cell['source'] if isinstance(cell['source'], str) else ''.join(cell['source'])
    with contextlib.redirect_stdout(out):
        try: execute(source, namespace, f'<cell {count}>')
        except Exception as e:
            error = {'output_type': 'error', 'ename': type(e).__name__, 'evalue': str(e), 'traceback': traceback.format_exc().splitlines()}
            print('\n'.join(error['traceback']), file=sys.stderr)
    cell['execution_count'], cell['outputs'] = count, [{'output_type': 'stream', 'name': 'stdout', 'text': out.getvalue()}] if out.getvalue() else []
    if error: cell['outputs'].append(error)
    return error is None


def run(nb: dict, cwd: Path | None = None) -> bool:
    "Execute every code cell of `nb` in order (in `cwd`, if given) until one fails; whether all ran."
    os.environ.setdefault('MPLBACKEND', 'Agg')
    namespace, count = {'__name__': '__main__'}, 0
    with contextlib.chdir(cwd or Path.cwd()):
        for cell in nb['cells']:
            if cell['cell_type'] != 'code': continue
            count += 1
            if not run_cell(cell, namespace, count): return False
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebook', type=Path)
    ap.add_argument('output', type=Path, help='the executed notebook')
    ap.add_argument('-p', '--parameter', nargs=2, action='append', default=[], metavar=('NAME', 'VALUE'))
    ap.add_argument('--cwd', type=Path, default=None, help='run the cells in this folder')
    args = ap.parse_args()
    nb = inject(json.loads(args.notebook.read_text()), {k: typed(v) for k, v in args.parameter})
    ok = run(nb, args.cwd)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(nb, indent=1))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
