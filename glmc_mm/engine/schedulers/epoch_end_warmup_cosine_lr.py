"""The learning-rate sequence of GLMC's released ImageNet-LT and
iNaturalist training."""
import math

from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import _ParamScheduler
from mmpretrain.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class EpochEndWarmupCosineLR(LRSchedulerMixin, _ParamScheduler):
    """Linear warm-up then cosine, set at the END of each epoch from the
    index of the epoch just finished, as in GLMC's released code for
    ImageNet-LT and iNaturalist 2018 (Du et al., CVPR 2023,
    arXiv 2305.08661; ``docs/method.md``).

    With base learning rate :math:`\\eta`, ``W`` warm-up epochs and ``T``
    epochs, the epoch ``E`` (from 0) trains at

    .. math::
        \\eta_0 = \\eta, \\qquad
        \\eta_E = \\eta\\, \\frac{E}{W} \\quad (1 \\le E \\le W + 1),

        \\eta_E = \\frac{\\eta}{2}
        \\left(1 + \\cos\\frac{\\pi (E - W)}{T - W + 1}\\right)
        \\quad (E \\ge W + 2).

    So for ``W = 10, T = 135`` the first epoch runs at the base rate, epochs
    1-11 at 0.1, 0.2, ..., 1.1 times it, then cosine over ``(E - 10) / 126``.
    The paper describes the usual form instead (``LinearLR`` over epochs
    0-9, then ``CosineAnnealingLR``); see ``docs/method.md``. The rate is a
    closed form of the epoch, so a resumed run continues exactly.

    Args:
        optimizer (Optimizer or OptimWrapper): The wrapped optimizer.
        warmup_epochs (int): ``W``. Defaults to 10.
        total_epochs (int): ``T``, the training length in epochs.
        **kwargs: ``begin``, ``end``, ``last_step``, ``verbose`` of
            MMEngine's parameter schedulers. The schedule is per epoch.
    """

    def __init__(self,
                 optimizer,
                 total_epochs: int,
                 warmup_epochs: int = 10,
                 **kwargs) -> None:
        if kwargs.pop('by_epoch', True) is not True:
            raise ValueError('EpochEndWarmupCosineLR is set once per epoch; '
                             'by_epoch=False is not supported')
        if not 0 < warmup_epochs < total_epochs:
            raise ValueError(
                'EpochEndWarmupCosineLR needs 0 < warmup_epochs < '
                f'total_epochs, got warmup_epochs={warmup_epochs}, '
                f'total_epochs={total_epochs}')
        self.warmup_epochs = warmup_epochs
        self.total_epochs = total_epochs
        super().__init__(optimizer, by_epoch=True, **kwargs)

    def learning_rate(self, base: float, epoch: int) -> float:
        """The rate of ``epoch`` for base rate ``base``, computed in the
        authors' order of operations (so it equals theirs bit for bit)."""
        if epoch == 0:
            return base
        finished = epoch - 1
        if finished <= self.warmup_epochs:
            return base / self.warmup_epochs * (finished + 1)
        return base * (
            0.5 *
            (1. + math.cos(math.pi * (finished - self.warmup_epochs + 1) /
                           (self.total_epochs - self.warmup_epochs + 1))))

    def _get_value(self) -> list:
        return [
            self.learning_rate(base, self.last_step)
            for base in self.base_values
        ]
