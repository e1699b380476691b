"""Leaf helpers: nothing here imports another part of ``glmc_mm``."""
from .cfg_options import check_cfg_options
from .mmpretrain_tools import mmpretrain_tool_path, run_mmpretrain_tool
from .previous_run import prepare_work_dir
from .runner_args import add_runner_args, load_config

__all__ = [
    'add_runner_args', 'check_cfg_options', 'load_config',
    'mmpretrain_tool_path', 'prepare_work_dir', 'run_mmpretrain_tool'
]
