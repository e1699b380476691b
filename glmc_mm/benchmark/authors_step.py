"""GLMC's training step as the authors' released code computes it, stated
once in plain PyTorch and NumPy, independently of the package: the tests
check the package against it, and the benchmark times it as the authors'
loop (so the package getting faster never makes this faster).

The step (Du et al., CVPR 2023, arXiv 2305.08661; ``docs/method.md``) for
uniform views ``u1, u2`` and re-balanced views ``r1, r2`` of one batch,
one-hot labels ``e_u, e_r`` and label weights ``w``: draw
``lam ~ Beta(1, 1)``; MixUp ``x_g = lam u1 + (1 - lam) r1``; CutMix
``x_l`` = ``u2`` with a box of ``r2`` (side ``ceil(size * sqrt(1 - lam))``,
uniform centre, clipped); targets ``t = lam e_u + (1 - lam) e_r`` and
``s = w * t``; two forward passes; the loss of :func:`authors_loss`.
"""
import math
from typing import Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F


def authors_label_weights(class_counts: Sequence[int],
                          label_weighting: float) -> torch.Tensor:
    """``w_c = n_c ** -p``, rescaled to sum to the number of classes."""
    weights = 1.0 / np.asarray(class_counts, dtype=np.float64)**label_weighting
    return torch.FloatTensor(weights / weights.sum() * len(weights))


def authors_box(shape: Tuple[int, int],
                lam: float) -> Tuple[int, int, int, int]:
    """The CutMix box ``(a1, a2, b1, b2)`` over dims 2 and 3 of a batch,
    with the centre along dim 2 drawn first from NumPy's global generator."""
    size_a, size_b = shape
    ratio = math.sqrt(1. - lam)
    cut_a, cut_b = math.ceil(size_a * ratio), math.ceil(size_b * ratio)
    centre_a = np.random.randint(size_a)
    centre_b = np.random.randint(size_b)
    return (int(np.clip(centre_a - cut_a // 2, 0, size_a)),
            int(np.clip(centre_a + cut_a // 2, 0, size_a)),
            int(np.clip(centre_b - cut_b // 2, 0, size_b)),
            int(np.clip(centre_b + cut_b // 2, 0, size_b)))


def authors_mix(u1: torch.Tensor, u2: torch.Tensor, r1: torch.Tensor,
                r2: torch.Tensor, one_hot_u: torch.Tensor,
                one_hot_r: torch.Tensor, lam: float, box: Tuple[int, int, int,
                                                                int]) -> tuple:
    """``(x_g, x_l, t)``: the MixUp and CutMix batches and their soft
    targets (both mixtures use ``lam``). ``u2`` is left untouched."""
    a1, a2, b1, b2 = box
    x_global = lam * u1 + (1 - lam) * r1
    x_local = u2.clone()
    x_local[:, :, a1:a2, b1:b2] = r2[:, :, a1:a2, b1:b2]
    return x_global, x_local, lam * one_hot_u + (1 - lam) * one_hot_r


def soft_cross_entropy(logits: torch.Tensor,
                       target: torch.Tensor) -> torch.Tensor:
    """``mean_i(-sum_k target_ik log_softmax(logits)_ik)``."""
    return -torch.mean(torch.sum(F.log_softmax(logits, dim=1) * target, dim=1))


def negative_cosine(p: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """``-mean(cos(p, sg(z)))``."""
    return -F.cosine_similarity(p, z.detach(), dim=-1).mean()


def authors_loss(global_out: Sequence[torch.Tensor],
                 local_out: Sequence[torch.Tensor], target: torch.Tensor,
                 label_weights: torch.Tensor, alpha: float,
                 lambda_c: float) -> torch.Tensor:
    """GLMC's total loss from the two passes' ``(fc, fc_cb, z, p)``."""
    fc_g, cb_g, z_g, p_g = global_out
    fc_l, cb_l, z_l, p_l = local_out
    weighted = target * label_weights
    balanced = soft_cross_entropy(fc_g, target) + soft_cross_entropy(
        fc_l, target)
    rebalanced = soft_cross_entropy(cb_g, weighted) + soft_cross_entropy(
        cb_l, weighted)
    consistency = negative_cosine(p_g, z_l) + negative_cosine(p_l, z_g)
    return alpha * balanced + (1 - alpha) * rebalanced + \
        lambda_c * consistency
