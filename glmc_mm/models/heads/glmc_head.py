"""GLMC's head: two classifiers, a projector and a predictor."""
from typing import List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmpretrain.models.heads import ClsHead
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ...utils.value_checks import check_number


def build_mlp(in_channels: int, out_channels: int, num_layers: int,
              hidden_channels: Optional[int]) -> nn.Sequential:
    """``num_layers`` linear layers, with BN and ReLU between them.

    Args:
        in_channels (int): Input features.
        out_channels (int): Output features.
        num_layers (int): Number of linear layers (>= 1).
        hidden_channels (int, optional): Width of the hidden layers.
            Defaults to ``out_channels``.
    """
    if num_layers < 1:
        raise ValueError(f'an MLP needs num_layers >= 1, got {num_layers}')
    hidden = hidden_channels or out_channels
    layers: List[nn.Module] = []
    channels = in_channels
    for _ in range(num_layers - 1):
        layers += [
            nn.Linear(channels, hidden),
            nn.BatchNorm1d(hidden),
            nn.ReLU(inplace=True)
        ]
        channels = hidden
    layers.append(nn.Linear(channels, out_channels))
    return nn.Sequential(*layers)


@MODELS.register_module()
class GLMCHead(ClsHead):
    """The GLMC head (Du et al., CVPR 2023, arXiv 2305.08661;
    ``docs/method.md``) on a pooled feature ``f``.

    ``fc`` is the conventional classifier and ``fc_cb`` the re-balanced one
    (both ``D -> C``); the projector ``z = g(f)`` and the predictor
    ``p = h(z)`` feed the consistency loss. For the ``2B`` rows of a
    training batch (``x_g`` then ``x_l``, from
    :class:`GLMCDataPreprocessor`), the loss is

    .. math::
        L = \\alpha [CE(fc_g, t_g) + CE(fc_l, t_l)]
          + (1 - \\alpha) [CE(cb_g, s_g) + CE(cb_l, s_l)]
          + \\lambda_c [-\\cos(p_g, sg(z_l)) - \\cos(p_l, sg(z_g))]

    returned as ``loss_balanced``, ``loss_rebalanced`` and
    ``loss_consistency``, already weighted, so their sum is ``L``. The
    cumulative coefficient ``alpha`` is set by
    :class:`CumulativeLearningHook`. Prediction uses ``fc_cb``.

    "GLMC + BS" (``rebalanced_loss=dict(type='BalancedSoftmaxLoss',
    use_soft=True)``) trains ``fc_cb`` with Balanced Softmax on the plain
    mixed targets, ``CE(cb + log pi, t)``, in place of the label-weighted
    ``CE(cb, s)``; everything else stays GLMC.

    Args:
        num_classes (int): ``C``.
        in_channels (int): ``D``.
        proj_channels (int): Output of the projector. Defaults to 128
            (the authors' CIFAR ResNets; 256 for ResNeXt-50).
        pred_channels (int, optional): Output of the predictor. Defaults to
            ``proj_channels``.
        proj_layers (int): Linear layers of the projector. Defaults to 1.
        pred_layers (int): Linear layers of the predictor. Defaults to 1.
        hidden_channels (int, optional): Hidden width of deeper MLPs.
        loss (dict): Soft-target classification loss. Defaults to
            ``CrossEntropyLoss(use_soft=True)``.
        consistency_loss (dict): Defaults to
            ``GLMCConsistencyLoss(loss_weight=1.0)`` (``lambda_c``).
        rebalanced_loss (dict, optional): A loss of ``fc_cb``'s logits and
            the plain soft targets ``t`` that replaces ``loss`` on the
            label-weighted targets ``s``. Defaults to None (GLMC).
        predict_with (str): ``'fc_cb'`` (the authors'), ``'fc'`` or
            ``'sum'`` of both logits. Defaults to ``'fc_cb'``.
        init_cfg (dict | list): Defaults to Kaiming-normal linear weights
            and PyTorch's default uniform biases, as the authors' code.
    """

    PREDICTORS = ('fc_cb', 'fc', 'sum')

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 proj_channels: int = 128,
                 pred_channels: Optional[int] = None,
                 proj_layers: int = 1,
                 pred_layers: int = 1,
                 hidden_channels: Optional[int] = None,
                 loss: dict = dict(type='CrossEntropyLoss', use_soft=True),
                 consistency_loss: dict = dict(
                     type='GLMCConsistencyLoss', loss_weight=1.0),
                 rebalanced_loss: Optional[dict] = None,
                 predict_with: str = 'fc_cb',
                 init_cfg: Union[dict, list] = [
                     dict(type='Kaiming', layer='Linear', mode='fan_in'),
                     dict(type='TorchDefaultBias', layer='Linear')
                 ],
                 **kwargs) -> None:
        super().__init__(loss=loss, init_cfg=init_cfg, **kwargs)
        self.num_classes = check_number(
            'GLMCHead', 'num_classes', num_classes, minimum=1, integer=True)
        if predict_with not in self.PREDICTORS:
            raise ValueError(f'GLMCHead: predict_with must be one of '
                             f'{self.PREDICTORS}, got {predict_with!r}')
        self.in_channels = in_channels
        self.predict_with = predict_with
        self.fc = nn.Linear(in_channels, self.num_classes)
        self.fc_cb = nn.Linear(in_channels, self.num_classes)
        pred_channels = pred_channels or proj_channels
        self.projector = build_mlp(in_channels, proj_channels, proj_layers,
                                   hidden_channels)
        self.predictor = build_mlp(proj_channels, pred_channels, pred_layers,
                                   hidden_channels)
        self.consistency_loss = MODELS.build(consistency_loss)
        self.rebalanced_loss = MODELS.build(
            rebalanced_loss) if rebalanced_loss else None
        self.alpha: Optional[float] = None

    def forward(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """The logits used for prediction."""
        feature = self.pre_logits(feats)
        if self.predict_with == 'fc':
            return self.fc(feature)
        if self.predict_with == 'sum':
            return self.fc(feature) + self.fc_cb(feature)
        return self.fc_cb(feature)

    def loss(self, feats: Tuple[torch.Tensor], data_samples: List[DataSample],
             **kwargs) -> dict:
        """The three weighted GLMC loss terms.

        Args:
            feats (tuple[Tensor]): Features of ``cat([x_g, x_l])``.
            data_samples (list[DataSample]): With ``gt_score`` (``t``) and
                ``weighted_score`` (``s``) from :class:`GLMCDataPreprocessor`.
        """
        if self.alpha is None:
            raise RuntimeError(
                'GLMCHead.alpha is unset: add '
                "dict(type='CumulativeLearningHook') to custom_hooks")
        feature = self.pre_logits(feats)
        targets = torch.stack([s.gt_score for s in data_samples])
        weighted = torch.stack([s.weighted_score for s in data_samples])
        logits = self.fc(feature)
        logits_cb = self.fc_cb(feature)
        proj = self.projector(feature)
        pred = self.predictor(proj)
        proj_global, proj_local = proj.chunk(2)
        pred_global, pred_local = pred.chunk(2)
        # Both halves have B rows: twice the mean over 2B rows is the sum
        # of the two per-batch means.
        return {
            'loss_balanced':
            2 * self.alpha * self.loss_module(logits, targets, **kwargs),
            'loss_rebalanced':
            2 * (1 - self.alpha) *
            (self.loss_module(logits_cb, weighted, **kwargs)
             if self.rebalanced_loss is None else self.rebalanced_loss(
                 logits_cb, targets, **kwargs)),
            'loss_consistency':
            self.consistency_loss(pred_global, proj_global, pred_local,
                                  proj_local),
        }
