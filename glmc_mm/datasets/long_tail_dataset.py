"""A wrapper that makes any MMPretrain dataset exponentially long-tailed."""
import copy
from typing import Callable, Optional, Sequence, Union

import numpy as np
from mmengine.dataset import BaseDataset, Compose, force_full_init
from mmpretrain.registry import DATASETS

from ..utils.value_checks import check_number
from .class_counts import LabelCountsMixin
from .long_tail_subset import long_tail_indices


@DATASETS.register_module()
class LongTailDataset(LabelCountsMixin):
    """Subsample any dataset to an exponentially long-tailed profile.

    With ``n_max`` the largest class of the wrapped dataset (capped by
    ``max_per_class``), class ``i`` keeps
    ``min(int(n_max * (1 / IF) ** (i / (C - 1))), available_i)`` images,
    drawn without replacement by a generator seeded with ``seed`` alone, so
    every rank and every run builds the same subset. The kept counts are in
    ``metainfo['class_counts']`` and are logged once.

    Example::

        train_dataloader = dict(dataset=dict(
            type='LongTailDataset', imbalance_factor=100, max_per_class=1200,
            dataset=dict(type='CustomDataset', data_root='data/flowers')))

    Args:
        dataset (dict | BaseDataset): The balanced dataset or its config.
        imbalance_factor (float): ``IF = n_max / n_min`` (>= 1, 1 keeps the
            classes as balanced as the source). Defaults to 100.
        seed (int): Seed of the subset draw. Defaults to 0.
        max_per_class (int, optional): Cap on ``n_max``. Defaults to None.
        lazy_init (bool): Defer loading until first use. Defaults to False.
        pipeline (list, optional): The wrapped dataset's pipeline, given
            here rather than in ``dataset`` (then MMPretrain's
            ``verify_dataset.py``, which reads the top-level ``pipeline``,
            works on the config). Defaults to None: the wrapped dataset's
            own.
    """

    def __init__(
            self,
            dataset: Union[dict, BaseDataset],
            imbalance_factor: float = 100,
            seed: int = 0,
            max_per_class: Optional[int] = None,
            lazy_init: bool = False,
            pipeline: Optional[Sequence[Union[dict,
                                              Callable]]] = None) -> None:
        self.imbalance_factor = check_number(
            'LongTailDataset', 'imbalance_factor', imbalance_factor, minimum=1)
        self.seed = check_number('LongTailDataset', 'seed', seed, integer=True)
        self.max_per_class = None if max_per_class is None else check_number(
            'LongTailDataset',
            'max_per_class',
            max_per_class,
            minimum=1,
            integer=True)
        if isinstance(dataset, dict):
            self.dataset = DATASETS.build(dataset)
        elif isinstance(dataset, BaseDataset):
            self.dataset = dataset
        else:
            raise TypeError('LongTailDataset: dataset must be a config dict '
                            'or a BaseDataset, got '
                            f'{type(dataset).__name__}')
        if pipeline is not None:
            if self.dataset.pipeline.transforms:
                raise ValueError(
                    'LongTailDataset: pipeline is given both to the wrapper '
                    f'and to the wrapped {type(self.dataset).__name__}; give '
                    'it once')
            self.pipeline = Compose(pipeline)
        self._metainfo = self.dataset.metainfo
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        """The wrapped dataset's meta information plus ``class_counts``."""
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        """Load the wrapped dataset and keep the long-tailed subset."""
        if self._fully_initialized:
            return
        self.dataset.full_init()
        classes = self._metainfo.get('classes')
        if not classes:
            raise ValueError('LongTailDataset needs metainfo["classes"] in '
                             f'the wrapped {type(self.dataset).__name__}')
        labels = np.asarray(self.dataset.get_gt_labels(), dtype=np.int64)
        keep = long_tail_indices(labels, len(classes), self.imbalance_factor,
                                 self.seed, self.max_per_class, classes)
        self.dataset = self.dataset.get_subset(keep.tolist())
        self._metainfo = self.dataset.metainfo
        self._keep_labels(labels[keep])
        self._record_class_counts(
            f'LongTailDataset({type(self.dataset).__name__}, '
            f'imbalance_factor={self.imbalance_factor:g}, seed={self.seed}, '
            f'max_per_class={self.max_per_class})')
        self._fully_initialized = True

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """The annotation of the ``idx``-th kept image."""
        return self.dataset.get_data_info(idx)

    @force_full_init
    def get_cat_ids(self, idx: int) -> list:
        """The category of the ``idx``-th kept image."""
        return [int(self._gt_labels[idx])]

    @force_full_init
    def __len__(self) -> int:
        return len(self.dataset)

    @force_full_init
    def __getitem__(self, idx: int) -> dict:
        return self.dataset[idx]

    @property
    def pipeline(self) -> Compose:
        """The wrapped dataset's pipeline (MMPretrain's
        ``browse_dataset.py`` reads and replaces it)."""
        return self.dataset.pipeline

    @pipeline.setter
    def pipeline(self, pipeline: Compose) -> None:
        self.dataset.pipeline = pipeline

    @property
    def CLASSES(self):
        """The class names."""
        return self._metainfo.get('classes')

    def __repr__(self) -> str:
        return (f'LongTailDataset(imbalance_factor={self.imbalance_factor:g}, '
                f'seed={self.seed}, max_per_class={self.max_per_class},\n'
                f'  dataset={self.dataset!r})')
