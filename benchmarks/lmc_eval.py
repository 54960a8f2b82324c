"""LMC evaluation benchmark: all α of one pair of ResNet-20s on the full CIFAR-10 training set.

`imp_easy.lmc.interpolation_losses` makes one network per α and runs every batch through all of them (one
pass over the data, large batches); the baseline evaluates each α on its own with `imp_easy.train.predict`
(A passes over the data). Both give per-example losses at every α; prints seconds, images·α per second,
the ratio, and the largest difference between the two results.

    python benchmarks/lmc_eval.py [--n 50000] [--alphas 5] [--device cpu|cuda] [--precision auto|fp32|bf16] [--csv out.csv]

With --csv the two timings are appended to that file (its header written when it is new), one row each.
"""
import argparse, csv, os, time
from dataclasses import replace
import torch
import torch.nn.functional as F

from imp_easy.data import load_data, synthetic_data
from imp_easy.models import make_model
from imp_easy.train import predict, resolve_precision
from imp_easy.lmc import interpolate, interpolation_losses


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=50_000, help='training images evaluated (CIFAR-10 has 50,000)')
    ap.add_argument('--alphas', type=int, default=5, help='points of the α grid, 0 and 1 included')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--precision', default='auto')
    ap.add_argument('--csv', default=None, help='append the two timings to this CSV file')
    args = ap.parse_args()
    device = torch.device(args.device)
    try: data = load_data('cifar10')
    except Exception as e:
        print(f"({e}) -> synthetic data of CIFAR-10's shapes"); data = synthetic_data(n_train=args.n, n_test=100)
    data = replace(data, x_train=data.x_train[:args.n], y_train=data.y_train[:args.n]).to(device)
    a, b = (make_model('resnet20', 10, seed=s).to(device).state_dict() for s in (0, 1))
    model = make_model('resnet20', 10).to(device)
    alphas = [i / (args.alphas - 1) for i in range(args.alphas)]
    precision = resolve_precision(args.precision, device)
    name = torch.cuda.get_device_name() if device.type == 'cuda' else f'CPU, {torch.get_num_threads()} threads'
    print(f"torch {torch.__version__}, {name}, {precision}; ResNet-20, {data.n_train:,} training images x {len(alphas)} α")

    sync = (lambda: torch.cuda.synchronize()) if device.type == 'cuda' else (lambda: None)
    sync(); t0 = time.perf_counter()
    ours = interpolation_losses(model, a, b, data, alphas, precision=precision)
    sync(); ours_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    per_alpha = []
    for alpha in alphas:
        model.load_state_dict(interpolate(a, b, alpha))
        per_alpha.append(F.cross_entropy(predict(model, data.x_train, data, precision=precision), data.y_train, reduction='none').cpu())
    sync(); base_s = time.perf_counter() - t0

    work = data.n_train * len(alphas)
    gap = (torch.stack(per_alpha) - ours['loss']).abs().max().item()
    print(f"{'one pass, A nets per batch (interpolation_losses)':52s} {ours_s:8.1f} s {work / ours_s:10.0f} images·α/s")
    print(f"{'A passes, one α at a time (predict)':52s} {base_s:8.1f} s {work / base_s:10.0f} images·α/s")
    print(f"RATIO one-pass / per-α speed: {base_s / ours_s:.2f}x; largest per-example loss difference {gap:.2e}")
    if args.csv:
        new = not os.path.exists(args.csv)
        with open(args.csv, 'a', newline='') as f:
            w = csv.writer(f)
            if new: w.writerow(['device', 'torch', 'precision', 'images', 'alphas', 'way', 'seconds', 'images_alpha_per_second', 'ratio_to_per_alpha'])
            for way, s in (('one pass, all α per batch', ours_s), ('one pass per α', base_s)):
                w.writerow([name, torch.__version__, precision, data.n_train, len(alphas), way, round(s, 2), round(work / s), round(base_s / s, 2)])


if __name__ == '__main__':
    main()
