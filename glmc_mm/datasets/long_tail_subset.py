"""The exponential long-tailed profile and its seeded, duplicate-free draw."""
from typing import Optional, Sequence

import numpy as np

from ..utils.value_checks import check_number


def long_tail_class_sizes(max_per_class: int,
                          num_classes: int,
                          imbalance_factor: float,
                          classes: Optional[Sequence[str]] = None) -> list:
    """Per-class sizes of an exponentially long-tailed dataset.

    Class ``i`` (0-based, in label order) keeps

    .. math::
        n_i = \\lfloor n_{max} \\cdot IF^{-i / (C - 1)} \\rfloor

    images, so that class 0 keeps ``n_max`` and class ``C - 1`` keeps
    ``n_max / IF``.

    Args:
        max_per_class (int): ``n_max``, the size of the head class.
        num_classes (int): ``C``, the number of classes.
        imbalance_factor (float): ``IF``, the head-to-tail ratio (>= 1).
        classes (Sequence[str], optional): Class names, used to name a class
            that would be left empty.

    Returns:
        list[int]: ``n_i`` for every class.
    """
    owner = 'long_tail_class_sizes'
    imbalance_factor = check_number(
        owner, 'imbalance_factor', imbalance_factor, minimum=1)
    num_classes = check_number(
        owner, 'num_classes', num_classes, minimum=1, integer=True)
    max_per_class = check_number(
        owner, 'max_per_class', max_per_class, minimum=1, integer=True)
    sizes = _profile(max_per_class, num_classes, imbalance_factor)
    empty = [i for i, n in enumerate(sizes) if n == 0]
    if empty:
        i = empty[0]
        name = f" ('{classes[i]}')" if classes is not None else ''
        # the float formula can empty the tail at IF = n_max (49 * (1 / 49)
        # is 0.99999...), so the factor named is one it keeps every class at
        largest = next(
            factor for factor in range(max_per_class, 0, -1)
            if min(_profile(max_per_class, num_classes, factor)))
        raise ValueError(
            f'imbalance_factor={imbalance_factor:g} leaves class {i}{name} '
            f'with 0 images (n_max={max_per_class}); the largest integer '
            f'factor that keeps every class is {largest}')
    return sizes


def _profile(max_per_class: int, num_classes: int,
             imbalance_factor: float) -> list:
    """``n_i`` as the authors compute it (a float power, truncated)."""
    tail = max(num_classes - 1, 1)
    return [
        int(max_per_class * (1 / imbalance_factor)**(i / tail))
        for i in range(num_classes)
    ]


# the draws, and the seed each uses where none is given
DRAW_SEEDS = {'seeded': 0, 'ldam': 0, 'glmc': 3407}


def check_draw(owner: str,
               draw: str,
               max_per_class: Optional[int] = None) -> str:
    """Refuse an unknown ``draw``, or a cap on a published subset, naming
    ``owner``; return ``draw``."""
    if draw not in DRAW_SEEDS:
        raise ValueError(f'{owner}: draw must be one of '
                         f'{", ".join(map(repr, DRAW_SEEDS))}, got {draw!r}')
    if draw != 'seeded' and max_per_class is not None:
        raise ValueError(
            f'{owner}: draw={draw!r} reproduces a published subset, which '
            f'has no max_per_class (got {max_per_class!r})')
    return draw


def long_tail_indices(labels: np.ndarray,
                      num_classes: int,
                      imbalance_factor: float,
                      seed: int,
                      max_per_class: Optional[int] = None,
                      classes: Optional[Sequence[str]] = None,
                      draw: str = 'seeded') -> np.ndarray:
    """Draw the indices of an exponentially long-tailed subset.

    ``n_max`` is the size of the largest class of ``labels`` (capped by
    ``max_per_class``). Class ``i`` keeps ``min(n_i, available_i)`` images
    with ``n_i`` from :func:`long_tail_class_sizes`, drawn without
    replacement by a generator seeded with ``seed`` only, so the subset never
    depends on global random state, the rank or the run. ``draw`` chooses
    which images:

    - ``'seeded'``: NumPy's ``default_rng(seed).choice`` over each class;
    - ``'ldam'``: the subset of Cao et al.'s ``IMBALANCECIFAR10`` (LDAM-DRW,
      and most published CIFAR-LT baselines): for each class in label
      order, its indices shuffled by the legacy generator seeded with
      ``seed`` (0 there), the first ``n_i`` kept;
    - ``'glmc'``: the subset of GLMC's own code: for each class in label
      order, ``choice(available_i, n_i, replace=False)`` of the legacy
      generator seeded with ``seed`` (3407 there) over its images.

    The two reference draws use a private ``RandomState``, which yields the
    indices of NumPy's global one after ``np.random.seed(seed)`` and leaves
    the global state alone. For one seed they keep the same images (the
    legacy ``choice`` without replacement takes the head of a permutation,
    as the shuffle does): the published subsets differ by their seeds.

    Args:
        labels (np.ndarray): The label of every image of the source dataset.
        num_classes (int): The number of classes.
        imbalance_factor (float): The head-to-tail ratio (>= 1).
        seed (int): Seed of the draw.
        max_per_class (int, optional): Cap on ``n_max``. Defaults to None.
        classes (Sequence[str], optional): Class names for error messages.
        draw (str): ``'seeded'``, ``'ldam'`` or ``'glmc'``. Defaults to
            ``'seeded'``.

    Returns:
        np.ndarray: Sorted source indices of the subset.
    """
    check_draw('long_tail_indices', draw, max_per_class)
    labels = np.asarray(labels, dtype=np.int64)
    available = np.bincount(labels, minlength=num_classes)
    if len(available) > num_classes:
        raise ValueError(f'labels hold class {labels.max()}, outside '
                         f'[0, {num_classes})')
    n_max = int(available.max())
    if max_per_class is not None:
        n_max = min(
            n_max,
            check_number(
                'long_tail_indices',
                'max_per_class',
                max_per_class,
                minimum=1,
                integer=True))
    sizes = long_tail_class_sizes(n_max, num_classes, imbalance_factor,
                                  classes)
    missing = [i for i in range(num_classes) if available[i] == 0]
    if missing:
        raise ValueError(f'class {missing[0]} has no image in the source '
                         'dataset, so it cannot be made long-tailed')
    if draw != 'seeded':
        legacy = np.random.RandomState(seed)
        chosen = []
        for c in range(num_classes):
            own = np.flatnonzero(labels == c)
            if draw == 'ldam':
                legacy.shuffle(own)
                chosen.append(own[:sizes[c]])
            else:
                chosen.append(own[legacy.choice(
                    len(own), sizes[c], replace=False)])
        return np.sort(np.concatenate(chosen))
    rng = np.random.default_rng(seed)
    order = np.argsort(labels, kind='stable')
    starts = np.concatenate([[0], np.cumsum(available)])
    chosen = [
        rng.choice(
            order[starts[c]:starts[c + 1]],
            size=min(sizes[c], int(available[c])),
            replace=False) for c in range(num_classes)
    ]
    return np.sort(np.concatenate(chosen))
