"""The one documented way to read a training set's per-class image counts.

Every long-tailed dataset of this package stores its per-class counts in
``dataset.metainfo['class_counts']`` (a tuple of ints, indexed by label) and
logs them once when it is built. Components that need the counts (the
re-balanced sampler, label weights, shot groups) call
:func:`get_class_counts`, which also works for any other MMPretrain dataset
by counting its labels.
"""
from typing import Sequence

import numpy as np
from mmengine.logging import MMLogger

CLASS_COUNTS_KEY = 'class_counts'


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
