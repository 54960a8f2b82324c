"""Many-models benchmark: per-model training throughput of N ResNet-20s trained together, against one at a time.

For each N in --ns and each precision, three ways to train N independent networks (own init, own data
order and augmentation) for the same steps, all through `imp_easy.train.train_group`:
  one at a time  N = 1 (the baseline: what N separate runs get per model),
  group          N models in one loop, each its own forward/backward (shared data work),
  stacked        N models as one network of grouped layers (`stacked=True`): one forward/backward per step.
Prints, per way and N, the images/second each model trains at and the throughput of all N together, and
the ratio of the latter to one model at a time (N separate runs in sequence get exactly the single-model
throughput), measured in the same process.

    python benchmarks/many_models.py [--ns 1 4 10 16] [--steps 6] [--precisions fp32 bf16] [--device cpu|cuda] [--csv out.csv]
    python benchmarks/many_models.py --width 8 --image-size 16 --ns 1 3 6 --precisions bf16   # the `cpu` preset's shape
"""
import argparse, time
import torch

from imp_easy.data import synthetic_data, downsample, TrainStream, StreamGroup
from imp_easy.models import make_model
from imp_easy.train import HParams, train_group, native_bf16


def per_model_images_per_second(data, n, steps, precision, stacked, device, width=16):
    models = [make_model('resnet20', 10, seed=k, width=width).to(device) for k in range(n)]
    hp = HParams(steps=steps + 2)
    streams = StreamGroup([TrainStream(data, hp.batch_size, seed=k, augment=hp.augment) for k in range(n)])
    warm = train_group(models, streams, hp, stop=2, precision=precision, stacked=stacked, quiet=True)
    if device.type == 'cuda': torch.cuda.synchronize()
    t0 = time.perf_counter()
    train_group(models, streams, hp, start=2, precision=precision, stacked=stacked, quiet=True,
                optimizer_states=[r.optimizer_state for r in warm])
    if device.type == 'cuda': torch.cuda.synchronize()
    return steps * 128 / (time.perf_counter() - t0)  # images per model per second


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--ns', type=int, nargs='+', default=[1, 4, 10, 16])
    ap.add_argument('--steps', type=int, default=6, help='timed steps (after 2 warm-up steps)')
    ap.add_argument('--precisions', nargs='+', default=['fp32', 'bf16'])
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--width', type=int, default=16, help="ResNet-20's first-stage width (the paper's: 16)")
    ap.add_argument('--image-size', type=int, default=32, choices=[32, 16, 8], help='image side (block-averaged from 32)')
    ap.add_argument('--csv', default=None, help='also write the rows to this CSV file')
    args = ap.parse_args()
    rows = []
    def row(precision, n, way, per_model, single):
        rows.append(f"{precision},{n},{way},{per_model:.1f},{n * per_model:.1f},{n * per_model / single:.3f}")
        print(f"{precision:9s} {n:3d} {way:14s} {per_model:16.1f} {n * per_model:13.1f} {n * per_model / single:16.2f}x", flush=True)
    device = torch.device(args.device)
    data = downsample(synthetic_data(n_train=4_096, n_test=100), 32 // args.image_size).to(device)  # CIFAR-10's shapes: 32x32x3, 10 classes
    name = torch.cuda.get_device_name() if device.type == 'cuda' else f'CPU, {torch.get_num_threads()} threads'
    print(f"torch {torch.__version__}, {name}, native bf16: {native_bf16(device)}; ResNet-20 width {args.width} at {args.image_size}px, "
          f"batch 128 per model, {args.steps} timed steps")
    print(f"\n{'precision':9s} {'N':>3s} {'way':14s} {'img/s per model':>16s} {'img/s, all N':>13s} {'vs one at a time':>17s}")
    for precision in args.precisions:
        single = per_model_images_per_second(data, 1, args.steps, precision, False, device, args.width)
        row(precision, 1, 'one at a time', single, single)
        for n in [n for n in args.ns if n > 1]:
            for stacked in (False, True):
                row(precision, n, 'stacked' if stacked else 'group', per_model_images_per_second(data, n, args.steps, precision, stacked, device, args.width), single)
    if args.csv:
        with open(args.csv, 'w') as f: f.write('precision,n,way,images_per_second_per_model,images_per_second_all,ratio_to_one\n' + '\n'.join(rows) + '\n')


if __name__ == '__main__':
    main()
