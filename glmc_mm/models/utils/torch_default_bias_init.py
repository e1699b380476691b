"""Biases drawn as PyTorch draws them when it builds a layer."""
import math

import torch.nn as nn
from mmengine.model.weight_init import (BaseInit, _get_bases_name,
                                        update_init_info)
from mmpretrain.registry import WEIGHT_INITIALIZERS


@WEIGHT_INITIALIZERS.register_module(name='TorchDefaultBias')
class TorchDefaultBiasInit(BaseInit):
    """Draw the bias of every matching layer from PyTorch's default,

    .. math::
        b \\sim U\\left(-\\frac{1}{\\sqrt{\\text{fan\\_in}}},
                       \\frac{1}{\\sqrt{\\text{fan\\_in}}}\\right),

    leaving the weights alone. MMEngine's initialisers set biases to a
    constant; put this one after them in ``init_cfg`` to keep their weights
    and PyTorch's biases, as GLMC's released code does for its linear layers
    (Kaiming-normal weights, default biases)::

        init_cfg=[dict(type='Kaiming', layer='Linear', mode='fan_in'),
                  dict(type='TorchDefaultBias', layer='Linear')]

    Args:
        layer (str | list[str], optional): The layer types to initialise.
    """

    def __call__(self, module: nn.Module) -> None:

        def init(m: nn.Module) -> None:
            names = {type(m).__name__, *_get_bases_name(m)}
            if not (self.wholemodule or set(self.layer) & names):
                return
            weight = getattr(m, 'weight', None)
            bias = getattr(m, 'bias', None)
            if weight is None or bias is None or weight.dim() < 2:
                return
            fan_in, _ = nn.init._calculate_fan_in_and_fan_out(weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            nn.init.uniform_(bias, -bound, bound)

        module.apply(init)
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return (f'{type(self).__name__}: '
                'bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))')
