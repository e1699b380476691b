from .mmpretrain_tools import mmpretrain_tool_path, run_mmpretrain_tool
from .run_results import (latest_test_metrics, training_scalars,
                          validation_history)
from .runner_args import add_runner_args, load_config

__all__ = [
    'add_runner_args', 'latest_test_metrics', 'load_config',
    'mmpretrain_tool_path', 'run_mmpretrain_tool', 'training_scalars',
    'validation_history'
]
