"""Run any of MMPretrain's own tools with ``glmc_mm`` imported first, so
that it also reads configs that inherit ``glmc_mm::glmc/<name>.py`` (MMEngine
resolves ``_base_`` before a config's ``custom_imports``) and gets our
compatibility fixes.

Usage::

    python tools/mmpretrain_tool.py TOOL [ARGS ...]
    python tools/mmpretrain_tool.py analysis_tools/confusion_matrix.py \\
        my_config.py work_dirs/my_config/epoch_200.pth --show
    python tools/mmpretrain_tool.py misc/verify_dataset.py my_config.py

``TOOL`` is a path inside MMPretrain's ``tools`` folder; a wrong one gets
the list of them.
"""
import sys

import glmc_mm  # noqa: F401  (registers the components, applies compat)
from glmc_mm.utils import run_mmpretrain_tool

if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] in ('-h', '--help'):
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 else 2)
    run_mmpretrain_tool(sys.argv[1], sys.argv[2:])
