"""FLOPs and parameters of a config's model, with its own input channels."""
from typing import Sequence

from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmpretrain.apis import get_model


def input_channels(cfg: Config) -> int:
    """The channels the model takes: the length of the data preprocessor's
    ``mean`` (1 for the grey Fashion-MNIST configs), 3 without one."""
    mean = cfg.get('data_preprocessor', {}).get('mean') or (0, 0, 0)
    return len(mean)


def model_complexity(cfg: Config, size: Sequence[int]) -> dict:
    """MMPretrain's ``get_flops.py`` analysis of ``cfg``'s feature extractor
    on one ``(C, H, W)`` input, ``C`` from :func:`input_channels` (MMPretrain's
    tool always feeds 3 channels).

    Args:
        cfg (Config): The config.
        size (Sequence[int]): ``(H, W)`` of the input.

    Returns:
        dict: :func:`get_model_complexity_info`'s results, plus
        ``input_shape``.
    """
    model = get_model(cfg)
    model.eval()
    model.forward = model.extract_feat
    shape = (input_channels(cfg), *size)
    return {**get_model_complexity_info(model, shape), 'input_shape': shape}
