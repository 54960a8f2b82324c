"""IMP's premise at paper scale, with the project's own IMP: for ResNet-20 on all of CIFAR-10, does rewinding to t* beat rewinding to 0?

What runs is what the figures run (`imp_easy.figures`): a preset made from `experiment_preset('cifar10', 'paper')` with
`dataclasses.replace` (ResNet-20, width 16, 32x32 images, the paper's recipe shape: batch 128, LR 0.1, momentum 0.9,
weight decay 1e-4, crop + flip, LR x0.1 at 50% and 75% of the steps), 4 pruning levels of 48.8% (three 20% steps:
51%, 26%, 13%, 6.9% of the weights), all data rewound to 0 and to t* (`all_data_schemes`), 2 replicates each, every
config through `imp_config` and `run_schemes(store, p, schemes, lockstep='stacked')` (all runs as one stacked network,
one level further at a time so that each finished level is written before the next trains), then the random-
reinitialisation control of t*'s sparsest masks (`run_controls`). The verdict is `imp_easy.regime.rewinding_verdict`:
every t* replicate above every t=0 replicate at the two sparsest levels, and the control below both (`p3`); the plot
is `imp_easy.regime.plot_rewinding`. Precision 'auto': bf16 on a GPU.

The recipe's length S (steps per level) is --steps, or with --steps 0 the most that fits --budget-s, from a timed probe
of c_N, the seconds per step of the N = len(rewinds) x replicates runs stacked, and c_1, of one model alone:

    (levels + 1) · S · c_N  +  replicates · S · c_1  +  replicates · Σ_t t · c_1   <=   (1 − spare) · budget
     every level, all runs     the controls (t*'s        phase 1: each run's w_t
     stacked (a run joins      sparsest mask, one        trained alone
     at its rewind step)       model at a time)

with 13% spare (--spare) for evaluations, checkpoints and masks, S rounded down to a multiple of --unit and at least
max(rewinds) + unit. Writes into --out: imp_premise_runs.csv (every run's level rows and the controls: scheme_id,
rewind_step, replicate, level, density, test_accuracy, ...; rewritten after each level, so a run stopped early leaves
its finished levels), imp_premise.csv (the summary plotted), imp_premise.png/.svg, imp_premise.json (the recipe, its
fraction of the paper's 62,560 steps, minutes, device, precision, the verdict). The run store is --store (default
<out>/store); nothing in it is deleted, and a second call reads the finished runs back.

    python benchmarks/imp_premise.py --budget-s 330 --out out/gpu                # on a GPU, CIFAR-10 from $IMP_EASY_DATA
    python benchmarks/imp_premise.py --steps 4000 --rewinds 0 400 800 --out out/gpu   # a fixed recipe, three rewind points
    python benchmarks/imp_premise.py --device cpu --data synthetic --steps 8 --rewinds 0 4 --model resnet8 --width 8 \\
        --batch-size 32 --out /tmp/x                                             # a dry run (seconds)
"""
import argparse, json, time
from dataclasses import replace
from pathlib import Path

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import pandas as pd
import torch

from imp_easy.data import Data, synthetic_data, TrainStream, StreamGroup
from imp_easy.models import make_model
from imp_easy.prune import dense_mask
from imp_easy.train import HParams, train_group, default_device
from imp_easy.store import Store
from imp_easy.presets import ExperimentPreset, PAPER_HPARAMS, experiment_preset, load_preset_data
from imp_easy.figures import Scheme, all_data_schemes, run_schemes, run_controls, save_figure, save_table
from imp_easy.regime import rewinding_verdict, plot_rewinding

PAPER = PAPER_HPARAMS['cifar10']  # 62,560 steps of 128, LR x0.1 at 31,280 and 46,920
PRUNE_FRACTION = 1 - 0.8 ** 3     # a level prunes three of the paper's 20% steps


