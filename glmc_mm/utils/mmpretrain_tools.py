"""Run one of MMPretrain's own tools (``mmpretrain/.mim/tools``) with this
package imported first.

Importing ``glmc_mm`` before the tool starts registers our components,
applies :mod:`glmc_mm.compat` and the ``glmc_mm::`` config scope. A config's
``custom_imports`` come too late for the last two: MMEngine resolves the
``_base_`` files before it imports anything the config names.
"""
import os
import os.path as osp
import runpy
import sys
from typing import Sequence

import mmpretrain

from .process_group import destroy_process_group

MMPRETRAIN_TOOLS = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools')


def mmpretrain_tool_path(tool: str) -> str:
    """The path of MMPretrain's tool ``tool``, e.g.
    ``analysis_tools/confusion_matrix.py``.

    Raises:
        FileNotFoundError: naming the tool and listing MMPretrain's tools.
    """
    path = osp.join(MMPRETRAIN_TOOLS, tool)
    if not osp.isfile(path):
        known = sorted(
            osp.relpath(osp.join(folder, name), MMPRETRAIN_TOOLS)
            for folder, _, names in os.walk(MMPRETRAIN_TOOLS) for name in names
            if name.endswith('.py'))
        raise FileNotFoundError(
            f'MMPretrain has no tool {tool!r} (in {MMPRETRAIN_TOOLS}); its '
            f'tools are: {", ".join(known)}')
    return path


def run_mmpretrain_tool(tool: str, args: Sequence[str]) -> None:
    """Run MMPretrain's tool ``tool`` as ``__main__`` with arguments
    ``args``, as ``python <tool> <args>`` would, then end its process group
    (:func:`destroy_process_group`)."""
    path = mmpretrain_tool_path(tool)
    sys.argv = [path, *args]
    runpy.run_path(path, run_name='__main__')
    destroy_process_group()
