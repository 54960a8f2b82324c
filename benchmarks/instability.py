"""The paper's premise at paper scale: is ResNet-20 on CIFAR-10 unstable to SGD noise at initialisation, and stable at t = 400?

From one initialisation w_0 the parent trains 400 steps on all data (w_400). Two children of w_0 and two of w_400 then
train with the paper's recipe (62,560 steps of 128, LR 0.1, x0.1 at 31,280 and 46,920), each in its own data order and
augmentation: the children of w_0 for their first 400 steps as a group, then all four as one stacked network. The run
stops early when the time budget would run out (the steps reached are reported; the LR schedule is the one asked for
either way). With --steps 0 the recipe is fitted to the budget instead: four stacked children are timed for a few
steps first, and the schedule (the paper's shape, milestones at the same fractions) gets the most steps that fit. With
--first F the first pair are children of w_F instead of w_0 (to find the onset of stability between two steps). Then:
each child's test accuracy, and for each pair the train and test error and loss along the line between the two
children (5 points of α) with the barrier (`imp_easy.lmc.pair_barriers`). Writes instability.json, instability.csv and
instability.png into --out.

    python benchmarks/instability.py --out out/gpu                                 # on a GPU, CIFAR-10 from $IMP_EASY_DATA
    python benchmarks/instability.py --steps 0 --budget-s 240 --out out/gpu         # the longest recipe that fits 240 s
    python benchmarks/instability.py --first 1000 --rewind 2000 --out out/gpu      # is w_1000 stable? w_2000?
    python benchmarks/instability.py --device cpu --data synthetic --steps 40 --rewind 8 --out /tmp/x   # a dry run
"""
import argparse, json, time
from pathlib import Path

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import torch

from imp_easy.data import load_data, synthetic_data, TrainStream, StreamGroup, derive_seed
from imp_easy.models import make_model
from imp_easy.train import HParams, train_group, evaluate, state_of, resolve_precision, default_device
from imp_easy.presets import PAPER_HPARAMS
from imp_easy.lmc import interpolation_losses, pair_barriers, ALPHAS


