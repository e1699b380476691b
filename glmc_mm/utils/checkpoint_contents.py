"""What a checkpoint must hold before a model uses it.

MMEngine's and MMPretrain's loaders copy a checkpoint into the model with
``strict=False``: keys of another name or shape are skipped with a warning
(the model then predicts from its random initialisation), NaN weights are
copied as they are, and the training class counts are taken as they come.
These functions say what is wrong; their callers (``StrictLoadHook`` for
the runner, ``LongTailInferencer``, the converter of the authors'
checkpoints) refuse with the file's name.
"""
import numbers
import re
from collections import OrderedDict
from typing import Any, Collection, List, Mapping, Optional

import torch

from .metainfo_keys import CLASS_COUNTS_KEY, TRAIN_CLASS_COUNTS_KEY
from .shortened import shortened


def checkpoint_weights(checkpoint: Any,
                       source: str = 'the checkpoint') -> Mapping:
    """A checkpoint's ``state_dict`` as MMEngine loads it: the checkpoint
    itself when it has none, the ``module.`` of a distributed wrapper taken
    off its keys, the modules' versions (``_metadata``) kept.

    Args:
        checkpoint: What ``torch.load`` returned.
        source (str): The checkpoint's file, as the error names it.
            Defaults to ``'the checkpoint'``.

    Raises:
        ValueError: The checkpoint, or its ``state_dict``, is not a dict.
    """
    weights = checkpoint.get('state_dict', checkpoint) if isinstance(
        checkpoint, Mapping) else checkpoint
    if not isinstance(weights, Mapping):
        part = 'its state_dict' if weights is not checkpoint else 'it'
        raise ValueError(f'{source} is not a checkpoint of a model: {part} '
                         f'is a {type(weights).__name__}, not a dict of '
                         'tensors')
    stripped = OrderedDict(
        (re.sub(r'^module\.', '', key) if isinstance(key, str) else key, value)
        for key, value in weights.items())
    # the modules' versions, which their loaders read
    stripped._metadata = getattr(weights, '_metadata', OrderedDict())
    return stripped


def _listed(title: str, items: List[str]) -> str:
    return f'{len(items)} {title}: {shortened(items)}'


def fit_problems(
    weights: Mapping,
    expected: Mapping[str, torch.Tensor],
    optional_keys: Collection[str] = ()
) -> List[str]:
    """The missing, unexpected and mis-shaped keys of ``weights`` against a
    model's ``state_dict()``, one entry per kind that occurs.

    Args:
        weights (Mapping): The checkpoint's weights
            (:func:`checkpoint_weights`).
        expected (Mapping[str, Tensor]): The model's ``state_dict()``.
        optional_keys (Collection[str]): Keys that may be absent on either
            side. Defaults to none.

    Returns:
        list[str]: E.g. ``'1 mis-shaped keys: head.fc.weight (checkpoint
        (5, 64), model (10, 64))'``; empty when the weights fit.
    """
    missing = [
        k for k in expected if k not in weights and k not in optional_keys
    ]
    unexpected = [
        repr(k) if not isinstance(k, str) else k for k in weights
        if k not in expected and k not in optional_keys
    ]
    mis_shaped = [
        f'{k} (checkpoint {_shape(v)}, model {tuple(expected[k].shape)})'
        for k, v in weights.items()
        if k in expected and _shape(v) != tuple(expected[k].shape)
    ]
    return [
        _listed(title, items)
        for title, items in (('missing keys', missing), ('unexpected keys',
                                                         unexpected),
                             ('mis-shaped keys', mis_shaped)) if items
    ]


def _shape(value) -> Any:
    """A tensor's shape, or what the value is instead."""
    if isinstance(value, torch.Tensor):
        return tuple(value.shape)
    return f'a {type(value).__name__}, not a tensor'


def non_finite_tensors(tensors: Mapping, prefix: str = '') -> List[str]:
    """The floating-point tensors of ``tensors`` (nested dicts and lists
    too) that hold NaN or infinite values, with how many.

    Args:
        tensors (Mapping): E.g. a checkpoint's weights, or its
            ``optimizer`` state.
        prefix (str): Put before every key named. Defaults to ``''``.

    Returns:
        list[str]: E.g. ``'head.fc.bias (10 of 10 values)'``, in the order
        of ``tensors``.
    """
    found = []
    items = tensors.items() if isinstance(tensors,
                                          Mapping) else enumerate(tensors)
    for key, value in items:
        name = f'{prefix}{key}'
        if isinstance(value, (Mapping, list, tuple)):
            found += non_finite_tensors(value, f'{name}.')
        elif isinstance(value, torch.Tensor) and (value.is_floating_point()
                                                  or value.is_complex()):
            bad = int((~torch.isfinite(value)).sum())
            if bad:
                found.append(f'{name} ({bad} of {value.numel()} values)')
    return found


