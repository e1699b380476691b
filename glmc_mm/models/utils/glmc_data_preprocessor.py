"""GLMC's data preprocessor: global MixUp and local CutMix of two streams."""
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmpretrain.models.utils import ClsDataPreprocessor
from mmpretrain.registry import MODELS

from ...utils.value_checks import check_number
from .glmc_cutmix import GLMCCutMix
from .train_class_counts import ClassCountsUser, positive_class_counts


@MODELS.register_module()
class GLMCDataPreprocessor(ClsDataPreprocessor, ClassCountsUser):
    """Build GLMC's mixed training batch; behave as
    :class:`ClsDataPreprocessor` at validation and test.

    A training batch from :class:`RebalancedBatchSampler` holds ``2B``
    samples (``B`` uniform ``U``, then ``B`` re-balanced ``R``), each with two
    views from ``MultiView``, collated by ``default_collate`` (one stacked
    tensor per view, the fast path) or ``pseudo_collate``. One
    ``lam ~ Beta(a, a)`` per iteration gives (Du et al., CVPR 2023,
    arXiv 2305.08661; ``docs/method.md``)

    .. math::
        x_g = \\lambda U_1 + (1 - \\lambda) R_1, \\qquad
        x_l = U_2 \\text{ with a box of } R_2,

        t = \\lambda e(y_U) + (1 - \\lambda) e(y_R), \\qquad
        s = w \\odot t, \\quad w_c = \\frac{C\\, n_c^{-p}}{\\sum_k n_k^{-p}}.

    Normalisation is affine per channel and commutes with both mixtures, so
    the images are mixed first and only the ``2B`` mixed images go through
    MMPretrain's normalisation. The output ``inputs`` is ``cat([x_g, x_l])``
    (``2B`` images). Data
    sample ``k < B`` carries ``x_g[k]``'s targets, sample ``B + k`` those of
    ``x_l[k]``: ``gt_score`` is ``t`` and ``weighted_score`` is ``s``.

    Args:
        mix_alpha (float): ``a`` of the Beta distribution. The reference
            uses 1 (uniform ``lam``). Defaults to 1.
        label_weighting (float): ``p`` of the label weights ``w``.
            Defaults to 1.2.
        cutmix_correct_lam (bool): Use the pasted area for the CutMix
            targets instead of ``lam`` (MMPretrain's ``correct_lam``). The
            reference does not. Defaults to False.
        photometric (dict, optional): A module applied to every training
            view before the mixing, e.g.
            ``dict(type='BatchPhotometricAugment')``: the photometric
            augmentations on the batch, on the model's device, instead of
            in the dataloader workers. Defaults to None.
        **kwargs: Arguments of :class:`ClsDataPreprocessor`; ``num_classes``
            is required.
    """

    def __init__(self,
                 mix_alpha: float = 1.0,
                 label_weighting: float = 1.2,
                 cutmix_correct_lam: bool = False,
                 photometric: Optional[dict] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        owner = 'GLMCDataPreprocessor'
        self.num_classes = check_number(
            owner, 'num_classes', self.num_classes, minimum=1, integer=True)
        self.mix_alpha = check_number(owner, 'mix_alpha', mix_alpha, above=0)
        self.label_weighting = check_number(
            owner, 'label_weighting', label_weighting, minimum=0)
        self.cutmix = GLMCCutMix(
            alpha=mix_alpha, correct_lam=cutmix_correct_lam)
        self.photometric = None if photometric is None else MODELS.build(
            photometric)
        self.register_buffer('label_weights', None, persistent=False)
        if self.label_weighting == 0:
            self.set_class_counts([1] * self.num_classes)

    def set_class_counts(self, class_counts: Sequence[int]) -> None:
        """Set the label weights ``w`` from the training class counts
        (:func:`record_class_counts` calls it when training starts).

        Args:
            class_counts (Sequence[int]): Training images of every class.
        """
        counts = positive_class_counts(
            class_counts, 'GLMCDataPreprocessor',
            f'its label weight n ** -{self.label_weighting:g} is infinite')
        weights = counts**(-self.label_weighting)
        weights = weights / weights.sum() * self.num_classes
        self.label_weights = weights.float().to(self.device)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Mix the two streams in training; plain preprocessing otherwise."""
        if not training:
            return super().forward(data, training)
        views = data['inputs']
        if not (isinstance(views, (list, tuple)) and len(views) == 2):
            raise ValueError(
                'GLMCDataPreprocessor needs two views per training image: put '
                "dict(type='MultiView', num_views=2, ...) in the train "
                'pipeline')
        data_samples = data['data_samples']
        if len(data_samples) % 2:
            raise ValueError(
                'GLMCDataPreprocessor needs uniform + re-balanced batches of '
                f'equal size, got {len(data_samples)} samples: use '
                "batch_sampler=dict(type='RebalancedBatchSampler')")
        images = self.cast_data(
            torch.cat([
                view if isinstance(view, torch.Tensor) else torch.stack(view)
                for view in views
            ])).float()
        if self.photometric is not None:
            images = self.photometric(images)
        labels = torch.cat([s.gt_label for s in data_samples]).to(self.device)
        lam = float(np.random.beta(self.mix_alpha, self.mix_alpha))
        box, lam_local = self.cutmix.cutmix_bbox_and_lam(
            images.shape[-2:], lam)
        mixed, targets = self.mix(images, labels, lam, box, float(lam_local))
        inputs = super().forward({'inputs': mixed}, False)['inputs']
        weighted = targets * self._weights()
        for sample, score, weighted_score in zip(data_samples, targets,
                                                 weighted):
            sample.set_gt_score(score)
            sample.set_field(weighted_score, 'weighted_score')
        return {'inputs': inputs, 'data_samples': data_samples}

    def _weights(self) -> torch.Tensor:
        if self.label_weights is None:
            raise RuntimeError(
                'GLMCDataPreprocessor has no class counts for its label '
                "weights: add dict(type='ClassCountsHook') to custom_hooks "
                '(it records the training counts when training starts)')
        return self.label_weights

    def mix(
        self,
        images: torch.Tensor,
        labels: torch.Tensor,
        lam: float,
        box: Tuple[int, int, int, int],
        lam_local: Optional[float] = None
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Mix images with a given ``lam`` and CutMix box.

        Args:
            images (Tensor): ``(4B, C, H, W)``: ``U_1, R_1, U_2, R_2``.
            labels (Tensor): ``(2B, )``: ``y_U`` then ``y_R``.
            lam (float): The MixUp ratio (and CutMix's, by default).
            box (tuple): ``(y1, y2, x1, x2)`` of the pasted box.
            lam_local (float, optional): The CutMix ratio for the targets.
                Defaults to ``lam``.

        Returns:
            tuple[Tensor, Tensor]: ``cat([x_g, x_l])`` and the plain soft
            targets ``cat([t_g, t_l])`` of shape ``(2B, num_classes)``.
        """
        u1, r1, u2, r2 = images.chunk(4)
        lam_local = lam if lam_local is None else lam_local
        y1, y2, x1, x2 = box
        batch = len(u1)
        inputs = images.new_empty((2 * batch, *images.shape[1:]))
        torch.lerp(r1, u1, lam, out=inputs[:batch])
        inputs[batch:] = u2
        inputs[batch:, :, y1:y2, x1:x2] = r2[:, :, y1:y2, x1:x2]
        one_hot = F.one_hot(labels, self.num_classes).to(images.dtype)
        uniform, rebalanced = one_hot.chunk(2)
        targets = torch.cat([
            torch.lerp(rebalanced, uniform, lam),
            torch.lerp(rebalanced, uniform, lam_local)
        ])
        return inputs, targets
