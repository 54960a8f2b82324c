#!/usr/bin/env bash
# Everything a GPU lease is for, in one call (the `device` tool: 15 minutes of one H200, starts and transfers included),
# each part under its own time limit so that one slow part cannot eat the others; reports (JSON, CSV, PNG, text) go to $OUT.
#   1. throughput: ResNet-20 at batch 128 per model, N = 1, 4, 10, 16, one at a time / group / stacked, fp32 and bf16
#      (many_models.py), and one step seen from inside: a profiler summary and the host-device synchronisations of the
#      step loop (step_profile.py);
#   2. the paper's premise at paper scale: children of w_0 and of w_400 on full CIFAR-10 with the paper's recipe, their
#      test accuracies and error barriers (instability.py; as many steps as fit in PREMISE_S seconds);
#   3. LMC evaluation speed (lmc_eval.py), last, with what time is left.
# PARTS names the parts to run (default all: throughput step_profile instability lmc_eval), so that a lease whose data must
# travel in several calls can run the parts that need no data in the first. PREMISE_STEPS=0 fits the recipe to PREMISE_S.
# CIFAR-10 comes from $IMP_EASY_DATA, or is unpacked from the shards of ../shared/data carried into .data/ (see
# ../shared/data/README.md: they travel in two calls).
#
#   bash benchmarks/gpu_lease.sh                                  # on the GPU machine, from the repository root
#   DEVICE=cpu DATA=synthetic NS="1 2" STEPS=2 PREMISE_STEPS=24 PREMISE_REWIND=4 N_LMC=500 bash benchmarks/gpu_lease.sh   # dry run
set -uo pipefail
OUT=${OUT:-out/gpu}; DEVICE=${DEVICE:-cuda}; DATA=${DATA:-cifar10}
NS=${NS:-1 4 10 16}; STEPS=${STEPS:-30}; PROFILE_N=${PROFILE_N:-16}
PREMISE_STEPS=${PREMISE_STEPS:-62560}; PREMISE_REWIND=${PREMISE_REWIND:-400}; PREMISE_S=${PREMISE_S:-240}
N_LMC=${N_LMC:-50000}; PARTS=${PARTS:-throughput step_profile instability lmc_eval}
THROUGHPUT_LIMIT=${THROUGHPUT_LIMIT:-120}; PROFILE_LIMIT=${PROFILE_LIMIT:-45}; LMC_LIMIT=${LMC_LIMIT:-30}
PREMISE_LIMIT=$(( ${PREMISE_S%.*} + ${PREMISE_SLACK:-60} ))  # the children's budget plus loading, the parent and evaluation
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
if [ "$DATA" = cifar10 ] && [ -z "${IMP_EASY_DATA:-}" ] && [ -f .data/cifar10.train1.npz ]; then
  export IMP_EASY_DATA="$PWD/.data/unpacked"
  [ -d "$IMP_EASY_DATA/cifar-10-batches-py" ] || $PY .data/materialize.py "$IMP_EASY_DATA" cifar10 > "$OUT/materialize.txt" 2>&1
fi
{ nvidia-smi -L 2>&1 || true; $PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"; } > "$OUT/device.txt"
status=0
part() {  # part NAME LIMIT_S COMMAND...: run with a time limit, log to $OUT/NAME.txt, note a failure or time-out; skip parts not in PARTS
  local name=$1 limit=$2; shift 2
  [[ " $PARTS " == *" $name "* || " $PARTS " == *" ${name%_*} "* ]] || return 0  # lmc_eval_bf16 runs as part lmc_eval
  local t0=$SECONDS
  timeout --kill-after=10 "$limit" "$@" > "$OUT/$name.txt" 2>&1
  local rc=$?
  echo "$name: rc $rc after $((SECONDS - t0)) s (limit $limit s)" | tee -a "$OUT/parts.txt"
  [ $rc -eq 0 ] || status=1
}
part throughput "$THROUGHPUT_LIMIT" $PY benchmarks/many_models.py --device "$DEVICE" --ns $NS --steps "$STEPS" --csv "$OUT/throughput.csv"
part step_profile "$PROFILE_LIMIT" $PY benchmarks/step_profile.py --device "$DEVICE" --n "$PROFILE_N" --out "$OUT"
part instability "$PREMISE_LIMIT" $PY benchmarks/instability.py --device "$DEVICE" --data "$DATA" --steps "$PREMISE_STEPS" \
  --rewind "$PREMISE_REWIND" --budget-s "$PREMISE_S" --out "$OUT"
for precision in bf16 fp32; do
  part "lmc_eval_$precision" "$LMC_LIMIT" $PY benchmarks/lmc_eval.py --device "$DEVICE" --n "$N_LMC" --precision $precision --csv "$OUT/lmc_eval.csv"
done
tail -n +1 "$OUT"/parts.txt "$OUT"/throughput.txt "$OUT"/instability.json 2>/dev/null
exit $status
