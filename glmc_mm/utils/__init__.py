from .runner_args import add_runner_args, load_config

__all__ = ['add_runner_args', 'load_config']
