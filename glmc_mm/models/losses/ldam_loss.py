"""The label-distribution-aware margin (LDAM) loss."""

import torch
import torch.nn.functional as F
from mmpretrain.models.losses import CrossEntropyLoss
from mmpretrain.registry import MODELS

from ...utils.value_checks import check_number
from ..utils.train_class_counts import ClassCountsUser, positive_class_counts


@MODELS.register_module()
class LDAMLoss(CrossEntropyLoss, ClassCountsUser):
    """LDAM (Cao et al., NeurIPS 2019): cross-entropy with a per-class margin
    subtracted from the true class's cosine logit, then scaled,

    .. math::
        L = CE\\left(s\\,(z - m_y e_y),\\; y\\right), \\qquad
        m_c = \\frac{m_{max}}{\\max_k n_k^{-1/4}}\\, n_c^{-1/4},

    so the rarest class gets margin ``max_margin``. ``z`` are cosine logits
    (normalised features and weights, :class:`NormLinearClsHead`). The
    deferred re-weighting of LDAM-DRW sets ``class_weight``
    (:class:`DeferredReweightingHook`). The margins come from the training
    class counts the model records (:func:`record_class_counts`).

    Args:
        max_margin (float): ``m_max``, > 0. Defaults to 0.5.
        scale (float): ``s``, > 0. Defaults to 30.
        **kwargs: Arguments of MMPretrain's :class:`CrossEntropyLoss`
            (``reduction``, ``loss_weight``, ``class_weight``); hard labels
            only.
    """

    def __init__(self,
                 max_margin: float = 0.5,
                 scale: float = 30.0,
                 **kwargs) -> None:
        max_margin = check_number(
            'LDAMLoss', 'max_margin', max_margin, above=0)
        scale = check_number('LDAMLoss', 'scale', scale, above=0)
        if kwargs.get('use_sigmoid') or kwargs.get('use_soft'):
            raise ValueError('LDAMLoss takes hard labels: use_sigmoid and '
                             'use_soft are not supported')
        super().__init__(**kwargs)
        self.max_margin = max_margin
        self.scale = scale
        self.register_buffer('margins', None, persistent=False)

    def set_class_counts(self, class_counts) -> None:
        """Set the margins ``m_c`` from the training class counts.

        Args:
            class_counts (Sequence[int]): Training images of every class.
        """
        counts = positive_class_counts(class_counts, 'LDAMLoss',
                                       'its margin n ** (-1/4) is infinite')
        margins = counts**-0.25
        self.margins = (margins * (self.max_margin / margins.max())).float()

    def forward(self, cls_score: torch.Tensor, label: torch.Tensor,
                **kwargs) -> torch.Tensor:
        """The loss of ``s (z - m_y e_y)``.

        Args:
            cls_score (Tensor): Cosine logits ``z``, ``(N, C)``.
            label (Tensor): Labels, ``(N, )``.
            **kwargs: As :meth:`CrossEntropyLoss.forward`.
        """
        if self.margins is None:
            raise RuntimeError(
                'LDAMLoss has no margins: add '
                "dict(type='ClassCountsHook') to custom_hooks (it records "
                'the training counts when training starts)')
        margin = F.one_hot(label, cls_score.size(1)).to(cls_score) * \
            self.margins.to(cls_score)[label].unsqueeze(1)
        return super().forward(self.scale * (cls_score - margin), label,
                               **kwargs)
