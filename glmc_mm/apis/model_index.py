"""GLMC's configs in MMPretrain's model index (``list_models``,
``get_model``, the inferencers)."""
import os.path as osp

from mmpretrain.apis import ModelHub

from ..utils.package_files import package_path

# of the installed package, else of the checkout; None where neither has it
MODEL_INDEX = package_path('model-index.yml')


def register_glmc_models() -> None:
    """Register every GLMC config of ``configs/glmc/metafile.yml`` with
    MMPretrain's :class:`ModelHub`, named after its config file (e.g.
    ``glmc_resnet32_1xb64-200e_cifar10-lt-if100``). The results in the
    metafile are the authors' published figures; no weights are published,
    so ``get_model(name)`` builds an untrained model.
    """
    if MODEL_INDEX is not None:
        ModelHub.register_model_index(
            MODEL_INDEX, config_prefix=osp.dirname(MODEL_INDEX))
