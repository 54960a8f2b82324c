"""One training step seen from inside: a torch.profiler summary, and how often the host waits for the device.

For N = 1 and N stacked ResNet-20s (batch 128 each, CIFAR-10 shapes): the operators that take the most time over a few
steps (device time on a GPU, host time on the CPU), and, on a GPU, the synchronisations the step loop makes
(`torch.cuda.set_sync_debug_mode`): the loop should make none but the loss check every `check_every` steps, and the
call one more per model at its end (the check that every weight is finite). The first lease (benchmarks/h200) counted one
per tensor there, before that check became one reduction.

    python benchmarks/step_profile.py [--device cuda] [--n 16] [--steps 40] [--out out/gpu]
"""
import argparse, json, time, warnings
from pathlib import Path
import torch
from torch.profiler import profile, ProfilerActivity

from imp_easy.data import synthetic_data, TrainStream, StreamGroup
from imp_easy.models import make_model
from imp_easy.train import HParams, train_group, default_device


def setup(data, n, device):
    models = [make_model('resnet20', 10, seed=k).to(device) for k in range(n)]
    return models, StreamGroup([TrainStream(data, 128, seed=k, augment=True) for k in range(n)])  # the paper's crop + flip


def synchronisations(data, n, steps, precision, device, check_every=20) -> int:
    "How many times the host waited for the device in `steps` steps of `train_group` (after a warm-up)."
    models, streams = setup(data, n, device)
    hp = HParams(steps=steps + 2)
    warm = train_group(models, streams, hp, stop=2, precision=precision, stacked=n > 1, quiet=True)
    torch.cuda.synchronize()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter('always')
        torch.cuda.set_sync_debug_mode('warn')
        try: train_group(models, streams, hp, start=2, precision=precision, stacked=n > 1, quiet=True, check_every=check_every,
                         optimizer_states=[r.optimizer_state for r in warm])
        finally: torch.cuda.set_sync_debug_mode('default')
    return sum('synchroniz' in str(w.message) for w in seen)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default=str(default_device()))
    ap.add_argument('--n', type=int, default=16, help='models of the stacked case')
    ap.add_argument('--steps', type=int, default=40)
    ap.add_argument('--precision', default='bf16')
    ap.add_argument('--out', default='out/gpu')
    args = ap.parse_args()
    device, out = torch.device(args.device), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = synthetic_data(n_train=4_096, n_test=100).to(device)
    cuda = device.type == 'cuda'
    report = {'device': torch.cuda.get_device_name() if cuda else 'cpu', 'precision': args.precision, 'steps': args.steps}
    for n in (1, args.n):
        models, streams = setup(data, n, device)
        hp = HParams(steps=8)
        train_group(models, streams, hp, stop=3, precision=args.precision, stacked=n > 1, quiet=True)
        activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])
        with profile(activities=activities) as prof:
            train_group(models, streams, hp, start=3, stop=8, precision=args.precision, stacked=n > 1, quiet=True)
            if cuda: torch.cuda.synchronize()
        key = 'self_cuda_time_total' if cuda else 'self_cpu_time_total'
        table = prof.key_averages().table(sort_by=key, row_limit=15)
        (out / f'profile_n{n}.txt').write_text(table)
        print(f"N = {n} ({'stacked' if n > 1 else 'one model'}), 5 steps:\n{table}")
        if cuda:
            syncs = synchronisations(data, n, args.steps, args.precision, device)
            report[f'synchronisations_n{n}'] = syncs
            print(f"N = {n}: {syncs} synchronisations in {args.steps} steps ({args.steps // 20} loss checks, one every 20 steps, "
                  f"and {n} end-of-call state checks, one per model, expected)")
    (out / 'step_profile.json').write_text(json.dumps(report, indent=1))


if __name__ == '__main__':
    main()
