"""The CutMix box of GLMC's reference code."""
import math
from typing import Optional, Tuple

import numpy as np
from mmpretrain.models.utils.batch_augments import CutMix


class GLMCCutMix(CutMix):
    """MMPretrain's :class:`CutMix` with the box rule of GLMC's reference.

    For a mixing ratio ``lam`` the box has side ratio ``sqrt(1 - lam)``; its
    height and width are ``ceil(H * sqrt(1 - lam))`` and
    ``ceil(W * sqrt(1 - lam))`` (MMPretrain floors them), its centre is
    uniform over the image and it spans ``centre -+ size // 2``, clipped to
    the image. The lambda correction for clipped boxes is MMPretrain's
    (:meth:`cutmix_bbox_and_lam`); GLMC's reference does not correct, so
    ``correct_lam`` defaults to False.

    Args:
        alpha (float): Beta distribution parameter (kept for the parent).
        correct_lam (bool): Use the pasted area instead of ``lam`` for the
            labels. Defaults to False.
    """

    def __init__(self, alpha: float = 1.0, correct_lam: bool = False) -> None:
        super().__init__(alpha=alpha, correct_lam=correct_lam)

    def rand_bbox(self,
                  img_shape: Tuple[int, int],
                  lam: float,
                  margin: float = 0.,
                  count: Optional[int] = None) -> Tuple[int, int, int, int]:
        """Draw ``(y1, y2, x1, x2)`` with the reference's ceil rule.

        Args:
            img_shape (tuple[int, int]): ``(H, W)``.
            lam (float): The mixing ratio.
            margin (float): Unused, must be 0 (kept for the parent's API).
            count (int, optional): Unused (one box per batch).
        """
        if margin or count is not None:
            raise ValueError('GLMCCutMix draws one box without margin')
        ratio = math.sqrt(1. - lam)
        img_h, img_w = img_shape
        cut_h, cut_w = math.ceil(img_h * ratio), math.ceil(img_w * ratio)
        cy = np.random.randint(img_h)
        cx = np.random.randint(img_w)
        y1 = int(np.clip(cy - cut_h // 2, 0, img_h))
        y2 = int(np.clip(cy + cut_h // 2, 0, img_h))
        x1 = int(np.clip(cx - cut_w // 2, 0, img_w))
        x2 = int(np.clip(cx + cut_w // 2, 0, img_w))
        return y1, y2, x1, x2
