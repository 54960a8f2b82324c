#!/usr/bin/env bash
# The project's GPU measurements in one call, for a session that is lent a GPU (the `device` tool): many models per
# step (N = 1, 4, 10, 16; fp32 and bf16; one at a time, group loop, stacked) and LMC evaluation (all α of a pair of
# ResNet-20s on the CIFAR-10 training set, or synthetic data of its shapes when CIFAR-10 is not there).
# Reports go to $OUT (default out/gpu), one file per benchmark. Needs only torch, numpy, pandas, matplotlib and tqdm.
#
#   bash benchmarks/gpu_check.sh                      # on the GPU machine, from the repository root
#   DEVICE=cpu NS="1 2" STEPS=2 N_LMC=1000 bash benchmarks/gpu_check.sh   # a seconds-long dry run anywhere
set -uo pipefail
OUT=${OUT:-out/gpu}; DEVICE=${DEVICE:-cuda}; NS=${NS:-1 4 10 16}; STEPS=${STEPS:-30}; N_LMC=${N_LMC:-50000}
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
{ nvidia-smi -L 2>&1 || true; $PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"; } > "$OUT/device.txt"
status=0
$PY benchmarks/many_models.py --device "$DEVICE" --ns $NS --steps "$STEPS" > "$OUT/many_models.txt" 2>&1 || status=1
for precision in bf16 fp32; do
  $PY benchmarks/lmc_eval.py --device "$DEVICE" --n "$N_LMC" --precision $precision > "$OUT/lmc_eval_$precision.txt" 2>&1 || status=1
done
tail -n +1 "$OUT"/*.txt
exit $status
