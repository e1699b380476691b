"""MaxNorm: projected gradient descent on the classifier's weight rows."""
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...utils.value_checks import check_number
from .unwrapped_model import unwrapped_model


@HOOKS.register_module()
class MaxNormHook(Hook):
    """Keep every row of a classifier's weight within a norm threshold
    (Alshammari et al., CVPR 2022; "GLMC + MaxNorm").

    After every optimizer step, a row ``w_c`` of ``module.weight`` whose L2
    norm exceeds ``tau`` is scaled back to ``tau``. The threshold is fixed
    at the first projection from the row norms then,

    .. math::
        \\tau = \\min_c \\lVert w_c \\rVert
              + t\\,(\\max_c \\lVert w_c \\rVert
                     - \\min_c \\lVert w_c \\rVert),

    and is saved in checkpoints (``max_norm_threshold``) and restored on
    resume. The bias is not constrained.

    Args:
        thresh (float): ``t`` in ``[0, 1]``. Defaults to 0.1.
        module (str): Attribute path of the linear layer.
            Defaults to ``'head.fc_cb'``.
    """

    priority = 'LOW'

    def __init__(self,
                 thresh: float = 0.1,
                 module: str = 'head.fc_cb') -> None:
        self.thresh = check_number(
            'MaxNormHook', 'thresh', thresh, minimum=0, maximum=1)
        self.module = module
        self.threshold: Optional[float] = None

    @torch.no_grad()
    def project(self, weight: torch.Tensor) -> None:
        """Scale the rows of ``weight`` above the threshold back to it."""
        norms = weight.norm(dim=1)
        if self.threshold is None:
            low, high = norms.min().item(), norms.max().item()
            self.threshold = low + self.thresh * (high - low)
        weight.mul_((self.threshold / norms).clamp(max=1).unsqueeze(1))

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        self.project(unwrapped_model(runner).get_submodule(self.module).weight)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['max_norm_threshold'] = self.threshold

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self.threshold = checkpoint.get('max_norm_threshold')
