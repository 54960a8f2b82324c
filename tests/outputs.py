"""The outputs a reader sees under a notebook's code cells, committed with the notebook (issue: a site without outputs).

`make outputs` runs every concept notebook and guide as tests/test_notebooks.py does (a fresh kernel, quick settings) and
writes what its cells showed into the committed notebook; without it, the same test compares what the cells show now
with what is committed and fails on a difference. What is compared is the text a reader sees: printed lines, tables
(as markdown or plain text) and the reprs of results. Left out of the comparison: images' bytes, and every number,
since the numbers of a run depend on the machine's vector unit and precision (bf16 where AVX512-BF16 makes `auto`
pick it) while what the cells print does not. Left out of the committed outputs: progress bars and other widgets, and
stderr (progress, warnings with this machine's paths). README.md's copy of index.ipynb is `make readme`'s."""
import re

WIDGET = 'application/vnd.jupyter.widget'
LARGE_PNG = 40_000  # characters of base64: larger plots are stored with a 256-colour palette (a plot has few colours)

def modest_png(b64: str) -> str:
    "A large PNG as a palette PNG (about a third of the bytes for a plot, the same picture to the eye); small ones as they are."
    if len(b64) <= LARGE_PNG: return b64
    import base64, io
    from PIL import Image
    out = io.BytesIO()
    Image.open(io.BytesIO(base64.b64decode(b64))).convert('RGB').quantize(256).save(out, 'PNG', optimize=True)
    return base64.b64encode(out.getvalue()).decode() if out.tell() < len(b64) * 3 // 4 else b64

def committable(outputs: list) -> list[dict]:
    "The outputs worth committing, cleaned as nbdev_clean leaves them: no stderr, no widgets, no execution counts."
    kept = []
    for o in outputs:
        o = dict(o)
        if o['output_type'] == 'stream' and o['name'] != 'stdout': continue
        if 'data' in o:
            o['data'] = {k: modest_png(v) if k == 'image/png' else v for k, v in o['data'].items() if not k.startswith(WIDGET)}
            if not o['data']: continue
            o['metadata'] = {}
        if 'execution_count' in o: o['execution_count'] = None
        kept.append(o)
    return kept

def normalize(text: str) -> str:
    "Text as compared: temporary paths, addresses and numbers masked, white space folded."
    text = re.sub(r'/\S*?tmp[\w./-]*', '<tmp>', text)
    text = re.sub(r'( object)? at 0x[0-9a-f]+', '', text)  # an address in a repr, as nbdev_clean drops it
    text = re.sub(r'\b0x[0-9a-f]+', '0x', text)
    text = re.sub(r'\d[\d,]*(\.\d+)?([eE][-+]?\d+)?', '0', text)  # 12, 1,024, 0.4312, 3e-05: one number each
    return re.sub(r'\s+', ' ', text).strip()

def shown(cell: dict) -> list[str]:
    "What a reader sees under a code cell: its printed text and each result's markdown or plain text, normalised."
    seen = []
    for o in committable(cell.get('outputs', [])):
        if o['output_type'] == 'stream': seen.append(''.join(o['text']))
        elif o['output_type'] == 'error': seen.append(o['ename'])
        else: seen.append(next((''.join(o['data'][k]) for k in ('text/markdown', 'text/plain') if k in o['data']), ', '.join(sorted(o['data']))))
    return [normalize(s) for s in seen]

def stale_cells(committed: dict, executed: dict) -> list[int]:
    "Indices (in the committed notebook) of the code cells whose committed outputs show other text than the executed copy's."
    ran = {c['id']: c for c in executed['cells'] if c['cell_type'] == 'code'}
    return [i for i, c in enumerate(committed['cells'])
            if c['cell_type'] == 'code' and c['id'] in ran and shown(c) != shown(ran[c['id']])]

def write_outputs(committed: dict, executed: dict) -> dict:
    "`committed` with the outputs of the cells the executed copy ran (the cells it left out keep none)."
    ran = {c['id']: c for c in executed['cells'] if c['cell_type'] == 'code'}
    for c in committed['cells']:
        if c['cell_type'] == 'code': c['outputs'], c['execution_count'] = committable(ran[c['id']]['outputs']) if c['id'] in ran else [], None
    return committed

def outputs_size(nb: dict) -> int:
    "Bytes the outputs add to a notebook's JSON."
    import json
    return sum(len(json.dumps(c.get('outputs', []))) for c in nb['cells'])

MACHINE_PARAMETERS = ('store_dir', 'data_dir', 'out_dir', 'download', 'device')  # where a run read and wrote, not what it ran

def with_run(notebook: dict, executed: dict) -> dict:
    """A figure notebook with the outputs of a papermill run of it, and that run's parameters as the cell papermill injected
    (tagged `injected-parameters`, which the next papermill run replaces), less the ones that only say where files were."""
    injected = [c for c in executed['cells'] if 'injected-parameters' in c['metadata'].get('tags', [])]
    cells = [c for c in notebook['cells'] if 'injected-parameters' not in c['metadata'].get('tags', [])]
    if injected:
        lines = [l for l in ''.join(injected[0]['source']).splitlines() if l.split(' = ')[0] not in MACHINE_PARAMETERS]
        lines[0] = '# Parameters of the run whose outputs this page shows (papermill injected them)'
        at = next(i for i, c in enumerate(cells) if 'parameters' in c['metadata'].get('tags', [])) + 1
        cells.insert(at, {**injected[0], 'source': '\n'.join(lines), 'outputs': [], 'execution_count': None,
                          'metadata': {'tags': ['injected-parameters']}})
    return write_outputs({**notebook, 'cells': cells}, executed)

if __name__ == '__main__':
    import json, sys
    from pathlib import Path
    if len(sys.argv) != 3: sys.exit('usage: python tests/outputs.py EXECUTED.ipynb nbs/FIGURE.ipynb  (a figure run\'s outputs into the figure notebook)')
    executed, target = (Path(a) for a in sys.argv[1:])
    target.write_text(json.dumps(with_run(json.loads(target.read_text()), json.loads(executed.read_text())), indent=1, ensure_ascii=False) + '\n')
    print(f'wrote the outputs of {executed} into {target}')
