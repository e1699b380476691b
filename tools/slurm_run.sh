#!/usr/bin/env bash
# Usage: [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [TASKS_PER_NODE=...] \
#     [SRUN_ARGS=...] [PYTHON=python] \
#     tools/slurm_run.sh SCRIPT PARTITION JOB_NAME [SCRIPT args]
# Runs tools/SCRIPT as GPUS Slurm tasks with MMEngine's slurm launcher.
# On GPUs: one task per GPU, GPUS_PER_NODE tasks and GPUs (--gres=gpu) on
# each node, nccl. GPUS_PER_NODE=0 makes it a CPU job of GPUS processes,
# TASKS_PER_NODE of them on each node (GPUS by default: all on one node),
# with no --gres, no GPU visible to the tasks (an empty
# CUDA_VISIBLE_DEVICES) and gloo (glmc_mm.compat's
# slurm_dist_without_accelerator). PYTHON: the tasks' interpreter.
set -x
SCRIPT=$1
PARTITION=$2
JOB_NAME=$3
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
PYTHON=${PYTHON:-python}

if [ "$GPUS_PER_NODE" = 0 ]; then
    GRES=()
    TASKS_PER_NODE=${TASKS_PER_NODE:-$GPUS}
    export CUDA_VISIBLE_DEVICES=
else
    GRES=(--gres=gpu:"${GPUS_PER_NODE}")
    TASKS_PER_NODE=$GPUS_PER_NODE
fi

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
exec srun -p "${PARTITION}" \
    --job-name="${JOB_NAME}" \
    "${GRES[@]}" \
    --ntasks="${GPUS}" \
    --ntasks-per-node="${TASKS_PER_NODE}" \
    --cpus-per-task="${CPUS_PER_TASK}" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    "$PYTHON" -u "$(dirname "$0")/${SCRIPT}" "${@:4}" --launcher=slurm
