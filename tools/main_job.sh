#!/usr/bin/env bash
# The main job on a CPU: train GLMC on Fashion-MNIST-LT (real images),
# evaluate it, print the shot-group table and draw the plots.
# Run tools/setup_env.sh --data first (README command 1 does both).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv-newest/bin/python}
CONFIG=configs/glmc/glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py
WORK_DIR=${WORK_DIR:-work_dirs/main_job}
"$PYTHON" tools/analysis_tools/print_class_counts.py "$CONFIG"
"$PYTHON" tools/train.py "$CONFIG" --work-dir "$WORK_DIR"
"$PYTHON" tools/test.py "$CONFIG" "$WORK_DIR/epoch_30.pth" --work-dir "$WORK_DIR/test"
"$PYTHON" tools/analysis_tools/plot_long_tail.py "$CONFIG" \
    --runs "GLMC=$WORK_DIR/test" --train-dir "$WORK_DIR" --out-dir "$WORK_DIR/plots"
