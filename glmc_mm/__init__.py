"""GLMC for MMPretrain. Importing this package registers every component in
MMPretrain's registries and GLMC's configs in its model index, and applies
:mod:`glmc_mm.compat`."""
from . import compat  # noqa: F401  (applied first)
from . import datasets, engine, evaluation, fileio, models, utils  # noqa: F401
from .apis import register_glmc_models
from .version import __version__

register_glmc_models()

__all__ = ['__version__']
