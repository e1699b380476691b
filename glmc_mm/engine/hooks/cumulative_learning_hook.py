"""GLMC's cumulative coefficient ``alpha``."""
import logging
from typing import Optional

import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.runner import EpochBasedTrainLoop
from mmpretrain.registry import HOOKS

from ...datasets.samplers import RebalancedBatchSampler
from .unwrapped_model import unwrapped_model


def fc_cb_epochs(max_epochs: int) -> float:
    """The loss weight ``fc_cb`` gets over a run, in epochs at full weight:

    .. math::
        \\sum_{e=0}^{E-1} \\left(\\frac{e}{E}\\right)^2
        = \\frac{(E - 1)(2E - 1)}{6E}.

    Args:
        max_epochs (int): ``E``.
    """
    return (max_epochs - 1) * (2 * max_epochs - 1) / (6 * max_epochs)


@HOOKS.register_module()
class CumulativeLearningHook(Hook):
    """Set the cumulative coefficient of GLMC's loss,

    .. math::
        \\alpha = 1 - \\left(\\frac{e}{E}\\right)^2,

    with ``e`` the epoch counted from 0 and ``E`` the number of epochs, at
    the start of every epoch (fixed for the whole epoch). It is computed
    from the runner's epoch, so a resumed run gets the value of the
    uninterrupted one. In an iteration-based loop ``e / E`` is
    ``iter / max_iters``, updated every iteration. ``alpha`` is written to
    the head (``head.alpha``) and, every iteration, to the message hub as
    the scalar ``train/alpha`` (so it is logged with the losses) and as the
    runtime info ``alpha``.

    GLMC's batches are a uniform half then a re-balanced half: a train
    loader whose ``batch_sampler`` is not a :class:`RebalancedBatchSampler`
    with ``with_uniform=True`` is refused before the first iteration (with
    any other sampler, half of each uniform batch would silently stand in
    for the re-balanced stream). GLMC predicts with ``fc_cb``, whose loss
    weight ``1 - alpha`` stays near 0 for the first third of training: an
    epoch-based run much shorter than the paper's (200 epochs on CIFAR, 135
    on ImageNet-LT) is warned about. A model without ``head`` is not GLMC's
    (e.g. the stand-in model of MMPretrain's ``vis_scheduler.py``) and is
    left alone.

    Args:
        head (str): Attribute path of the head in the model.
            Defaults to ``'head'``.
        min_epochs (int): Warn below this many epochs. Defaults to 100.
    """

    priority = 'NORMAL'

    def __init__(self, head: str = 'head', min_epochs: int = 100) -> None:
        self.head = head
        self.min_epochs = min_epochs
        self.alpha: Optional[float] = None

    def _head(self, runner) -> Optional[nn.Module]:
        try:
            return unwrapped_model(runner).get_submodule(self.head)
        except AttributeError:
            return None

    def before_train(self, runner) -> None:
        if self._head(runner) is None:
            return
        batch_sampler = runner.train_dataloader.batch_sampler
        if not (isinstance(batch_sampler, RebalancedBatchSampler)
                and batch_sampler.with_uniform):
            name = type(batch_sampler).__name__
            if isinstance(batch_sampler, RebalancedBatchSampler):
                name += '(with_uniform=False)'
            raise ValueError(
                'GLMC trains on a uniform and a re-balanced stream, but '
                f'train_dataloader.batch_sampler is {name}: set '
                "train_dataloader.batch_sampler=dict(type='"
                "RebalancedBatchSampler', resample_weighting=...) (the "
                "configs/_base_/datasets/*_glmc.py bases do)")
        by_epoch = isinstance(runner.train_loop, EpochBasedTrainLoop)
        steps = runner.max_epochs if by_epoch else runner.max_iters
        unit = 'max_epochs' if by_epoch else 'max_iters'
        if steps < 2:
            raise ValueError(
                f'GLMC with {unit}={steps}: fc_cb, the re-balanced classifier '
                'that predicts, gets loss weight 1 - alpha = (step / '
                f'{unit}) ** 2 with the step counted from 0, which is 0 for '
                'the whole run, so it would never be trained; train for at '
                f'least 2 (the paper: 200 epochs on CIFAR-LT)')
        if by_epoch and steps < self.min_epochs:
            print_log(
                f'GLMC is trained for max_epochs={steps}, fewer than '
                f'min_epochs={self.min_epochs}: fc_cb, the re-balanced '
                'classifier that predicts, gets loss weight 1 - alpha = '
                f'(epoch / {steps}) ** 2, 0 in the first epoch and '
                f'{((steps - 1) / steps) ** 2:.2f} in the last, '
                f'{fc_cb_epochs(steps):.1f} epochs at full weight in all '
                f'(the paper\'s 200 epochs give it {fc_cb_epochs(200):.1f}); '
                'expect lower accuracy than with a long schedule.',
                logger='current',
                level=logging.WARNING)

    def _set(self, runner, progress: float) -> None:
        head = self._head(runner)
        if head is None:
            return
        self.alpha = 1.0 - progress**2
        head.alpha = self.alpha
        runner.message_hub.update_info('alpha', self.alpha)

    def before_train_epoch(self, runner) -> None:
        if isinstance(runner.train_loop, EpochBasedTrainLoop):
            self._set(runner, runner.epoch / runner.max_epochs)

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch: Optional[dict] = None) -> None:
        if not isinstance(runner.train_loop, EpochBasedTrainLoop):
            self._set(runner, runner.iter / runner.max_iters)
        if self.alpha is not None:
            runner.message_hub.update_scalar('train/alpha', self.alpha)
