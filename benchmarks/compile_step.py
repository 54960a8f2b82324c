"""torch.compile and batch size at a preset's shape: images/second of one training step, against eager, in one run.

The step is imp_easy's (`train_group`'s one-model step: forward under the precision's autocast, cross-entropy,
backward, SGD with momentum and weight decay, channels_last), on the preset's model and image size with
synthetic data. For each batch size it times `--steps` steps eager and with the model compiled by
`torch.compile` (inductor), after warm-up steps (the compiled model's warm-up, its compile time, is printed
apart; the first compile, in the check below, is printed first), and prints the images/second of each and their ratio to eager at the first batch size (128), the baseline, measured
in the same process. First it checks that the compiled step computes what the eager one does: from the same
weights and batches, the largest difference of the losses over `--check-steps` steps and of the weights after them,
beside the same differences between eager in the precision and eager in fp32 (the scale of rounding).

    python benchmarks/compile_step.py [--preset cpu] [--steps 30] [--batches 128 256] [--csv out.csv]   # and out_difference.csv
"""
import argparse, time
import torch
import torch.nn.functional as F

from imp_easy.data import synthetic_data, downsample, TrainStream
from imp_easy.models import make_model
from imp_easy.presets import experiment_preset
from imp_easy.train import autocast, resolve_precision


def training(p, data, batch, precision, device, compiled):
    "The preset's network at its initialisation (seed 0), the data stream, and one training step of it (maybe compiled): the loss, detached."
    net = make_model(p.model, data.num_classes, seed=0, width=p.width).to(device).to(memory_format=torch.channels_last).train()
    opt = torch.optim.SGD(net.parameters(), lr=p.hp.lr, momentum=p.hp.momentum, weight_decay=p.hp.weight_decay)
    run = torch.compile(net) if compiled else net
    def step(x, y):
        with autocast(precision, device):
            loss = F.cross_entropy(run(x.contiguous(memory_format=torch.channels_last)), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.detach()
    return net, TrainStream(data, batch, seed=0, augment=p.hp.augment), step


def images_per_second(p, data, batch, steps, warmup, precision, device, compiled) -> tuple[float, float]:
    "(images/second over `steps` timed steps, seconds of the `warmup` steps before them, which include compiling)."
    _, stream, step = training(p, data, batch, precision, device, compiled)
    t0 = time.perf_counter()
    for s in range(warmup): step(*stream(s))
    t1 = time.perf_counter()
    for s in range(warmup, warmup + steps): loss = step(*stream(s))
    loss.item()
    return steps * batch / (time.perf_counter() - t1), t1 - t0


def trajectory(p, data, steps, precision, device, compiled) -> tuple[torch.Tensor, torch.Tensor]:
    "The losses of `steps` steps from the preset's initialisation on the same batches, and the weights after them (one vector)."
    net, stream, step = training(p, data, p.hp.batch_size, precision, device, compiled)
    losses = torch.stack([step(*stream(s)) for s in range(steps)]).float()
    return losses, torch.cat([w.detach().float().flatten() for w in net.parameters()])


def difference(a, b) -> tuple[float, float]:
    "The largest |loss difference| and the relative difference of all weights (norm of the difference over norm) between two trajectories."
    (l0, w0), (l1, w1) = a, b
    return (l0 - l1).abs().max().item(), ((w0 - w1).norm() / w0.norm()).item()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--preset', default='cpu', help="an ExperimentPreset name: its model, width, image size and recipe")
    ap.add_argument('--steps', type=int, default=30, help='timed steps per way')
    ap.add_argument('--warmup', type=int, default=5, help='untimed steps first (the compiled model compiles in them)')
    ap.add_argument('--batches', type=int, nargs='+', default=[128, 256])
    ap.add_argument('--check-steps', type=int, default=3, help='steps of the check that compiled and eager compute the same (few: training is chaotic)')
    ap.add_argument('--precision', default='auto')
    ap.add_argument('--csv', default=None, help='also write the rows to this CSV file')
    a = ap.parse_args()
    device = torch.device('cpu')
    p, precision = experiment_preset('cifar10', a.preset), resolve_precision(a.precision, device)
    data = downsample(synthetic_data(n_train=4_096, n_test=100), 32 // p.image_size)
    print(f"torch {torch.__version__}, CPU, {torch.get_num_threads()} threads, {precision}; {p.model} width {p.width} at {p.image_size}px "
          f"(the {a.preset} preset), {a.steps} timed steps after {a.warmup}")
    eager = trajectory(p, data, a.check_steps, precision, device, False)
    t0 = time.perf_counter()
    compiled_diff = difference(eager, trajectory(p, data, a.check_steps, precision, device, True))
    compile_s = time.perf_counter() - t0  # the first compiled use: compiling, then the check's steps
    fp32_diff = difference(trajectory(p, data, a.check_steps, 'fp32', device, False), eager)  # the scale of rounding: what bf16 itself changes
    print(f"compiling the model and its first {a.check_steps} steps: {compile_s:.1f} s")
    print(f"\n{'batch':>5s} {'way':9s} {'img/s':>8s} {'vs eager at first':>18s} {'warm-up s':>10s}")
    rows, base = [], None
    for batch in a.batches:
        for compiled in (False, True):
            speed, warm = images_per_second(p, data, batch, a.steps, a.warmup, precision, device, compiled)
            base = base or speed  # eager at the first batch size (128 by default): the baseline
            way = 'compiled' if compiled else 'eager'
            rows.append(f"{batch},{way},{speed:.1f},{speed / base:.3f},{warm:.1f}")
            print(f"{batch:5d} {way:9s} {speed:8.1f} {speed / base:17.2f}x {warm:10.1f}", flush=True)
    print(f"\nFrom the same weights and batches, {a.check_steps} steps at batch {p.hp.batch_size}: compiled vs eager ({precision}): largest loss "
          f"difference {compiled_diff[0]:.2e}, relative weight difference {compiled_diff[1]:.2e}; eager {precision} vs eager fp32: "
          f"{fp32_diff[0]:.2e}, {fp32_diff[1]:.2e}")
    if a.csv:
        with open(a.csv, 'w') as f:
            f.write('batch,way,images_per_second,ratio_to_eager_first_batch,warmup_seconds\n' + '\n'.join(rows) + '\n')
        with open(a.csv.replace('.csv', '_difference.csv'), 'w') as f:
            f.write('pair,steps,batch,max_loss_difference,relative_weight_difference\n'
                    f'compiled vs eager ({precision}),{a.check_steps},{p.hp.batch_size},{compiled_diff[0]:.3e},{compiled_diff[1]:.3e}\n'
                    f'eager {precision} vs eager fp32,{a.check_steps},{p.hp.batch_size},{fp32_diff[0]:.3e},{fp32_diff[1]:.3e}\n')


if __name__ == '__main__':
    main()
