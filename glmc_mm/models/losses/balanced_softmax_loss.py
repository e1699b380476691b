"""Balanced Softmax / logit-adjusted cross-entropy."""

import torch
from mmpretrain.models.losses import CrossEntropyLoss
from mmpretrain.registry import MODELS

from ...utils.value_checks import check_number
from ..utils.train_class_counts import ClassCountsUser, positive_class_counts


@MODELS.register_module()
class BalancedSoftmaxLoss(CrossEntropyLoss, ClassCountsUser):
    """Cross-entropy on logits shifted by the log class prior: Balanced
    Softmax (Ren et al., NeurIPS 2020) and the logit-adjusted loss (Menon et
    al., ICLR 2021),

    .. math::
        L = CE(z + \\tau \\log \\pi, y), \\qquad \\pi_c = n_c / N,

    with ``n_c`` the training images of class ``c``. Only the training loss
    changes: the head still predicts with the plain logits ``z``. ``tau = 1``
    is Balanced Softmax, ``tau = 0`` plain cross-entropy. Hard labels and,
    with ``use_soft=True``, soft (mixed) targets both work. The prior comes
    from the training class counts the model records
    (:func:`record_class_counts`, called by :class:`ClassCountsHook`).

    Args:
        tau (float): The prior's weight, >= 0. Defaults to 1.
        **kwargs: Arguments of MMPretrain's :class:`CrossEntropyLoss`
            (``use_soft``, ``reduction``, ``loss_weight``, ``class_weight``);
            ``use_sigmoid`` is not supported.
    """

    def __init__(self, tau: float = 1.0, **kwargs) -> None:
        tau = check_number('BalancedSoftmaxLoss', 'tau', tau, minimum=0)
        if kwargs.get('use_sigmoid'):
            raise ValueError('BalancedSoftmaxLoss adjusts a softmax: '
                             'use_sigmoid=True is not supported')
        super().__init__(**kwargs)
        self.tau = tau
        self.register_buffer('log_prior', None, persistent=False)

    def set_class_counts(self, class_counts) -> None:
        """Set ``log pi`` from the training class counts.

        Args:
            class_counts (Sequence[int]): Training images of every class.
        """
        if self.tau:
            counts = positive_class_counts(
                class_counts, 'BalancedSoftmaxLoss',
                f'its log prior is -inf (tau={self.tau:g})')
        else:  # plain cross-entropy: the prior is unused
            counts = torch.as_tensor(class_counts, dtype=torch.float64)
        self.log_prior = (counts.clamp(min=1) / counts.sum()).log().float()

    def forward(self, cls_score: torch.Tensor, label: torch.Tensor,
                **kwargs) -> torch.Tensor:
        """The loss of the adjusted logits ``z + tau log pi``.

        Args:
            cls_score (Tensor): The logits ``z``, ``(N, C)``.
            label (Tensor): Labels ``(N, )`` or soft targets ``(N, C)``.
            **kwargs: As :meth:`CrossEntropyLoss.forward`.
        """
        if self.log_prior is None:
            raise RuntimeError(
                'BalancedSoftmaxLoss has no class prior: add '
                "dict(type='ClassCountsHook') to custom_hooks (it records "
                'the training counts when training starts)')
        adjusted = cls_score + self.tau * self.log_prior.to(cls_score)
        return super().forward(adjusted, label, **kwargs)
