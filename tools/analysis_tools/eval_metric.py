"""Evaluate saved predictions offline: MMPretrain's own
``tools/analysis_tools/eval_metric.py``, run after ``glmc_mm`` is imported so
that ``--metric type=LongTailAccuracy`` is found. The training counts, which
saved predictions do not carry, go in as ``class_counts=[...]``
(``tools/analysis_tools/print_class_counts.py CONFIG`` prints them).

Example::

    python tools/test.py CONFIG CHECKPOINT --out predictions.pkl
    python tools/analysis_tools/eval_metric.py predictions.pkl \\
        --metric type=LongTailAccuracy class_counts=[1200,719,...,12]
"""
import sys

import glmc_mm  # noqa: F401  (registers LongTailAccuracy)
from glmc_mm.utils import run_mmpretrain_tool

if __name__ == '__main__':
    run_mmpretrain_tool('analysis_tools/eval_metric.py', sys.argv[1:])
