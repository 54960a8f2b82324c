#!/usr/bin/env bash
# Everything a GPU lease is for (the `device` tool: 15 minutes of one GPU, starts, transfers and idle waits included),
# each part under its own time limit so that one slow part cannot eat the others; reports (JSON, CSV, PNG, text) go to $OUT.
#   1. throughput: ResNet-20 at batch 128 per model, N = 1, 4, 10, 16, one at a time / group / stacked, fp32 and bf16
#      (many_models.py), and one step seen from inside: a profiler summary and the host-device synchronisations of the
#      step loop (step_profile.py);
#   2. fig2_smoke: Figure 2's notebook at the `smoke` preset (synthetic data) on the GPU (device None picks it), through
#      papermill where it is installed, else benchmarks/run_notebook.py (the GPU machine's image has no papermill);
#   3. instability: children of w_0 and of w_400 on full CIFAR-10 with the paper's recipe, their test accuracies and
#      error barriers (instability.py; as many steps as fit in PREMISE_S seconds);
#   4. imp_premise: IMP's premise with the project's own IMP (imp_premise.py): ResNet-20 on all of CIFAR-10, all data
#      rewound to 0 and to t* (IMP_PREMISE_REWINDS), 2 replicates, 4 levels of 48.8% (6.9% weights), all runs stacked,
#      the control of t*'s sparsest masks; the recipe fitted to IMP_PREMISE_S seconds (IMP_PREMISE_STEPS=0) or fixed;
#   5. LMC evaluation speed (lmc_eval.py), last, with what time is left.
# PARTS names the parts to run (default all: throughput step_profile fig2_smoke instability imp_premise lmc_eval), so that a
# lease whose data travels in several calls runs the parts that need none first. GUARDS=off runs the parts without their
# time limits (the CPU dry run: a busy machine must not fail it). PACK=FILE.tgz packs the reports (not the run store) into
# one file after every part: what a device call brings back is at most 8 files. CIFAR-10 comes from $IMP_EASY_DATA, or is
# unpacked from the shards of ../shared/data carried into .data/ (see ../shared/data/README.md).
#
# One lease (15 minutes of device time). A call carries at most 64 MiB with the working tree (~6 MiB), so the shards
# (meta 0.1, test 17, train0 43, train1 43 MiB) take three calls: train0 and train1 each fill one, and the test shard
# fits with neither. Once, here: mkdir -p .data && cp ../shared/data/cifar10.* ../shared/data/materialize.py .data/
# (.data/ is git-ignored). Then three `run` calls back to back (the machine stays warm only ~30 s after each):
#   call 1, carry .data/cifar10.meta.npz .data/cifar10.test.npz .data/materialize.py, timeout_s 330, the data-free parts:
#       PACK=$OUT/lease1.tgz OUT=/tmp/lease PARTS="fig2_smoke throughput" bash benchmarks/gpu_lease.sh
#     expected ~1.5 min (fig2_smoke ~1, limit 2; throughput ~0.7, limit 2);
#   call 2, carry .data/cifar10.train0.npz, timeout_s 60:   ls -l .data
#     (~10 s after its transfer; meta and test missing there: the machine went back in between, and call 3 cannot unpack);
#   call 3, carry .data/cifar10.train1.npz, timeout_s 540, the data parts:
#       PACK=$OUT/lease3.tgz OUT=/tmp/lease PARTS="imp_premise" bash benchmarks/gpu_lease.sh
#     expected ~6.5 min: unpacking ~0.5, loading and the probe ~0.5, IMP and the control ~5 (87% of IMP_PREMISE_S=330 s),
#     evaluation and the plot; its limit is IMP_PREMISE_S + IMP_PREMISE_SLACK = 430 s.
# With the machine's start (~1.5-2 min), three transfers and the waits between calls: ~11-12 minutes expected; ~13 with
# imp_premise at its limit, ~15 with every part at its limit: when call 1 runs over 2 minutes, lower IMP_PREMISE_S in
# call 3 by the excess. Where a part's limit is hit the part stops, the others run, and the packs hold what it wrote
# (imp_premise rewrites its runs' CSV after every level). The packs come back as $OUT/lease1.tgz and lease3.tgz.
#
#   bash benchmarks/gpu_lease.sh                                  # everything, on the GPU machine, from the repository root
#   make gpu-dry-run                                              # the CPU dry run at tiny sizes (the Makefile's settings)
set -uo pipefail
OUT=${OUT:-out/gpu}; DEVICE=${DEVICE:-cuda}; DATA=${DATA:-cifar10}; STORE=${STORE:-$OUT/store}
NS=${NS:-1 4 10 16}; STEPS=${STEPS:-30}; PROFILE_N=${PROFILE_N:-16}
PREMISE_STEPS=${PREMISE_STEPS:-62560}; PREMISE_REWIND=${PREMISE_REWIND:-400}; PREMISE_S=${PREMISE_S:-240}
IMP_PREMISE_S=${IMP_PREMISE_S:-330}; IMP_PREMISE_STEPS=${IMP_PREMISE_STEPS:-0}; IMP_PREMISE_REWINDS=${IMP_PREMISE_REWINDS:-0 400}
IMP_PREMISE_EXTRA=${IMP_PREMISE_EXTRA:-}  # more imp_premise.py options (the dry run's smaller model)
N_LMC=${N_LMC:-50000}; PARTS=${PARTS:-throughput step_profile fig2_smoke instability imp_premise lmc_eval}
GUARDS=${GUARDS:-on}; NOTEBOOK_RUNNER=${NOTEBOOK_RUNNER:-auto}  # papermill, plain (run_notebook.py) or auto: papermill where importable
THROUGHPUT_LIMIT=${THROUGHPUT_LIMIT:-120}; PROFILE_LIMIT=${PROFILE_LIMIT:-45}; LMC_LIMIT=${LMC_LIMIT:-30}; FIG2_LIMIT=${FIG2_LIMIT:-120}
PREMISE_LIMIT=$(( ${PREMISE_S%.*} + ${PREMISE_SLACK:-60} ))  # the children's budget plus loading, the parent and evaluation
IMP_PREMISE_LIMIT=$(( ${IMP_PREMISE_S%.*} + ${IMP_PREMISE_SLACK:-100} ))  # the fitted IMP plus loading, the probe, evaluation, the plot
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
if [ "$DATA" = cifar10 ] && [ -z "${IMP_EASY_DATA:-}" ] && [ -f .data/cifar10.train1.npz ]; then
  export IMP_EASY_DATA="$PWD/.data/unpacked"
  [ -d "$IMP_EASY_DATA/cifar-10-batches-py" ] || $PY .data/materialize.py "$IMP_EASY_DATA" cifar10 > "$OUT/materialize.txt" 2>&1
