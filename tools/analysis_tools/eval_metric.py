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
import os.path as osp
import runpy

import mmpretrain

import glmc_mm  # noqa: F401  (registers LongTailAccuracy)

MMPRETRAIN_EVAL_METRIC = osp.join(
    osp.dirname(mmpretrain.__file__), '.mim', 'tools', 'analysis_tools',
    'eval_metric.py')

if __name__ == '__main__':
    runpy.run_path(MMPRETRAIN_EVAL_METRIC, run_name='__main__')
