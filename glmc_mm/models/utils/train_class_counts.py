"""The training class counts, kept once in the model.

A long-tailed model records the per-class image counts of its training set
in one persistent ``int64`` buffer, ``model.train_class_counts``, when
training starts. Being a buffer, the counts are saved in every checkpoint
and come back with ``load_from``, ``--resume``, ``tools/test.py`` and
``mmpretrain.apis.get_model``; testing a checkpoint needs no training data.
All zeros means "not recorded" (a fresh model, or a checkpoint converted
from the authors' code).

Components inside the model that derive something from the counts (the
label weights of :class:`GLMCDataPreprocessor`, a loss's prior) are
:class:`ClassCountsUser`; :func:`record_class_counts` hands them the counts
it records. :class:`ClassCountsHook` calls these functions at the right
moments of a run.
"""
from abc import ABCMeta, abstractmethod
from itertools import chain
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn as nn
from mmengine.logging import print_log

from ...utils.metainfo_keys import TRAIN_CLASS_COUNTS_KEY


class ClassCountsUser(metaclass=ABCMeta):
    """A model component that needs the training class counts."""

    @abstractmethod
    def set_class_counts(self, class_counts: torch.Tensor) -> None:
        """Derive what the component needs from the counts.

        Args:
            class_counts (Tensor): ``int64`` training images of every class.
        """


def positive_class_counts(class_counts: Sequence[int], owner: str,
                          consequence: str) -> torch.Tensor:
    """The counts as ``float64``, refusing a class without training images.

    Args:
        class_counts (Sequence[int]): Training images of every class.
        owner (str): The component, as named in the error.
        consequence (str): What a zero count would break, for the error.
    """
    counts = torch.as_tensor(np.asarray(class_counts), dtype=torch.float64)
    empty = torch.nonzero(counts <= 0).flatten().tolist()
    if empty:
        raise ValueError(
            f'{owner}: class {empty[0]} has {int(counts[empty[0]])} training '
            f'images, so {consequence}; every class needs at least one')
    return counts


def model_num_classes(model: nn.Module) -> Optional[int]:
    """The ``num_classes`` of the first component that has one (the head of
    an MMPretrain classifier), or None."""
    for _, module in model.named_modules():
        num_classes = getattr(module, 'num_classes', None)
        if _is_class_number(num_classes):
            return num_classes
    return None


def _is_class_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def attach_class_counts(model: nn.Module, num_classes: int) -> None:
    """Give ``model`` the persistent buffer ``train_class_counts`` (zeros:
    not recorded) unless it has one, so that loading a checkpoint fills it.

    Args:
        model (nn.Module): The model, not a distributed wrapper.
        num_classes (int): The number of classes.
    """
    if hasattr(model, TRAIN_CLASS_COUNTS_KEY):
        return
    tensor = next(chain(model.parameters(), model.buffers()), None)
    device = tensor.device if tensor is not None else None
    model.register_buffer(
        TRAIN_CLASS_COUNTS_KEY,
        torch.zeros(num_classes, dtype=torch.int64, device=device))


def record_class_counts(model: nn.Module, class_counts: Sequence[int],
                        source: str) -> None:
    """Record the training counts in ``model`` and hand them to every
    :class:`ClassCountsUser` inside it.

    This is the one place where a model meets its training set, so it is
    where the number of classes is checked: every component with a
    ``num_classes`` must have one class per count.

    Args:
        model (nn.Module): The model, not a distributed wrapper.
        class_counts (Sequence[int]): Training images of every class.
        source (str): The training set, as named in errors.
    """
    counts = torch.as_tensor(np.asarray(class_counts), dtype=torch.int64)
    for name, module in model.named_modules():
        num_classes = getattr(module, 'num_classes', None)
        if _is_class_number(num_classes) and num_classes != len(counts):
            field = '.'.join(['model', *filter(None, [name]), 'num_classes'])
            raise ValueError(f'{field}={num_classes} but the training set '
                             f'({source}) has {len(counts)} classes')
    previous = recorded_class_counts(model)
    if previous is not None and previous.tolist() != counts.tolist():
        print_log(
            'The loaded checkpoint was trained on other class counts '
            f'({previous.tolist()}); the model now records those of '
            f'{source} ({counts.tolist()}).',
            logger='current')
    attach_class_counts(model, len(counts))
    buffer = getattr(model, TRAIN_CLASS_COUNTS_KEY)
    if buffer.shape == counts.shape:
        buffer.copy_(counts)
    else:
        model.register_buffer(TRAIN_CLASS_COUNTS_KEY, counts.to(buffer.device))
    for module in model.modules():
        if isinstance(module, ClassCountsUser):
            module.set_class_counts(counts)


def recorded_class_counts(model: nn.Module) -> Optional[np.ndarray]:
    """The training counts recorded in ``model``.

    Args:
        model (nn.Module): The model, not a distributed wrapper.

    Returns:
        np.ndarray | None: ``int64`` counts, or None when nothing is
        recorded.
    """
    buffer = getattr(model, TRAIN_CLASS_COUNTS_KEY, None)
    if buffer is None or not bool(buffer.any()):
        return None
    return buffer.cpu().numpy().astype(np.int64)
