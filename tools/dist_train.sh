#!/usr/bin/env bash
# Usage: tools/dist_train.sh CONFIG NUM_PROCESSES [train.py args]
# (NNODES, NODE_RANK, MASTER_ADDR, PORT: see tools/dist_run.sh)
exec "$(dirname "$0")/dist_run.sh" train.py "$2" "$1" "${@:3}"