fi
{ nvidia-smi -L 2>&1 || true; $PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"; } > "$OUT/device.txt"
status=0
pack() {  # the reports so far into $PACK, atomically (the run store stays out)
  [ -n "${PACK:-}" ] || return 0
  tar -czf "$PACK.tmp" --exclude=store --exclude="$(basename "$PACK")*" -C "$OUT" . && mv "$PACK.tmp" "$PACK"
}
part() {  # part NAME LIMIT_S COMMAND...: run with a time limit (none with GUARDS=off), log to $OUT/NAME.txt, note a failure or time-out; skip parts not in PARTS
  local name=$1 limit=$2; shift 2
  [[ " $PARTS " == *" $name "* || " $PARTS " == *" ${name%_*} "* ]] || return 0  # lmc_eval_bf16 runs as part lmc_eval
  local t0=$SECONDS rc
  if [ "$GUARDS" = off ]; then limit=none; "$@" > "$OUT/$name.txt" 2>&1
  else timeout --kill-after=10 "$limit" "$@" > "$OUT/$name.txt" 2>&1; fi
  rc=$?
  echo "$name: rc $rc after $((SECONDS - t0)) s (limit $limit s)" | tee -a "$OUT/parts.txt"
  [ $rc -eq 0 ] || status=1
  pack
}
notebook() {  # the command that runs a notebook with papermill's -p parameters
  if [ "$NOTEBOOK_RUNNER" = papermill ] || { [ "$NOTEBOOK_RUNNER" = auto ] && $PY -c 'import papermill' 2>/dev/null; }; then
    echo "$PY -m papermill"
  else echo "$PY benchmarks/run_notebook.py"; fi
}
part throughput "$THROUGHPUT_LIMIT" $PY benchmarks/many_models.py --device "$DEVICE" --ns $NS --steps "$STEPS" --csv "$OUT/throughput.csv"
part step_profile "$PROFILE_LIMIT" $PY benchmarks/step_profile.py --device "$DEVICE" --n "$PROFILE_N" --out "$OUT"
part fig2_smoke "$FIG2_LIMIT" $(notebook) nbs/fig2.ipynb "$OUT/fig2_smoke.ipynb" -p preset smoke -p out_dir "$OUT/fig2_smoke" \
  -p store_dir "$STORE"
part instability "$PREMISE_LIMIT" $PY benchmarks/instability.py --device "$DEVICE" --data "$DATA" --steps "$PREMISE_STEPS" \
  --rewind "$PREMISE_REWIND" --budget-s "$PREMISE_S" --out "$OUT"
part imp_premise "$IMP_PREMISE_LIMIT" $PY benchmarks/imp_premise.py --device "$DEVICE" --data "$DATA" --steps "$IMP_PREMISE_STEPS" \
  --rewinds $IMP_PREMISE_REWINDS --budget-s "$IMP_PREMISE_S" --store "$STORE" --out "$OUT" $IMP_PREMISE_EXTRA
for precision in bf16 fp32; do
  part "lmc_eval_$precision" "$LMC_LIMIT" $PY benchmarks/lmc_eval.py --device "$DEVICE" --n "$N_LMC" --precision $precision --csv "$OUT/lmc_eval.csv"
done
tail -n +1 "$OUT"/parts.txt "$OUT"/throughput.txt "$OUT"/instability.json "$OUT"/imp_premise.json 2>/dev/null
exit $status
