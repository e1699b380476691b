"""Many / medium / few-shot groups of classes by their training counts."""
from typing import Dict, Sequence

import numpy as np

SHOT_GROUPS = ('many', 'medium', 'few')


def shot_groups(class_counts: Sequence[int],
                many_threshold: int = 100,
                few_threshold: int = 20) -> Dict[str, np.ndarray]:
    """Split classes into shot groups by their training image counts.

    A class is *many-shot* with more than ``many_threshold`` training images,
    *few-shot* with fewer than ``few_threshold``, *medium-shot* otherwise
    (``20..100`` with the defaults, as in Liu et al., CVPR 2019).

    Args:
        class_counts (Sequence[int]): Training images of every class.
        many_threshold (int): Defaults to 100.
        few_threshold (int): Defaults to 20.

    Returns:
        dict[str, np.ndarray]: The class indices of ``'many'``, ``'medium'``
        and ``'few'``.
    """
    if few_threshold > many_threshold + 1:
        raise ValueError(f'few_threshold={few_threshold} must not exceed '
                         f'many_threshold + 1 = {many_threshold + 1}')
    counts = np.asarray(class_counts)
    return {
        'many': np.flatnonzero(counts > many_threshold),
        'medium': np.flatnonzero((counts >= few_threshold)
                                 & (counts <= many_threshold)),
        'few': np.flatnonzero(counts < few_threshold),
    }
