"""MMPretrain's image classification inferencer, with the checkpoint loaded
as strictly as ``tools/test.py`` loads it."""
from typing import Union

from mmengine.config import Config
from mmengine.model import BaseModel
from mmpretrain.apis import ImageClassificationInferencer

from .checked_model import get_checked_model, load_checked_checkpoint


class LongTailInferencer(ImageClassificationInferencer):
    """MMPretrain's :class:`ImageClassificationInferencer` that loads its
    checkpoint with :func:`load_checked_checkpoint`: a checkpoint of
    another width or method, with NaN weights or with bad class counts is
    refused, naming the file, where MMPretrain's own inferencer warns and
    predicts from random (or NaN) weights. Everything else is MMPretrain's.

    Example::

        import glmc_mm  # noqa: F401
        from glmc_mm.apis import LongTailInferencer
        inferencer = LongTailInferencer(
            'glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt',
            pretrained='epoch_30.pth')
        inferencer('shirt.png')[0]['pred_class']

    Args:
        model (BaseModel | str | Config): A model name of the index, a
            config file or a config, or a model built from one.
        pretrained (bool | str): The checkpoint; True takes the config's
            ``load_from`` (or the index's weights). Defaults to True.
        device (str | torch.device, optional): Where the model runs.
            Defaults to None.
        classes (Sequence[str], optional): The class names; by default the
            checkpoint's. Defaults to None.
        **kwargs: Settings of the model's config (with a model name or
            config).
    """

    def __init__(self,
                 model: Union[BaseModel, str, Config],
                 pretrained: Union[bool, str] = True,
                 device=None,
                 classes=None,
                 **kwargs) -> None:
        if isinstance(model, BaseModel):
            if isinstance(pretrained, str):
                load_checked_checkpoint(model, pretrained)
        else:
            model = get_checked_model(model, pretrained, device, **kwargs)
        super().__init__(
            model, pretrained=False, device=device, classes=classes)
