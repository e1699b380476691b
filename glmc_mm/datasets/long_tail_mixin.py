"""Make a balanced MMPretrain dataset class long-tailed by subclassing."""
from typing import List, Optional

import numpy as np

from ..utils.value_checks import check_number
from .class_counts import LabelCountsMixin
from .long_tail_subset import DRAW_SEEDS, check_draw, long_tail_indices


class LongTailMixin(LabelCountsMixin):
    """Subsample the training split of a dataset class to an exponential
    long-tailed profile.

    Put it before a balanced MMPretrain dataset class (``class
    CIFAR10LT(LongTailMixin, CIFAR10)``). The split named ``'train'`` keeps
    ``int(n_max * (1 / IF) ** (i / (C - 1)))`` images of class ``i``, drawn
    without replacement with a generator seeded by ``seed`` alone; other
    splits stay complete. The training counts are stored in
    ``metainfo['class_counts']`` and logged once, with the draw and seed.

    Args:
        imbalance_factor (float): ``IF = n_max / n_min`` (>= 1, 1 keeps the
            data balanced). Defaults to 100.
        draw (str): Which images (:func:`long_tail_indices`): ``'seeded'``
            (ours), ``'ldam'`` (Cao et al.'s subset, that of most published
            baselines) or ``'glmc'`` (that of GLMC's code). Defaults to
            ``'seeded'``.
        seed (int, optional): Seed of the subset draw. Defaults to None:
            the draw's own (0; 3407 for ``'glmc'``).
        max_per_class (int, optional): Cap on ``n_max``. Defaults to None.
        **kwargs: Arguments of the dataset class.
    """

    def __init__(self,
                 *args,
                 imbalance_factor: float = 100,
                 draw: str = 'seeded',
                 seed: Optional[int] = None,
                 max_per_class=None,
                 **kwargs) -> None:
        owner = type(self).__name__
        self.imbalance_factor = check_number(
            owner, 'imbalance_factor', imbalance_factor, minimum=1)
        self.max_per_class = None if max_per_class is None else check_number(
            owner, 'max_per_class', max_per_class, minimum=1, integer=True)
        self.draw = check_draw(owner, draw, self.max_per_class)
        self.seed = DRAW_SEEDS[draw] if seed is None else check_number(
            owner, 'seed', seed, integer=True)
        if 'indices' in kwargs and kwargs['indices'] is not None:
            raise ValueError(f'{type(self).__name__} does not take indices='
                             f'{kwargs["indices"]!r}: its subset is chosen by '
                             'imbalance_factor and seed')
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Load the source data list and keep the long-tailed subset."""
        data_list = super().load_data_list()
        labels = np.array([int(info['gt_label']) for info in data_list],
                          dtype=np.int64)
        if self.split == 'train':
            keep = long_tail_indices(labels, len(self.CLASSES),
                                     self.imbalance_factor, self.seed,
                                     self.max_per_class, self.CLASSES,
                                     self.draw)
            data_list = [data_list[i] for i in keep]
            self._keep_labels(labels[keep])
            self._record_class_counts(
                f'{type(self).__name__}(split=train, imbalance_factor='
                f'{self.imbalance_factor:g}, draw={self.draw}, '
                f'seed={self.seed})')
        else:
            self._keep_labels(labels)
        return data_list
