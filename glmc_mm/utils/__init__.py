from .run_results import latest_test_metrics, training_scalars
from .runner_args import add_runner_args, load_config

__all__ = [
    'add_runner_args', 'latest_test_metrics', 'load_config', 'training_scalars'
]
