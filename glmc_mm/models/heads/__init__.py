from .glmc_head import GLMCHead
from .norm_linear_cls_head import NormLinearClsHead

__all__ = ['GLMCHead', 'NormLinearClsHead']