def recipe(steps: int) -> HParams:
    "The paper's CIFAR-10 recipe, or the same schedule shape shrunk to `steps` (dry runs)."
    paper = PAPER_HPARAMS['cifar10']
    if steps == paper.steps: return paper
    return HParams(steps=steps, milestones=tuple(m * steps // paper.steps for m in paper.milestones))


def fitted_steps(data, model_name: str, precision: str, budget_s: float, rewind: int, probe: int, unit: int = 500) -> int:
    "The most steps (a multiple of `unit`, at least `rewind + unit`) four stacked children train in 90% of `budget_s`, from a timed probe."
    models = [make_model(model_name, data.num_classes, seed=k).to(data.device) for k in range(4)]
    hp = recipe(PAPER_HPARAMS['cifar10'].steps)
    streams = StreamGroup([TrainStream(data, hp.batch_size, seed=k, augment=hp.augment) for k in range(4)])
    warm = train_group(models, streams, hp, stop=probe, precision=precision, stacked=True, quiet=True)  # cudnn's search, caches
    if data.device.type == 'cuda': torch.cuda.synchronize()
    t0 = time.perf_counter()
    train_group(models, streams, hp, start=probe, stop=2 * probe, optimizer_states=[r.optimizer_state for r in warm],
                precision=precision, stacked=True, quiet=True)
    per_step = (time.perf_counter() - t0) / probe
    return max(rewind + unit, int(0.9 * budget_s / per_step) // unit * unit)  # 10% spare: the budget check stops a chunk short otherwise


def train_children(data, early: dict, rewind: dict, hp: HParams, first: int, t: int, precision: str, budget_s: float, chunk: int,
                   model_name: str, seed: int):
    "Two children of w_first and two of w_t, stacked from step t on, in chunks until hp.steps or the budget; returns them and the step reached."
    def child(state):
        model = make_model(model_name, data.num_classes).to(data.device); model.load_state_dict(state)
        return model
    children = [child(early), child(early), child(rewind), child(rewind)]
    streams = [TrainStream(data, hp.batch_size, seed=derive_seed(seed, 'child', k), augment=hp.augment) for k in range(4)]
    t0 = time.perf_counter()
    early_pair = train_group(children[:2], StreamGroup(streams[:2]), hp, start=first, stop=t, precision=precision, quiet=True)
    optimizers, step, per_chunk = [r.optimizer_state for r in early_pair] + [None, None], t, None
    while step < hp.steps:
        stop = min(step + chunk, hp.steps)
        left = budget_s - (time.perf_counter() - t0)
        if per_chunk is not None and left < per_chunk * (stop - step) / chunk: break  # the next chunk would not fit
        c0 = time.perf_counter()
        results = train_group(children, StreamGroup(streams), hp, start=step, stop=stop, optimizer_states=optimizers,
                              precision=precision, stacked=True, quiet=True)
        optimizers, per_chunk = [r.optimizer_state for r in results], (time.perf_counter() - c0) * chunk / (stop - step)
        step = stop
    return children, step, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default=str(default_device()))
    ap.add_argument('--data', default='cifar10', help="'cifar10' (from --data-dir or $IMP_EASY_DATA) or 'synthetic'")
    ap.add_argument('--data-dir', default=None)
    ap.add_argument('--model', default='resnet20')
    ap.add_argument('--steps', type=int, default=PAPER_HPARAMS['cifar10'].steps, help="the recipe's length (milestones scale with it); 0: the most that fits --budget-s")
    ap.add_argument('--first', type=int, default=0, help='t of the first pair of children (0: w_0)')
    ap.add_argument('--rewind', type=int, default=400, help='t of the second pair of children')
    ap.add_argument('--precision', default='bf16')
    ap.add_argument('--budget-s', type=float, default=300., help='seconds for training the children')
    ap.add_argument('--chunk', type=int, default=1_000, help='steps between budget checks')
    ap.add_argument('--probe', type=int, default=40, help='steps timed (after as many to warm up) to fit --steps 0')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--out', default='out/gpu')
    args = ap.parse_args()
    device, out = torch.device(args.device), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = (synthetic_data() if args.data == 'synthetic' else load_data(args.data, args.data_dir)).to(device)
    precision = resolve_precision(args.precision, device)
    if device.type == 'cuda': torch.backends.cudnn.benchmark = True
    hp = recipe(args.steps or fitted_steps(data, args.model, precision, args.budget_s, args.rewind, args.probe))

    parent_model = make_model(args.model, data.num_classes, seed=derive_seed(args.seed, 'init')).to(device)
    pretrain, optimizer = StreamGroup([TrainStream(data, hp.batch_size, seed=derive_seed(args.seed, 'pretrain'), augment=hp.augment)]), None
    if args.first:
        (optimizer,) = [r.optimizer_state for r in train_group([parent_model], pretrain, hp, stop=args.first, precision=precision, quiet=True)]
    early = state_of(parent_model)
    train_group([parent_model], pretrain, hp, start=args.first, stop=args.rewind, optimizer_states=optimizer and [optimizer],
                precision=precision, quiet=True)
    children, reached, seconds = train_children(data, early, state_of(parent_model), hp, args.first, args.rewind, precision,
                                                args.budget_s, args.chunk, args.model, args.seed)

    rows, pairs = [], {}
    early_name, rewind_name = f't={args.first}', f't={args.rewind}'
    for name, (a, b) in {early_name: (0, 1), rewind_name: (2, 3)}.items():
        for split in ('train', 'test'):
            losses = interpolation_losses(children[a], state_of(children[a]), state_of(children[b]), data, ALPHAS, split, precision=precision)
            r = pair_barriers(losses)
            pairs[(name, split)] = r
            rows += [{'pair': name, 'split': split, 'alpha': al, 'error': e, 'loss': l}
                     for al, e, l in zip(ALPHAS, r['error_curve'], r['loss_curve'])]
    accuracies = [evaluate(c, data, precision=precision)['accuracy'] for c in children]
    report = {
        'device': torch.cuda.get_device_name() if device.type == 'cuda' else 'cpu', 'torch': torch.__version__,
        'precision': precision, 'data': data.name, 'model': args.model, 'recipe_steps': hp.steps, 'milestones': list(hp.milestones),
        'first_step': args.first, 'rewind_step': args.rewind, 'steps_reached': reached, 'full_length': reached == hp.steps,
        'children_seconds': seconds, 'images_per_second_all_children': (2 * (args.rewind - args.first) + 4 * (reached - args.rewind)) * hp.batch_size / seconds,
        'test_accuracy': {early_name: accuracies[:2], rewind_name: accuracies[2:]},
        'error_barrier': {f'{n}, {s}': r['error_barrier'] for (n, s), r in pairs.items()},
        'loss_barrier': {f'{n}, {s}': r['loss_barrier'] for (n, s), r in pairs.items()},
    }
    (out / 'instability.json').write_text(json.dumps(report, indent=1))
    with open(out / 'instability.csv', 'w') as f:
        f.write('pair,split,alpha,error,loss\n' + ''.join(f"{r['pair']},{r['split']},{r['alpha']},{r['error']:.6f},{r['loss']:.6f}\n" for r in rows))
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for i, ((name, split), r) in enumerate(pairs.items()):
        ax.plot(ALPHAS, [100 * e for e in r['error_curve']], marker='o', color=f'C{i // 2}', ls='-' if split == 'train' else '--',
                label=f"children of w_{name[2:]}, {split} (barrier {100 * r['error_barrier']:.1f}%)")
    ax.set(xlabel='α', ylabel='error (%)', title=f"{args.model}, {data.name}: {reached:,} of {hp.steps:,} steps")
    ax.grid(alpha=0.3); ax.legend(fontsize=7)
    fig.savefig(out / 'instability.png', dpi=120, bbox_inches='tight')
    print(json.dumps(report, indent=1))


if __name__ == '__main__':
    main()