def recipe(steps: int, batch_size: int = PAPER.batch_size) -> HParams:
    "The paper's CIFAR-10 recipe (augmented) shrunk to `steps`, its milestones at the same fractions (50% and 75%)."
    return replace(PAPER, steps=steps, batch_size=batch_size, milestones=tuple(m * steps // PAPER.steps for m in PAPER.milestones))


def premise_preset(steps: int, tstar: int, levels: int = 4, replicates: int = 2, model: str = 'resnet20', width: int = 16,
                   batch_size: int = PAPER.batch_size, dataset: str = 'cifar10', name: str = 'premise') -> ExperimentPreset:
    "CIFAR-10's paper preset with the lease's recipe, t*, levels of 48.8% and replicates (its runs are `imp_config`'s, as the figures')."
    return replace(experiment_preset('cifar10', 'paper'), name=name, dataset=dataset, model=model, width=width,
                   hp=recipe(steps, batch_size), rewind_step=tstar, levels=levels, prune_fraction=PRUNE_FRACTION, replicates=replicates)


def rewind_schemes(p: ExperimentPreset, rewinds: list[int]) -> list[Scheme]:
    "All data rewound to each step of `rewinds`, as `all_data_schemes` makes them (fractions of t*)."
    schemes = all_data_schemes(p, [t / p.rewind_step for t in rewinds])
    if [s.rewind_step for s in schemes] != list(rewinds): raise ValueError(f"rewind steps {rewinds} are not whole fractions of t* = {p.rewind_step}")
    return schemes


def synchronize(device: torch.device):
    if device.type == 'cuda': torch.cuda.synchronize()


def step_seconds(data: Data, p: ExperimentPreset, n: int, precision: str, probe: int) -> float:
    "Seconds per step of `n` models of `p` trained together (stacked, as IMP's levels; n = 1: alone, as phase 1 and the controls), timed over `probe` steps after as many to warm up."
    models = [make_model(p.model, data.num_classes, seed=k, width=p.width).to(data.device) for k in range(n)]
    streams = StreamGroup([TrainStream(data, p.hp.batch_size, seed=k, augment=p.hp.augment) for k in range(n)])
    kw = dict(masks=[dense_mask(m) for m in models], precision=precision, stacked=n > 1, quiet=True)
    warm = train_group(models, streams, p.hp, stop=probe, **kw)
    synchronize(data.device)
    t0 = time.perf_counter()
    train_group(models, streams, p.hp, start=probe, stop=2 * probe, optimizer_states=[r.optimizer_state for r in warm], **kw)
    synchronize(data.device)
    return (time.perf_counter() - t0) / probe


def predicted_seconds(steps: int, per_step_stacked: float, per_step_one: float, rewinds: list[int], levels: int, replicates: int) -> float:
    "The module docstring's left side: every level's stacked runs, the controls, and phase 1, for a recipe of `steps`."
    return (levels + 1) * steps * per_step_stacked + replicates * steps * per_step_one + replicates * sum(rewinds) * per_step_one


def fitted_steps(budget_s: float, per_step_stacked: float, per_step_one: float, rewinds: list[int], levels: int, replicates: int,
                 spare: float = 0.13, unit: int = 100) -> int:
    "The most steps (a multiple of `unit`, at least max(rewinds) + unit) whose `predicted_seconds` fit (1 - spare) of `budget_s`."
    fixed = predicted_seconds(0, per_step_stacked, per_step_one, rewinds, levels, replicates)
    per_step = predicted_seconds(1, per_step_stacked, per_step_one, rewinds, levels, replicates) - fixed
    fit = int(max(0., (1 - spare) * budget_s - fixed) / per_step) // unit * unit
    return max(max(rewinds) + unit, fit)


def run_levels(store: Store, p: ExperimentPreset, schemes: list[Scheme], on_level=None) -> pd.DataFrame:
    "`run_schemes(store, p, schemes, lockstep='stacked')`, one level further at a time (a run's levels are no part of its key: the same runs), calling `on_level(results)` after each."
    for level in range(p.levels + 1):
        results = run_schemes(store, replace(p, levels=level), schemes, lockstep='stacked')
        if on_level: on_level(results)
    return results


def load(args, device: torch.device) -> Data:
    "The data: CIFAR-10 as the paper preset loads it, or synthetic data of its shapes."
    if args.data == 'synthetic': return synthetic_data().to(device)
    return load_preset_data(experiment_preset(args.data, 'paper'), args.data_dir, device=device)


def check_rewinds(rewinds: list[int], tstar: int | None) -> tuple[list[int], int]:
    "The rewind steps (sorted, with 0) and t* (default: the first after 0), or a clear error."
    rewinds = sorted(set(rewinds))
    if 0 not in rewinds or len(rewinds) < 2: raise SystemExit(f"--rewinds must hold 0 and at least one later step, got {rewinds}")
    tstar = tstar or rewinds[1]
    if tstar not in rewinds or tstar == 0: raise SystemExit(f"--tstar {tstar} must be one of the later --rewinds {rewinds[1:]}")
    return rewinds, tstar


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default=str(default_device()))
    ap.add_argument('--data', default='cifar10', help="'cifar10' (from --data-dir or $IMP_EASY_DATA) or 'synthetic'")
    ap.add_argument('--data-dir', default=None)
    ap.add_argument('--rewinds', type=int, nargs='+', default=[0, 400], help='rewind steps of the all-data schemes (0 and t* at least)')
    ap.add_argument('--tstar', type=int, default=None, help="t*: the verdict's and the control's rewind step (default: the first after 0)")
    ap.add_argument('--replicates', type=int, default=2)
    ap.add_argument('--levels', type=int, default=4, help='pruning levels of 48.8%% after the dense level 0')
    ap.add_argument('--steps', type=int, default=0, help="steps per level (milestones at 50%% and 75%%); 0: the most that fit --budget-s")
    ap.add_argument('--budget-s', type=float, default=330., help='seconds for phase 1, every level and the controls (--steps 0)')
    ap.add_argument('--spare', type=float, default=0.13, help='fraction of --budget-s left out of the fit')
    ap.add_argument('--unit', type=int, default=100, help='the fitted steps are a multiple of this')
    ap.add_argument('--probe', type=int, default=20, help='steps timed (after as many to warm up) for the fit')
    ap.add_argument('--model', default='resnet20', help='(dry runs: a smaller one)')
    ap.add_argument('--width', type=int, default=16)
    ap.add_argument('--batch-size', type=int, default=PAPER.batch_size)
    ap.add_argument('--precision', default='auto')
    ap.add_argument('--store', default=None, help='run store (default: <out>/store)')
    ap.add_argument('--out', default='out/gpu')
    args = ap.parse_args()
    rewinds, tstar = check_rewinds(args.rewinds, args.tstar)
    t_start, device, out = time.perf_counter(), torch.device(args.device), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    store = Store(load(args, device), args.store or out / 'store', args.precision, quiet=True)
    preset = lambda steps, name='premise': premise_preset(steps, tstar, args.levels, args.replicates, args.model, args.width, args.batch_size,
                                                         'synthetic' if args.data == 'synthetic' else args.data, name)
    n = len(rewinds) * args.replicates
    per_step = None
    if not args.steps:
        probe = preset(PAPER.steps)
        per_step = {'stacked': step_seconds(store.data, probe, n, store.precision, args.probe),
                    'one': step_seconds(store.data, probe, 1, store.precision, args.probe)}
    steps = args.steps or fitted_steps(args.budget_s, per_step['stacked'], per_step['one'], rewinds, args.levels, args.replicates, args.spare, args.unit)
    device_name = torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu'
    p = preset(steps, f"{args.model}, {store.data.name}, {steps:,} steps a level ({steps / PAPER.steps:.1%} of the paper's), {device_name}, {store.precision}")
    report = {
        'device': device_name, 'torch': torch.__version__, 'precision': store.precision, 'data': store.data.name, 'model': p.model,
        'width': p.width, 'batch_size': p.hp.batch_size, 'augment': p.hp.augment, 'recipe_steps': steps, 'milestones': list(p.hp.milestones),
        'paper_steps': PAPER.steps, 'fraction_of_paper': steps / PAPER.steps, 'fitted': not args.steps,
        'budget_s': args.budget_s if not args.steps else None, 'spare': args.spare if not args.steps else None,
        'seconds_per_step': per_step and {f'{n} stacked': per_step['stacked'], '1 alone': per_step['one']},
        'predicted_minutes': per_step and predicted_seconds(steps, per_step['stacked'], per_step['one'], rewinds, p.levels, p.replicates) / 60,
        'rewinds': rewinds, 'tstar': tstar, 'replicates': p.replicates, 'levels': p.levels, 'prune_fraction': p.prune_fraction,
        'store': str(store.root)}
    print(json.dumps(report, indent=1), flush=True)

    schemes, t0 = rewind_schemes(p, rewinds), time.perf_counter()
    def on_level(results: pd.DataFrame):
        save_table(results, out / 'imp_premise_runs.csv')
        level = int(results.level.max())
        (out / 'imp_premise.json').write_text(json.dumps({**report, 'levels_done': level, 'minutes': (time.perf_counter() - t0) / 60}, indent=1))
        print(f"level {level} done after {(time.perf_counter() - t0) / 60:.1f} min: "
              + ', '.join(f"t={t} {100 * a:.1f}%" for t, a in results[results.level == level].groupby('rewind_step').test_accuracy.mean().items()), flush=True)
    results = run_levels(store, p, schemes, on_level)
    controls = run_controls(store, p, schemes[rewinds.index(tstar)], [p.levels])
    minutes = (time.perf_counter() - t0) / 60
    runs = pd.concat([results, controls.reindex(columns=results.columns)], ignore_index=True)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    summary = plot_rewinding(results, controls, p, ax)
    save_figure(fig, summary, out, 'imp_premise', runs=runs)
    verdicts = {t: rewinding_verdict(results, controls, replace(p, rewind_step=t)) for t in rewinds[1:]}
    report.update({'levels_done': p.levels, 'densities': results.groupby('level').density.mean().round(4).tolist(),
                   'minutes': minutes, 'minutes_total': (time.perf_counter() - t_start) / 60,
                   'verdict': verdicts[tstar], 'premise_holds': verdicts[tstar]['p3'],
                   'verdicts': {f't={t}': v for t, v in verdicts.items()}})  # each later rewind against t=0 (the control: t*'s)
    (out / 'imp_premise.json').write_text(json.dumps(report, indent=1))
    print(json.dumps({k: report[k] for k in ('recipe_steps', 'fraction_of_paper', 'minutes', 'verdict', 'premise_holds')}, indent=1))


if __name__ == '__main__':
    main()
