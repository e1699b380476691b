#!/usr/bin/env bash
# One command on a machine with a GPU; prints one table (paste it into an
# issue). In under 8 minutes it measures, with tools/benchmark/benchmark_glmc.py:
#   - runner vs floor vs the authors' loop, ResNet-32 (CIFAR) and ResNeXt-50
#     (224 px), under --amp, with channels_last on and off;
#   - samples/s of the ImageNet-LT train pipeline per dataloader worker
#     (one core), ours (both configs) and the authors';
#   - the largest batch B per stream that fits in GPU memory.
# Without a GPU it says so and runs the CPU fallback: the same table for the
# CIFAR setting only, B = 16, one short window, to check that everything runs.
#
# Usage: bash tools/benchmark/gpu_check.sh [--out DIR] [--python PYTHON]
set -euo pipefail
cd "$(dirname "$0")/../.."
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
OUT=""
PYTHON=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out) [ $# -ge 2 ] || { echo "gpu_check.sh: --out needs a folder" >&2; exit 2; }
               OUT=$2; shift 2 ;;
        --python) [ $# -ge 2 ] || { echo "gpu_check.sh: --python needs an interpreter" >&2; exit 2; }
                  PYTHON=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "gpu_check.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [ -z "$PYTHON" ]; then
    if [ -x .venv-newest/bin/python ]; then PYTHON=.venv-newest/bin/python; else PYTHON=python3; fi
fi
command -v "$PYTHON" >/dev/null || { echo "gpu_check.sh: no Python at '$PYTHON'" >&2; exit 2; }
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
if [ -n "$(ls -A "$OUT")" ]; then
    echo "gpu_check.sh: $OUT is not empty; give an empty or new folder" >&2
    exit 2
fi
BENCH=("$PYTHON" tools/benchmark/benchmark_glmc.py)
start=$(date +%s)
if "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)'; then
    for layout in True False; do
        "${BENCH[@]}" --settings cifar imagenet --measures runner floor authors \
            --amp --windows 3 --window-steps 3 --warmup 3 \
            --cfg-options model.channels_last=$layout --json-out "$OUT/steps_cl_$layout.json"
    done
    "${BENCH[@]}" --settings imagenet imagenet-batchaug --measures pipeline \
        --pipeline-samples 200 --json-out "$OUT/pipeline.json"
    "${BENCH[@]}" --settings cifar imagenet --measures max-batch --amp \
        --json-out "$OUT/max_batch.json"
else
    echo "No CUDA GPU here: the CPU fallback (CIFAR setting, B = 16, one short window)."
    "${BENCH[@]}" --settings cifar --measures runner floor authors pipeline \
        --windows 1 --window-steps 1 --warmup 1 --pipeline-samples 16 --batch 16 \
        --json-out "$OUT/steps_cpu.json"
fi
echo
echo "glmc_mm $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(( $(date +%s) - start )) s; figures in $OUT"
"${BENCH[@]}" --table "$OUT"/*.json
