"""Run one of MMPretrain's own tools (``mmpretrain/.mim/tools``) with this
package imported first.

Importing ``glmc_mm`` before the tool starts registers our components,
applies :mod:`glmc_mm.compat` and the ``glmc_mm::`` config scope. A config's
``custom_imports`` come too late for the last two: MMEngine resolves the
``_base_`` files before it imports anything the config names.

The ``--cfg-options`` of the tools that build a runner from their config
(:data:`RUNNER_TOOLS`) are checked before the tool starts
(:func:`~glmc_mm.utils.cfg_options.check_cfg_options`): one that nothing
reads is refused. The other tools read their configs each in its own way,
and their options pass unchecked.
"""
import argparse
import os
import os.path as osp
import runpy
import sys
from typing import Sequence

import mmpretrain
from mmengine.config import Config, DictAction

from .cfg_options import check_cfg_options
from .process_group import destroy_process_group

MMPRETRAIN_TOOLS = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools')
# MMPretrain's tools that merge ``--cfg-options`` into ``config`` (their
# first positional argument) and build a runner from it
RUNNER_TOOLS = ('test.py', 'train.py')


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


def check_runner_tool_options(tool: str, args: Sequence[str]) -> None:
    """Refuse the ``--cfg-options`` in ``args`` that nothing would read in
    a run of the tool's config (:func:`check_cfg_options`).

    Args:
        tool (str): The tool's path, for the usage line.
        args (Sequence[str]): Its arguments: the config file first, as in
            :data:`RUNNER_TOOLS`.

    Raises:
        ValueError: naming each such option and where it probably belongs.
    """
    parser = argparse.ArgumentParser(prog=tool, add_help=False)
    parser.add_argument('config', nargs='?')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    known, _ = parser.parse_known_args(args)
    # a config that cannot be read is the tool's own error to report
    if known.cfg_options and known.config and osp.isfile(known.config):
        check_cfg_options(Config.fromfile(known.config), known.cfg_options)


def run_mmpretrain_tool(tool: str, args: Sequence[str]) -> None:
    """Run MMPretrain's tool ``tool`` as ``__main__`` with arguments
    ``args``, as ``python <tool> <args>`` would, then end its process group
    (:func:`destroy_process_group`). The ``--cfg-options`` of
    :data:`RUNNER_TOOLS` are checked first (:func:`check_runner_tool_options`).

    Raises:
        ValueError: for a ``--cfg-options`` key that nothing reads.
    """
    path = mmpretrain_tool_path(tool)
    if tool in RUNNER_TOOLS:
        check_runner_tool_options(tool, args)
    sys.argv = [path, *args]
    runpy.run_path(path, run_name='__main__')
    destroy_process_group()
