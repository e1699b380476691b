"""GLMC's configs in MMPretrain's model index (``list_models``,
``get_model``, the inferencers)."""
import os.path as osp
from typing import Optional

from mmpretrain.apis import ModelHub


def _find_model_index() -> Optional[str]:
    """``model-index.yml`` of the installed package (``glmc_mm/.mim``), else
    of the source checkout this package is imported from, else None."""
    package = osp.dirname(osp.dirname(osp.abspath(__file__)))
    for root in (osp.join(package, '.mim'), osp.dirname(package)):
        path = osp.join(root, 'model-index.yml')
        if osp.isfile(path):
            return path
    return None


MODEL_INDEX = _find_model_index()


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
