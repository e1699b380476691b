"""MMPretrain's ``get_model``, with the checkpoint loaded as strictly as
``tools/test.py`` loads it."""
from typing import Union

from mmengine.config import Config
from mmengine.model import BaseModel
from mmengine.runner import CheckpointLoader, load_state_dict
from mmpretrain.apis import get_model

from ..models.utils import attach_class_counts, model_num_classes
from ..utils.checkpoint_contents import (check_checkpoint_contents,
                                         checkpoint_weights, fit_problems)


def load_checked_checkpoint(model: BaseModel, filename: str) -> dict:
    """Load a checkpoint into ``model`` after checking that it fits.

    MMPretrain's ``get_model`` and inferencers load with ``strict=False``:
    a checkpoint of another width, or of another method (a GLMC checkpoint
    into a CE config, whose ``head.fc`` then predicts where GLMC predicts
    with ``head.fc_cb``), only warns and predicts from random weights; NaN
    weights predict NaN. Here the model first gets its
    ``train_class_counts`` buffer, as :class:`ClassCountsHook` gives it in
    a run (so that a correct load is silent); then the checkpoint's keys
    and shapes are compared with the model's and its values checked, as
    :class:`StrictLoadHook` does
    (:func:`~glmc_mm.utils.checkpoint_contents.fit_problems`,
    :func:`~glmc_mm.utils.checkpoint_contents.check_checkpoint_contents`);
    only a checkpoint that passes is loaded.

    Args:
        model (BaseModel): The model, built from its config.
        filename (str): The checkpoint: a path or a URL.

    Returns:
        dict: The checkpoint.

    Raises:
        ValueError: Naming ``filename`` and every bad, missing, unexpected
            or mis-shaped key.
    """
    checkpoint = CheckpointLoader.load_checkpoint(filename, map_location='cpu')
    num_classes = model_num_classes(model)
    if num_classes is not None:
        attach_class_counts(model, num_classes)
    weights = checkpoint_weights(checkpoint, filename)
    problems = fit_problems(weights, model.state_dict())
    if problems:
        raise ValueError(
            f'{filename} does not fit the model of this config: '
            f'{"; ".join(problems)}. Use the config the checkpoint was '
            'trained with.')
    check_checkpoint_contents(filename, checkpoint, num_classes)
    load_state_dict(model, weights, strict=True)
    return checkpoint


def get_checked_model(model: Union[str, Config],
                      pretrained: Union[bool, str] = False,
                      device=None,
                      **kwargs) -> BaseModel:
    """MMPretrain's ``get_model``, loading ``pretrained`` with
    :func:`load_checked_checkpoint`.

    Args:
        model (str | Config): A model name of the index (``list_models``),
            a config file or a config.
        pretrained (bool | str): The checkpoint; True takes the config's
            ``load_from``, or the model index's weights (none are published
            for GLMC). Defaults to False: untrained.
        device (str | torch.device, optional): Where the model goes.
            Defaults to None.
        **kwargs: Settings of the model's config, as ``get_model`` takes
            them.

    Returns:
        BaseModel: The model in eval mode, with ``_dataset_meta`` (the class
        names) from the checkpoint where it has them, as ``get_model``
        sets it.
    """
    built = get_model(model, pretrained=False, device=device, **kwargs)
    if pretrained is True:
        pretrained = built._config.get('load_from') or getattr(
            built._metainfo, 'weights', None)
    if isinstance(pretrained, str):
        meta = load_checked_checkpoint(built, pretrained).get('meta') or {}
        if meta.get('dataset_meta'):
            built._dataset_meta = meta['dataset_meta']
    return built
