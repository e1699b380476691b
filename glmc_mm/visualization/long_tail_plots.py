"""Pictures of a long-tailed run: class counts, per-class accuracy, and
GLMC's coefficient and loss terms over training."""
from typing import Dict, List, Optional, Sequence

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..evaluation import SHOT_GROUPS, shot_groups  # noqa: E402

GROUP_COLOURS = {'many': '#dbe9f6', 'medium': '#fdebd0', 'few': '#f9d6d5'}


def _shade_groups(axis, counts: np.ndarray, order: np.ndarray,
                  shot_options: Optional[dict]) -> None:
    """Shade the shot groups along classes sorted by decreasing count."""
    groups = shot_groups(counts, **(shot_options or {}))
    position = {int(c): i for i, c in enumerate(order)}
    for name in SHOT_GROUPS:
        places = sorted(position[int(c)] for c in groups[name])
        if places:
            axis.axvspan(
                places[0] - 0.5,
                places[-1] + 0.5,
                color=GROUP_COLOURS[name],
                zorder=0,
                label=f'{name}-shot ({len(places)})')


def _class_axes(counts: Sequence[int], shot_options: Optional[dict]) -> tuple:
    """A figure whose x axis is the classes by decreasing training count,
    with the shot groups shaded; returns ``(fig, axis, counts, order)``."""
    counts = np.asarray(counts)
    order = np.argsort(-counts, kind='stable')
    fig, axis = plt.subplots(figsize=(8, 4))
    _shade_groups(axis, counts, order, shot_options)
    return fig, axis, counts, order


def _save(fig, out_file: str) -> None:
    fig.tight_layout()
    fig.savefig(out_file, dpi=120)
    plt.close(fig)


def plot_class_counts(counts: Sequence[int],
                      out_file: str,
                      classes: Optional[Sequence[str]] = None,
                      shot_options: Optional[dict] = None) -> None:
    """Training images per class, sorted, on a log scale, with the shot
    groups shaded.

    Args:
        counts (Sequence[int]): Training images of every class.
        out_file (str): The PNG to write.
        classes (Sequence[str], optional): Class names for the x axis.
        shot_options (dict, optional): Keyword arguments of
            :func:`shot_groups` (thresholds, convention).
    """
    fig, axis, counts, order = _class_axes(counts, shot_options)
    axis.bar(np.arange(len(counts)), counts[order], color='#2e6da4', zorder=2)
    axis.set_yscale('log')
    axis.set_ylabel('training images (log scale)')
    _label_classes(axis, order, classes)
    axis.set_title(f'{int(counts.sum())} training images, imbalance '
                   f'{counts.max() / max(counts.min(), 1):.0f}')
    axis.legend(loc='upper right')
    _save(fig, out_file)


def _label_classes(axis, order: np.ndarray,
                   classes: Optional[Sequence[str]]) -> None:
    """Name the sorted classes on the x axis when there are few."""
    axis.set_xlabel('class, by decreasing training count')
    if classes is not None and len(classes) <= 30:
        axis.set_xticks(np.arange(len(order)))
        axis.set_xticklabels([classes[i] for i in order],
                             rotation=45,
                             ha='right',
                             fontsize=8)


def plot_per_class_accuracy(counts: Sequence[int],
                            runs: Dict[str, Sequence[Optional[float]]],
                            out_file: str,
                            classes: Optional[Sequence[str]] = None,
                            shot_options: Optional[dict] = None) -> None:
    """Per-class test accuracy of one or several runs over the classes
    sorted by decreasing training count, with the shot groups shaded.

    Args:
        counts (Sequence[int]): Training images of every class.
        runs (dict): Run name to per-class accuracy in % (None: untested).
        out_file (str): The PNG to write.
        classes (Sequence[str], optional): Class names for the x axis.
        shot_options (dict, optional): Keyword arguments of
            :func:`shot_groups` (thresholds, convention).
    """
    fig, axis, counts, order = _class_axes(counts, shot_options)
    width = 0.8 / max(len(runs), 1)
    for k, (name, accuracy) in enumerate(runs.items()):
        values = np.array([np.nan if a is None else a for a in accuracy],
                          dtype=float)[order]
        axis.bar(
            np.arange(len(counts)) - 0.4 + width * (k + 0.5),
            values,
            width=width,
            label=f'{name} (mean {np.nanmean(values):.1f})',
            zorder=2)
    axis.set_ylim(0, 100)
    axis.set_ylabel('test accuracy (%)')
    _label_classes(axis, order, classes)
    axis.legend(
        loc='upper center', bbox_to_anchor=(0.5, 1.18), ncol=3, fontsize=8)
    _save(fig, out_file)


