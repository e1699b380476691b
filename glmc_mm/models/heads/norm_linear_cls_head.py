"""A linear classification head on normalised features and weights."""
from mmpretrain.models.heads import LinearClsHead
from mmpretrain.models.heads.margin_head import NormProduct
from mmpretrain.registry import MODELS


@MODELS.register_module()
class NormLinearClsHead(LinearClsHead):
    """MMPretrain's :class:`LinearClsHead` whose logits are cosines,

    .. math::
        z_c = \\frac{f}{\\lVert f \\rVert} \\cdot
              \\frac{w_c}{\\lVert w_c \\rVert},

    without a bias (MMPretrain's ``NormProduct``), the classifier of
    LDAM-DRW (Cao et al., NeurIPS 2019); :class:`LDAMLoss` scales them.

    Args:
        num_classes (int): The number of classes.
        in_channels (int): The feature dimension.
        **kwargs: Other arguments of :class:`LinearClsHead`.
    """

    def __init__(self, num_classes: int, in_channels: int, **kwargs) -> None:
        super().__init__(num_classes, in_channels, **kwargs)
        self.fc = NormProduct(self.in_channels, self.num_classes, bias=False)
