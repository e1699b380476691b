"""The training set's per-class image counts: how datasets record them and
how anything reads them.

Every long-tailed dataset of this package keeps the label of every image
(so :meth:`get_gt_labels` never reads an image), stores its per-class counts
in ``dataset.metainfo['class_counts']`` (a tuple of ints, indexed by label)
and logs them once, through :class:`LabelCountsMixin`. The
:func:`get_class_counts` of a dataset also works for any other MMPretrain
dataset by counting its labels; :func:`class_counts_from_config` builds a
config's dataset for the tools.

Once training starts, the counts live in the model
(:mod:`glmc_mm.models.utils.train_class_counts`), so a checkpoint carries
them; the evaluator receives them through MMEngine's ``dataset_meta`` under
:data:`TRAIN_CLASS_COUNTS_KEY`.
"""
from typing import Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config
from mmengine.dataset import force_full_init
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS

from ..utils.metainfo_keys import CLASS_COUNTS_KEY


def count_labels(labels: Sequence[int], num_classes: int) -> tuple:
    """Count the images of every class.

    Args:
        labels (Sequence[int]): The label of every image.
        num_classes (int): The number of classes.

    Returns:
        tuple[int]: The count of each class, indexed by label.
    """
    labels = np.asarray(labels, dtype=np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        bad = labels[(labels < 0) | (labels >= num_classes)][0]
        raise ValueError(f'label {bad} is outside [0, {num_classes})')
    return tuple(int(n) for n in np.bincount(labels, minlength=num_classes))


def get_class_counts(dataset) -> np.ndarray:
    """Per-class image counts of a dataset.

    Args:
        dataset: An MMPretrain dataset (or wrapper) with ``metainfo``.

    Returns:
        np.ndarray: ``int64`` array of shape ``(num_classes,)``.
    """
    metainfo = dataset.metainfo
    if CLASS_COUNTS_KEY in metainfo:
        return np.asarray(metainfo[CLASS_COUNTS_KEY], dtype=np.int64)
    labels = dataset.get_gt_labels()
    classes = metainfo.get('classes')
    num_classes = len(classes) if classes else int(np.max(labels)) + 1
    return np.asarray(count_labels(labels, num_classes), dtype=np.int64)


def class_counts_from_config(
        cfg: Config,
        split: str = 'train') -> Tuple[np.ndarray, Optional[Sequence[str]]]:
    """Build a config's dataset and read its per-class counts.

    For the tools, and for checkpoints converted from the authors' code,
    which hold no training counts. Building a dataset reads its annotations
    (and, for in-memory datasets such as CIFAR, its images).

    Args:
        cfg (Config): A full config with ``<split>_dataloader``.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
            Defaults to ``'train'``.

    Returns:
        tuple: The counts (``int64``, indexed by label) and the class names
        (None when the dataset has none).
    """
    loader = cfg.get(f'{split}_dataloader')
    if not loader:
        raise ValueError(f'the config has no {split}_dataloader to count the '
                         'classes of')
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    dataset = DATASETS.build(loader['dataset'])
    return get_class_counts(dataset), dataset.metainfo.get('classes')


def log_class_counts(name: str, counts: Sequence[int]) -> None:
    """Log a dataset's size and class counts once, at build time.

    Args:
        name (str): How the dataset is named in the log.
        counts (Sequence[int]): The count of each class.
    """
    counts = [int(n) for n in counts]
    MMLogger.get_current_instance().info(
        f'{name}: {sum(counts)} images in {len(counts)} classes, '
        f'{max(counts)} to {min(counts)} per class '
        f'(imbalance {max(counts) / max(min(counts), 1):.1f}); '
        f'class_counts={counts}')


class LabelCountsMixin:
    """For datasets that know every label as soon as their list is loaded.

    :meth:`_keep_labels` stores the labels, so that :meth:`get_gt_labels`
    never reads an image; :meth:`_record_class_counts` stores the per-class
    counts in ``metainfo['class_counts']`` and logs them once. The class
    needs ``full_init`` and ``_metainfo`` with ``classes``, as MMEngine's
    datasets have.
    """

    _gt_labels: np.ndarray
    _metainfo: dict

    def _keep_labels(self, labels: Sequence[int]) -> None:
        self._gt_labels = np.asarray(labels, dtype=np.int64)

    def _record_class_counts(self, name: str) -> None:
        counts = count_labels(self._gt_labels, len(self._metainfo['classes']))
        self._metainfo[CLASS_COUNTS_KEY] = counts
        log_class_counts(name, counts)

    @force_full_init
    def get_gt_labels(self) -> np.ndarray:
        """The label of every image, without reading the images."""
        return self._gt_labels.copy()
