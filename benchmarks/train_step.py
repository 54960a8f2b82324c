"""Training-step benchmark: imp_easy's trainer against a plain reference loop in the common style.

Reference: a torch `Dataset` of uint8 HWC images -> PIL -> torchvision RandomCrop(32, padding=4),
RandomHorizontalFlip, ToTensor, Normalize -> `DataLoader(batch_size=128, shuffle=True)`; fp32; the mask
applied in every forward pass with `torch.nn.utils.prune.custom_from_mask`; SGD with momentum and weight decay.
imp_easy: the whole dataset as a uint8 tensor, batch augmentation on tensors, masks on gradients,
precision 'auto' (bf16 where native, else fp32) and channels_last.

Same model (ResNet-20), same data, same mask (IMP level 7, 21% density), same batch size, in one process;
the two loops alternate in rounds so that machine noise hits both. Prints images/second and the ratio.

    python benchmarks/train_step.py [--steps 30] [--rounds 2] [--data cifar10|synthetic] [--workers 0 2] [--csv out.csv]
"""
import argparse, csv, os, time
import numpy as np
import torch
import torch.nn.functional as F
from torch.nn.utils import prune
import torchvision.transforms as T
from torch.utils.data import DataLoader, Dataset

from imp_easy.data import load_data, synthetic_data, TrainStream
from imp_easy.models import make_model, prunable
from imp_easy.prune import prune_magnitude, mask_density
from imp_easy.train import HParams, train, resolve_precision, native_bf16


class ReferenceCifar(Dataset):
    "The common style: per-image PIL transforms in a DataLoader."
    def __init__(self, x_uint8, y, mean, std):
        self.x = x_uint8.permute(0, 2, 3, 1).numpy()  # HWC, as torchvision's CIFAR10 stores it
        self.y = y.numpy()
        self.tf = T.Compose([T.ToPILImage(), T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(),
                             T.ToTensor(), T.Normalize(mean.tolist(), std.tolist())])
    def __len__(self): return len(self.y)
    def __getitem__(self, i): return self.tf(self.x[i]), int(self.y[i])


def reference_images_per_second(data, mask, steps, workers, seed=0):
    torch.manual_seed(seed)
    model = make_model('resnet20', data.num_classes, seed=seed)
    for name, m in mask.items():  # masking in forward, the torch.nn.utils.prune way
        module = model.get_submodule(name.rsplit('.', 1)[0])
        prune.custom_from_mask(module, 'weight', m)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    loader = DataLoader(ReferenceCifar(data.x_train, data.y_train, data.mean, data.std), batch_size=128,
                        shuffle=True, num_workers=workers, drop_last=True, persistent_workers=workers > 0)
    it, done, t0 = iter(loader), -2, None
    while done < steps:
        if done == 0: t0 = time.perf_counter()  # 2 warm-up steps
        x, y = next(it)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(); loss.backward(); opt.step(); done += 1
    return steps * 128 / (time.perf_counter() - t0)


def imp_easy_images_per_second(data, mask, steps, precision='auto', channels_last=True, seed=0):
    model = make_model('resnet20', data.num_classes, seed=seed)
    hp = HParams(steps=steps + 2)
    warm = train(model, TrainStream(data, 128, seed, augment=hp.augment), hp, stop=2, mask=mask, precision=precision, channels_last=channels_last, quiet=True)
    r = train(model, TrainStream(data, 128, seed, augment=hp.augment), hp, start=2, mask=mask, optimizer_state=warm.optimizer_state,
              precision=precision, channels_last=channels_last, quiet=True)
    return r.images_per_second


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--steps', type=int, default=30)
    ap.add_argument('--rounds', type=int, default=2)
    ap.add_argument('--data', default='cifar10', help="'cifar10' (from $IMP_EASY_DATA) or 'synthetic'")
    ap.add_argument('--workers', type=int, nargs='+', default=[0, 2], help='DataLoader workers tried for the reference')
    ap.add_argument('--bf16', action='store_true', help='also time imp_easy with bf16 autocast forced')
    ap.add_argument('--csv', default=None, help='also write one row per loop to this CSV file')
    args = ap.parse_args()

    try: data = load_data(args.data) if args.data != 'synthetic' else synthetic_data(n_train=10_000, n_test=100)
    except Exception as e:
        print(f"({e}) -> using synthetic data of CIFAR-10's shapes"); data = synthetic_data(n_train=10_000, n_test=100)
    mask = None
    net = make_model('resnet20', data.num_classes, seed=0)
    for _ in range(7): mask = prune_magnitude(net, mask)
    cpu = torch.device('cpu')
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU capability {torch.backends.cpu.get_cpu_capability()}, "
          f"native bf16: {native_bf16(cpu)}; data {data.name} ({data.n_train:,} images); mask density {mask_density(mask):.1%}; "
          f"{args.steps} timed steps x {args.rounds} rounds, batch 128")

    variants = {f'reference, DataLoader workers={w}': (lambda w=w: reference_images_per_second(data, mask, args.steps, w)) for w in args.workers}
    variants[f"imp_easy ({resolve_precision('auto', cpu)}, channels_last)"] = lambda: imp_easy_images_per_second(data, mask, args.steps)
    variants['imp_easy (fp32, NCHW)'] = lambda: imp_easy_images_per_second(data, mask, args.steps, 'fp32', False)
    if args.bf16: variants['imp_easy (bf16 forced, channels_last)'] = lambda: imp_easy_images_per_second(data, mask, max(3, args.steps // 10), 'bf16')
    results = {k: [] for k in variants}
    for _ in range(args.rounds):
        for k, f in variants.items(): results[k].append(f())
    best = {k: max(v) for k, v in results.items()}
    baseline = max(v for k, v in best.items() if k.startswith('reference'))
    print(f"\n{'loop':45s} {'img/s (best of rounds)':>22s} {'vs best reference':>18s}")
    for k, v in best.items(): print(f"{k:45s} {v:22.1f} {v / baseline:17.2f}x")
    ours = best[f"imp_easy ({resolve_precision('auto', cpu)}, channels_last)"]
    print(f"\nRATIO imp_easy default / best reference loop: {ours / baseline:.2f}x (target >= 2x)")
    if args.csv:
        with open(args.csv, 'w', newline='') as f:
            w = csv.writer(f)
            w.writerow(['loop', 'images_per_second', 'ratio_to_best_reference', 'cpu_capability', 'native_bf16', 'threads', 'torch', 'data'])
            for k, v in best.items():
                w.writerow([k, round(v, 1), round(v / baseline, 2), torch.backends.cpu.get_cpu_capability(), native_bf16(cpu),
                            torch.get_num_threads(), torch.__version__, data.name])


if __name__ == '__main__':
    main()