def plot_training_curves(records: List[dict], out_file: str) -> None:
    """GLMC's coefficient ``alpha`` and its loss terms over training, from
    MMEngine's ``vis_data/scalars.json`` records.

    Args:
        records (list[dict]): The training records (with ``step``).
        out_file (str): The PNG to write.
    """
    train = [r for r in records if 'loss' in r and 'step' in r]
    if not train:
        raise ValueError('the records hold no training losses')
    steps = [r['step'] for r in train]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    for key in ('loss', 'loss_balanced', 'loss_rebalanced',
                'loss_consistency'):
        if key in train[0]:
            top.plot(steps, [r[key] for r in train], label=key)
    top.set_ylabel('loss')
    top.legend(fontsize=8)
    if 'alpha' in train[0]:
        bottom.plot(
            steps, [r['alpha'] for r in train], label='alpha', color='black')
        bottom.plot(
            steps, [1 - r['alpha'] for r in train],
            label='1 - alpha (weight of fc_cb)',
            color='grey')
    bottom.set_ylabel('cumulative coefficient')
    bottom.set_xlabel('iteration')
    bottom.legend(fontsize=8)
    _save(fig, out_file)


def plot_shot_group_accuracy(groups: Dict[str, Dict[str, tuple]],
                             out_file: str) -> None:
    """Many / medium / few-shot accuracy of several methods as grouped bars,
    with the spread over seeds as error bars.

    Args:
        groups (dict): Method name to ``{group: (mean, std)}`` in %, for the
            groups of :data:`SHOT_GROUPS` that have classes.
        out_file (str): The PNG to write.
    """
    fig, axis = plt.subplots(figsize=(8, 4))
    width = 0.8 / max(len(groups), 1)
    for k, (name, values) in enumerate(groups.items()):
        present = [i for i, g in enumerate(SHOT_GROUPS) if g in values]
        axis.bar([i - 0.4 + width * (k + 0.5) for i in present],
                 [values[SHOT_GROUPS[i]][0] for i in present],
                 yerr=[values[SHOT_GROUPS[i]][1] for i in present],
                 width=width,
                 label=name,
                 capsize=2,
                 zorder=2)
    axis.set_xticks(range(len(SHOT_GROUPS)))
    axis.set_xticklabels([f'{g}-shot' for g in SHOT_GROUPS])
    axis.set_ylim(0, 100)
    axis.set_ylabel('test accuracy (%), mean over seeds')
    axis.grid(axis='y', alpha=0.3, zorder=0)
    axis.legend(
        loc='upper center', bbox_to_anchor=(0.5, 1.2), ncol=4, fontsize=8)
    _save(fig, out_file)


def plot_validation_curves(
    curves: Dict[str, Dict[str, np.ndarray]],
    out_file: str,
    columns: Sequence[str] = ('top1', 'many', 'medium', 'few'),
    titles: Sequence[str] = ('top-1', 'many-shot', 'medium-shot', 'few-shot')
) -> None:
    """Validation accuracy against epoch, mean ± sample standard deviation
    over seeds: one line per method, one panel per column, a marker at each
    validation (so a method validated once, e.g. cRT, shows as a point).

    Args:
        curves (dict): Method name to ``{'epoch': (E,), column: (S, E)}``,
            the values of ``S`` seeds at ``E`` validated epochs in % (NaN
            where a seed has no value).
        out_file (str): The PNG to write.
        columns (Sequence[str]): The columns to draw, one panel each.
        titles (Sequence[str]): The panels' titles.
    """
    fig, axes = plt.subplots(
        1, len(columns), figsize=(4 * len(columns), 3.6), sharey=True)
    for axis, column, title in zip(np.atleast_1d(axes), columns, titles):
        for name, curve in curves.items():
            if column not in curve:
                continue
            values = np.asarray(curve[column], dtype=float)
            mean = np.nanmean(values, axis=0)
            spread = (
                np.nanstd(values, axis=0, ddof=1)
                if len(values) > 1 else np.zeros_like(mean))
            line, = axis.plot(
                curve['epoch'], mean, marker='o', markersize=3, label=name)
            axis.fill_between(
                curve['epoch'],
                mean - spread,
                mean + spread,
                color=line.get_color(),
                alpha=0.15)
        axis.set_title(title)
        axis.set_xlabel('epoch')
        axis.set_ylim(0, 100)
        axis.grid(alpha=0.3)
    np.atleast_1d(axes)[0].set_ylabel('test accuracy (%), mean ± sd')
    np.atleast_1d(axes)[0].legend(fontsize=8)
    _save(fig, out_file)
