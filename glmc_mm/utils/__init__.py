"""Leaf helpers: nothing here imports another part of ``glmc_mm``."""
from .mmpretrain_tools import mmpretrain_tool_path, run_mmpretrain_tool
from .runner_args import add_runner_args, load_config

__all__ = [
    'add_runner_args', 'load_config', 'mmpretrain_tool_path',
    'run_mmpretrain_tool'
]
