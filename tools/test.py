"""Evaluate a checkpoint: MMPretrain's own ``tools/test.py``, run after
``glmc_mm`` is imported (its components registered, its compatibility fixes
applied before MMEngine starts a distributed run).

Every argument is MMPretrain's: ``--work-dir``, ``--out`` with
``--out-item {metrics,pred}``, ``--cfg-options``, ``--amp``, ``--show-dir``,
``--show``, ``--interval``, ``--wait-time``, ``--no-pin-memory``, ``--tta``,
``--launcher``. The metrics are in the log and in the run's JSON log
(``<work-dir>/<timestamp>/<timestamp>.json``), with the per-class accuracy
in a CSV beside it.
"""
import sys

import glmc_mm  # noqa: F401  (registers the components, applies compat)
from glmc_mm.utils import run_mmpretrain_tool

if __name__ == '__main__':
    run_mmpretrain_tool('test.py', sys.argv[1:])
