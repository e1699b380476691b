"""Many / medium / few-shot groups of classes by their training counts."""
from typing import Dict, Sequence

import numpy as np

SHOT_GROUPS = ('many', 'medium', 'few')
CONVENTIONS = ('standard', 'authors')


def shot_groups(class_counts: Sequence[int],
                many_threshold: int = 100,
                few_threshold: int = 20,
                convention: str = 'standard') -> Dict[str, np.ndarray]:
    """Split classes into shot groups by their training image counts.

    A class is *many-shot* with more than ``many_threshold`` training
    images. The two conventions differ only at ``few_threshold`` itself:

    - ``'standard'`` (Liu et al., CVPR 2019): *few-shot* below
      ``few_threshold``, *medium-shot* ``20..100`` with the defaults;
    - ``'authors'`` (GLMC's released evaluation): *few-shot* at or below
      ``few_threshold``, *medium-shot* ``21..100``.

    Args:
        class_counts (Sequence[int]): Training images of every class.
        many_threshold (int): Defaults to 100.
        few_threshold (int): Defaults to 20.
        convention (str): ``'standard'`` or ``'authors'``.
            Defaults to ``'standard'``.

    Returns:
        dict[str, np.ndarray]: The class indices of ``'many'``, ``'medium'``
        and ``'few'``.
    """
    if convention not in CONVENTIONS:
        raise ValueError(f'convention must be one of {CONVENTIONS}, got '
                         f'{convention!r}')
    highest = many_threshold + int(convention == 'standard')
    if few_threshold > highest:
        raise ValueError(f'few_threshold={few_threshold} must not exceed '
                         f'{highest} with many_threshold={many_threshold} '
                         f'and the {convention} convention')
    counts = np.asarray(class_counts)
    few = counts < few_threshold if convention == 'standard' else \
        counts <= few_threshold
    many = counts > many_threshold
    return {
        'many': np.flatnonzero(many),
        'medium': np.flatnonzero(~few & ~many),
        'few': np.flatnonzero(few),
    }


def shot_group_options(cfg) -> dict:
    """The shot-group options of a config's ``LongTailAccuracy`` (the
    defaults when its ``val_evaluator`` has none), for the tools.

    Args:
        cfg (Config): A full config.

    Returns:
        dict: ``many_threshold``, ``few_threshold`` and ``convention``, the
        keyword arguments of :func:`shot_groups`.
    """
    evaluators = cfg.get('val_evaluator') or []
    if not isinstance(evaluators, (list, tuple)):
        evaluators = [evaluators]
    options = dict(many_threshold=100, few_threshold=20, convention='standard')
    for evaluator in evaluators:
        if evaluator.get('type') == 'LongTailAccuracy':
            options.update(
                {key: evaluator[key]
                 for key in options if key in evaluator})
    return options
