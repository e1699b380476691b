"""Deferred re-weighting (DRW) of a classification loss."""
from typing import Optional

import numpy as np
from mmengine.hooks import Hook
from mmengine.runner import EpochBasedTrainLoop
from mmpretrain.registry import HOOKS

from ...models.utils import recorded_class_counts
from .unwrapped_model import unwrapped_model


def effective_number_weights(class_counts, beta: float) -> list:
    """Class-balanced weights (Cui et al., CVPR 2019),

    .. math::
        w_c \\propto \\frac{1 - \\beta}{1 - \\beta^{n_c}},

    normalised to sum to the number of classes.

    Args:
        class_counts (Sequence[int]): Training images of every class.
        beta (float): In ``[0, 1)``.
    """
    counts = np.asarray(class_counts, dtype=np.float64)
    weights = (1.0 - beta) / (1.0 - np.power(beta, counts))
    return (weights / weights.sum() * len(counts)).tolist()


@HOOKS.register_module()
class DeferredReweightingHook(Hook):
    """Train with plain class weights, then from ``start_epoch`` on with
    class-balanced ones (the "DRW" of LDAM-DRW, Cao et al., NeurIPS 2019):
    ``class_weight`` of the loss module becomes
    :func:`effective_number_weights` of the training counts the model
    recorded. The weights follow the runner's epoch, set before every
    epoch, so a resumed run continues exactly. The reference switches at
    epoch 160 of 200.

    Args:
        start_epoch (int): The first re-weighted epoch (from 0).
        beta (float): In ``[0, 1)``. Defaults to 0.9999.
        loss (str): Attribute path of the loss in the model.
            Defaults to ``'head.loss_module'``.
    """

    priority = 'NORMAL'

    def __init__(self,
                 start_epoch: int,
                 beta: float = 0.9999,
                 loss: str = 'head.loss_module') -> None:
        if isinstance(
                start_epoch,
                bool) or not isinstance(start_epoch, int) or start_epoch < 0:
            raise ValueError('DeferredReweightingHook: start_epoch must be an '
                             f'int >= 0, got start_epoch={start_epoch!r}')
        if not 0 <= beta < 1:
            raise ValueError('DeferredReweightingHook: beta must be in '
                             f'[0, 1), got beta={beta!r}')
        self.start_epoch = start_epoch
        self.beta = beta
        self.loss = loss
        self.weights: Optional[list] = None

    def before_train(self, runner) -> None:
        if not isinstance(runner.train_loop, EpochBasedTrainLoop):
            raise ValueError('DeferredReweightingHook needs an epoch-based '
                             'training loop')
        if self.start_epoch >= runner.max_epochs:
            raise ValueError(
                f'DeferredReweightingHook: start_epoch={self.start_epoch} is '
                f'not before max_epochs={runner.max_epochs}, so no epoch '
                'would be re-weighted')
        counts = recorded_class_counts(unwrapped_model(runner))
        if counts is None:
            raise RuntimeError(
                'DeferredReweightingHook needs the training class counts: '
                "put dict(type='ClassCountsHook') in custom_hooks")
        self.weights = effective_number_weights(counts, self.beta)

    def before_train_epoch(self, runner) -> None:
        loss = unwrapped_model(runner).get_submodule(self.loss)
        loss.class_weight = self.weights \
            if runner.epoch >= self.start_epoch else None
