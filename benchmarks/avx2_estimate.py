"""The AVX2 kind of machine, estimated on the AVX512-BF16 kind: how much slower a `cpu` figure would train there.

On an AVX2-only machine `precision='auto'` trains in fp32 with AVX2 kernels. This script runs
`benchmarks/many_models.py` at the `cpu` preset's shape (ResNet-20 at width 8 on 16×16 images, batch 128) twice, in
child processes one after the other: as this machine trains (bf16, all its vector units), and restricted to AVX2 in
fp32 (`ATEN_CPU_CAPABILITY=avx2` for torch's own kernels, `ONEDNN_MAX_CPU_ISA=AVX2` for oneDNN's convolutions). It
prints the images per second of each way, their ratio, and the committed `cpu` rows of `figure_minutes.csv` scaled by
the ratio of the way each ran (stacked, as the `cpu` IMP figures run, or one model at a time). An estimate, not a measurement: a real AVX2 machine's clock,
caches and core count differ from this one's with its wider units switched off.

    python benchmarks/avx2_estimate.py [--ns 1 9] [--steps 20] [--csv out.csv]
"""
import argparse, csv, os, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AVX2_FP32 = {'ATEN_CPU_CAPABILITY': 'avx2', 'ONEDNN_MAX_CPU_ISA': 'AVX2'}


def capability(env: dict) -> str:
    "torch's CPU capability in a child process with `env`."
    code = 'import torch; print(torch.backends.cpu.get_cpu_capability())'
    return subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, check=True).stdout.strip()


def throughput(precision: str, env: dict, ns: list[int], steps: int) -> dict:
    "many_models.py's rows in a child process with `env`: (n, way) -> images per second of all n models."
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / 'rows.csv'
        subprocess.run([sys.executable, str(ROOT / 'benchmarks' / 'many_models.py'), '--width', '8', '--image-size', '16',
                        '--ns', *map(str, ns), '--precisions', precision, '--steps', str(steps), '--device', 'cpu', '--csv', str(out)],
                       env=env, check=True)
        return {(int(r['n']), r['way']): float(r['images_per_second_all']) for r in csv.DictReader(out.open())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--ns', type=int, nargs='+', default=[1, 9], help='models trained together (1: one at a time)')
    ap.add_argument('--steps', type=int, default=20, help='timed steps per measurement')
    ap.add_argument('--csv', type=Path, default=None, help='also write the ratios to this CSV file')
    a = ap.parse_args()
    env = {**os.environ, 'PYTHONPATH': str(ROOT)}
    ways = {'this machine, bf16': ('bf16', env), 'AVX2, fp32': ('fp32', {**env, **AVX2_FP32})}
    caps = {name: capability(e) for name, (_, e) in ways.items()}
    if caps['AVX2, fp32'] != 'AVX2': sys.exit(f"could not restrict torch to AVX2 here (capability {caps['AVX2, fp32']}): no estimate")
    measured = {name: throughput(p, e, a.ns, a.steps) for name, (p, e) in ways.items()}
    fast, slow = measured['this machine, bf16'], measured['AVX2, fp32']
    rows = [{'n': n, 'way': way, 'bf16_images_per_second': round(fast[n, way], 1), 'avx2_fp32_images_per_second': round(slow[n, way], 1),
             'slowdown': round(fast[n, way] / slow[n, way], 2)} for n, way in fast]
    print(f"\ncapabilities: {caps}\n{'N':>3s} {'way':14s} {'bf16 img/s':>11s} {'AVX2 fp32 img/s':>16s} {'slowdown':>9s}")
    for r in rows: print(f"{r['n']:3d} {r['way']:14s} {r['bf16_images_per_second']:11.1f} {r['avx2_fp32_images_per_second']:16.1f} {r['slowdown']:8.2f}x")
    one = next(r for r in rows if r['n'] == 1)
    stacked = max((r for r in rows if r['way'] == 'stacked'), key=lambda r: r['n'], default=one)
    print(f"\nThe committed cpu rows of figure_minutes.csv, scaled by the slowdown of how they ran (stacked: {stacked['n']} models, "
          f"{stacked['slowdown']:.2f}x; otherwise one at a time, {one['slowdown']:.2f}x); Figure 6's cpu preset is another shape:")
    for r in csv.DictReader((ROOT / 'benchmarks' / 'figure_minutes.csv').open()):
        if r['preset'] == 'cpu' and r['precision'] == 'bf16' and r['figure'] != 'fig6':
            slowdown = (stacked if 'lockstep=stacked' in r['parameters'] else one)['slowdown']
            print(f"  {r['date']} {r['figure']:6s} {r['parameters'] or '':35s} {float(r['minutes']):6.1f} min bf16 -> about "
                  f"{float(r['minutes']) * slowdown:6.1f} min AVX2 fp32")
    if a.csv:
        with a.csv.open('w', newline='') as f:
            w = csv.DictWriter(f, list(rows[0])); w.writeheader(); w.writerows(rows)


if __name__ == '__main__':
    main()
