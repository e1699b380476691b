"""GLMC for MMPretrain. Importing this package registers every component in
MMPretrain's registries and GLMC's configs in its model index, applies
:mod:`glmc_mm.compat`, and makes ``glmc_mm::`` configs resolvable
(:mod:`glmc_mm.registry`)."""
from . import openmp  # isort:skip  (first: it must run before torch)
from . import compat  # isort:skip  (applied first)
from . import datasets, engine, evaluation, fileio, models, registry, utils
from .apis import register_glmc_models
from .version import __version__

register_glmc_models()

__all__ = ['__version__']
