"""Minutes per figure: run one figure notebook through papermill and add its wall-clock minutes to
benchmarks/figure_minutes.csv, with the machine, precision and how full the run store was at the start.

A figure's cost depends on what the store already holds (Figure 5 reads Figure 2's IMP runs; Figures 3 and 4
read the all-data runs), so each row says how many entries the store had before the run: 0 is a figure's whole
cost, anything else its cost beyond what was there. Without --store the default store is used, as `make figure`.

    python benchmarks/figure_minutes.py fig2 [--preset cpu] [--dataset cifar10] [--store DIR] [--out DIR] [--csv FILE]
    python benchmarks/figure_minutes.py fig6 -p class_balanced True     # any other notebook parameter, as papermill's -p
"""
import argparse, csv, datetime, os, platform, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT / 'benchmarks' / 'figure_minutes.csv'
FIELDS = ['date', 'figure', 'dataset', 'preset', 'minutes', 'store_entries_before', 'precision', 'cpu', 'capability', 'threads',
          'torch', 'rc', 'parameters', 'note']


def store_entries(store: Path) -> int:
    "How many runs, scores and results the store holds: the entries of its kinds (imp/, el2n/, ...), locks and temporary files aside."
    if not store.is_dir(): return 0
    return sum(1 for kind in store.iterdir() if kind.is_dir() for p in kind.iterdir() if not p.name.startswith('.'))


def machine() -> dict:
    "What the minutes were measured on: CPU model, torch's CPU capability, threads, the precision 'auto' picks there."
    import torch
    from imp_easy.train import resolve_precision, _cpu_model
    return {'precision': resolve_precision('auto', torch.device('cpu')), 'cpu': _cpu_model() or platform.processor(),
            'capability': torch.backends.cpu.get_cpu_capability(), 'threads': torch.get_num_threads(), 'torch': torch.__version__}


def record(row: dict, path: Path = CSV):
    "Append one measurement to the CSV (written with its header when new; the rows of an older layout are rewritten under `FIELDS`)."
    lines = path.read_text().splitlines() if path.exists() else []
    same = bool(lines) and lines[0].split(',') == FIELDS
    old = [] if same else list(csv.DictReader(lines))
    with open(path, 'a' if same else 'w', newline='') as f:
        w = csv.DictWriter(f, FIELDS)
        if not same: w.writeheader()
        for r in old + [row]: w.writerow({k: '' if r.get(k) is None else r[k] for k in FIELDS})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('figure', choices=['dense', 'fig2', 'fig3', 'fig4', 'fig5', 'fig6'])
    ap.add_argument('--preset', default='cpu')
    ap.add_argument('--dataset', default='cifar10')
    ap.add_argument('--store', type=Path, default=None, help='run store (default: $IMP_EASY_STORE, else ~/.cache/imp_easy/store)')
    ap.add_argument('--out', type=Path, default=ROOT / 'out' / 'figure_minutes')
    ap.add_argument('--csv', type=Path, default=CSV, help='where the row goes')
    ap.add_argument('-p', '--parameter', nargs=2, action='append', default=[], metavar=('NAME', 'VALUE'),
                    help="another parameter of the notebook (papermill's -p); recorded in the row")
    ap.add_argument('--note', default='', help='what the row should say besides its numbers (e.g. that the figure resumed a killed call)')
    a = ap.parse_args()
    from imp_easy.store import resolve_store_dir
    store = resolve_store_dir(a.store)
    args = ['-p', 'dataset', a.dataset, '-p', 'preset', a.preset, '-p', 'out_dir', str(a.out)]
    if a.store and a.figure != 'dense': args += ['-p', 'store_dir', str(a.store)]  # the dense page trains outside the store
    for name, value in a.parameter: args += ['-p', name, value]
    a.out.mkdir(parents=True, exist_ok=True)
    before, t0 = store_entries(store), time.perf_counter()
    rc = subprocess.call([sys.executable, '-m', 'papermill', str(ROOT / 'nbs' / f'{a.figure}.ipynb'),
                          str(a.out / f'{a.figure}_{a.dataset}_{a.preset}.ipynb'), *args])
    minutes = (time.perf_counter() - t0) / 60
    row = {'date': datetime.date.today().isoformat(), 'figure': a.figure, 'dataset': a.dataset, 'preset': a.preset,
           'minutes': round(minutes, 1), 'store_entries_before': before, 'rc': rc,
           'parameters': ' '.join(f'{name}={value}' for name, value in a.parameter), 'note': a.note, **machine()}
    record(row, a.csv)
    print(f"{a.figure} {a.dataset} {a.preset}: {minutes:.1f} minutes (store held {before} entries before; rc {rc}) -> {a.csv}")
    sys.exit(rc)


if __name__ == '__main__':
    main()
