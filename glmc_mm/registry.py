"""The ``glmc_mm`` scope in MMEngine's registry tree.

A config that inherits ``glmc_mm::glmc/<name>.py`` gets MMEngine's
``_scope_='glmc_mm'`` on every part it inherits, so MMEngine looks for
registries of that scope (and imports this module to find them). Every
registry here is an empty child of MMPretrain's registry of the same name:
the components of this package are registered in MMPretrain's registries,
and a child finds them, and everything of MMPretrain and MMEngine, in its
parents. Importing this module also tells MMEngine's config loader that
``glmc_mm::`` names the installed ``glmc_mm`` package (its
``glmc_mm/.mim/configs``).
"""
from mmengine.config.utils import MODULE2PACKAGE
from mmengine.registry import Registry
from mmpretrain import registry as mmpretrain_registry

SCOPE = 'glmc_mm'


def _child(parent: Registry) -> Registry:
    """An empty registry of scope ``glmc_mm`` below ``parent``, which on
    first use imports this package and whatever ``parent`` would import
    (MMEngine imports only the locations of the registry it searches)."""
    return Registry(
        parent.name,
        parent=parent,
        scope=SCOPE,
        locations=['glmc_mm', *parent._locations])


RUNNERS = _child(mmpretrain_registry.RUNNERS)
RUNNER_CONSTRUCTORS = _child(mmpretrain_registry.RUNNER_CONSTRUCTORS)
LOOPS = _child(mmpretrain_registry.LOOPS)
HOOKS = _child(mmpretrain_registry.HOOKS)
LOG_PROCESSORS = _child(mmpretrain_registry.LOG_PROCESSORS)
OPTIMIZERS = _child(mmpretrain_registry.OPTIMIZERS)
OPTIM_WRAPPERS = _child(mmpretrain_registry.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child(
    mmpretrain_registry.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child(mmpretrain_registry.PARAM_SCHEDULERS)
DATASETS = _child(mmpretrain_registry.DATASETS)
DATA_SAMPLERS = _child(mmpretrain_registry.DATA_SAMPLERS)
TRANSFORMS = _child(mmpretrain_registry.TRANSFORMS)
MODELS = _child(mmpretrain_registry.MODELS)
MODEL_WRAPPERS = _child(mmpretrain_registry.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child(mmpretrain_registry.WEIGHT_INITIALIZERS)
BATCH_AUGMENTS = _child(mmpretrain_registry.BATCH_AUGMENTS)
TASK_UTILS = _child(mmpretrain_registry.TASK_UTILS)
TOKENIZER = _child(mmpretrain_registry.TOKENIZER)
METRICS = _child(mmpretrain_registry.METRICS)
EVALUATORS = _child(mmpretrain_registry.EVALUATORS)
VISUALIZERS = _child(mmpretrain_registry.VISUALIZERS)
VISBACKENDS = _child(mmpretrain_registry.VISBACKENDS)

MODULE2PACKAGE.setdefault(SCOPE, 'glmc_mm')
