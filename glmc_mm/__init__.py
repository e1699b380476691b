"""GLMC for MMPretrain. Importing this package registers every component in
MMPretrain's registries and applies :mod:`glmc_mm.compat`."""
from . import compat  # noqa: F401  (applied first)
from . import datasets, engine, evaluation, fileio, models, utils  # noqa: F401
from .version import __version__

__all__ = ['__version__']
