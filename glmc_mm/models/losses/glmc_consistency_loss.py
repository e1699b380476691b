"""GLMC's global-local mixture consistency loss."""
import torch
import torch.nn as nn
from mmpretrain.models.losses import CosineSimilarityLoss
from mmpretrain.registry import MODELS

from ...utils.value_checks import check_number


@MODELS.register_module()
class GLMCConsistencyLoss(nn.Module):
    """Symmetric negative cosine similarity between the two mixtures,
    with a stop-gradient on the target branch (SimSiam style):

    .. math::
        L_{con} = \\lambda_c \\left[-\\cos(p_g, sg(z_l))
                                    - \\cos(p_l, sg(z_g))\\right]

    averaged over the batch, computed with MMPretrain's
    :class:`CosineSimilarityLoss`. ``z`` never receives a gradient from this
    loss; ``p`` does.

    Args:
        loss_weight (float): ``lambda_c`` (``contrast_weight`` of the
            reference). Defaults to 1.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = check_number(
            'GLMCConsistencyLoss',
            'loss_weight (lambda_c)',
            loss_weight,
            minimum=0)
        self.negative_cosine = CosineSimilarityLoss()

    def forward(self, pred_global: torch.Tensor, proj_global: torch.Tensor,
                pred_local: torch.Tensor,
                proj_local: torch.Tensor) -> torch.Tensor:
        """The weighted loss.

        Args:
            pred_global (Tensor): ``p_g``, prediction of the MixUp batch.
            proj_global (Tensor): ``z_g``, projection of the MixUp batch.
            pred_local (Tensor): ``p_l``, prediction of the CutMix batch.
            proj_local (Tensor): ``z_l``, projection of the CutMix batch.
        """
        return self.loss_weight * (
            self.negative_cosine(pred_global, proj_local.detach()) +
            self.negative_cosine(pred_local, proj_global.detach()))
