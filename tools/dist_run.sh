#!/usr/bin/env bash
# Usage: tools/dist_run.sh SCRIPT NUM_PROCESSES [SCRIPT args]
# Launches tools/SCRIPT on NUM_PROCESSES processes per node with
# torch.distributed.run (nccl on GPUs, gloo without). NNODES, NODE_RANK,
# MASTER_ADDR and PORT select a multi-node launch; PYTHON the interpreter.
SCRIPT=$1
NPROC=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
PYTHON=${PYTHON:-python}

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROC" \
    --master_port="$PORT" \
    "$(dirname "$0")/$SCRIPT" \
    "${@:3}" --launcher pytorch