def class_count_problems(checkpoint: Mapping,
                         num_classes: Optional[int] = None) -> List[str]:
    """What is wrong with the training class counts a checkpoint holds: the
    model's ``train_class_counts`` buffer and MMEngine's copy of the
    training set's ``meta['dataset_meta']['class_counts']``. Counts are
    integers >= 0 (all zeros: not recorded, as the converter of the
    authors' checkpoints writes them), one per class.

    Args:
        checkpoint (Mapping): The checkpoint.
        num_classes (int, optional): The model's number of classes; None
            leaves the number of counts unchecked.

    Returns:
        list[str]: One entry per bad field, naming it and its value.
    """
    problems = []
    buffer = checkpoint_weights(checkpoint).get(TRAIN_CLASS_COUNTS_KEY)
    if buffer is not None:
        if not isinstance(buffer, torch.Tensor) or buffer.is_floating_point(
        ) or buffer.is_complex() or buffer.dtype == torch.bool:
            kind = buffer.dtype if isinstance(
                buffer, torch.Tensor) else type(buffer).__name__
            problems.append(f'{TRAIN_CLASS_COUNTS_KEY} is {kind} '
                            f'{_values(buffer)}, not a tensor of integers')
        else:
            problems += _count_problems(TRAIN_CLASS_COUNTS_KEY,
                                        buffer.flatten().tolist(), buffer.ndim,
                                        num_classes)
    meta = checkpoint.get('meta')
    dataset_meta = meta.get('dataset_meta') if isinstance(meta,
                                                          Mapping) else None
    if isinstance(dataset_meta, Mapping) and CLASS_COUNTS_KEY in dataset_meta:
        field = f'meta.dataset_meta.{CLASS_COUNTS_KEY}'
        counts = dataset_meta[CLASS_COUNTS_KEY]
        if not isinstance(counts, (list, tuple)) or not all(
                isinstance(n, numbers.Integral) and not isinstance(n, bool)
                for n in counts):
            problems.append(f'{field} is {_values(counts)}, not a list of '
                            'integers')
        else:
            problems += _count_problems(field, list(counts), 1, num_classes)
    return problems


def _count_problems(field: str, counts: list, ndim: int,
                    num_classes: Optional[int]) -> List[str]:
    problems = []
    if ndim != 1 or (num_classes is not None and len(counts) != num_classes):
        wanted = f'{num_classes} (one per class of the model)' if \
            num_classes is not None else 'one per class'
        problems.append(f'{field} holds {len(counts)} counts in {ndim} '
                        f'dimensions, {_values(counts)}; expected {wanted}')
    negative = [i for i, n in enumerate(counts) if n < 0]
    if negative:
        problems.append(
            f'{field} holds {counts[negative[0]]} for class {negative[0]} '
            f'({len(negative)} negative of {len(counts)}: '
            f'{_values(counts)}); a number of training images is >= 0')
    return problems


def _values(value) -> str:
    """A value as an error shows it: a list cut after 10 items."""
    if isinstance(value, torch.Tensor):
        value = value.flatten().tolist()
    if isinstance(value, (list, tuple)):
        return f'[{shortened([repr(v) for v in value])}]'
    return repr(value)


def check_checkpoint_contents(source: str,
                              checkpoint: Any,
                              num_classes: Optional[int] = None,
                              with_optimizer: bool = False) -> None:
    """Refuse a checkpoint whose values no model can use: NaN or infinite
    weights (and optimizer state, for a resume), or class counts that are
    not :func:`class_count_problems`-clean.

    Args:
        source (str): The checkpoint's file, as errors name it.
        checkpoint: What ``torch.load`` returned.
        num_classes (int, optional): The model's number of classes, for
            the number of counts. Defaults to None: not checked.
        with_optimizer (bool): Check the ``optimizer`` state too.
            Defaults to False.

    Raises:
        ValueError: Naming ``source``, every bad field and its value, or
            saying that it holds no dict of weights.
    """
    problems = []
    tensors = dict(checkpoint_weights(checkpoint, source))
    if with_optimizer and isinstance(checkpoint.get('optimizer'), Mapping):
        tensors['optimizer'] = checkpoint['optimizer']
    bad = non_finite_tensors(tensors)
    if bad:
        problems.append(
            f'{len(bad)} tensors hold NaN or infinite values: '
            f'{shortened(bad, 5)} (a run that diverged saves such weights; '
            'use an earlier checkpoint)')
    problems += class_count_problems(checkpoint, num_classes)
    if problems:
        raise ValueError(f'{source} cannot be used: {"; ".join(problems)}')
