"""Draw a long-tailed run: training class counts with the shot groups,
per-class test accuracy of one or several runs, and GLMC's coefficient and
loss terms over training; print each run's shot-group table.

Example::

    python tools/analysis_tools/plot_long_tail.py CONFIG \
        --runs GLMC=work_dirs/glmc/test CE=work_dirs/ce/test \
        --train-dir work_dirs/glmc --out-dir work_dirs/glmc/plots
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config

import glmc_mm  # noqa: F401  (registers the components)
from glmc_mm.benchmark import latest_test_metrics, training_scalars
from glmc_mm.datasets import class_counts_from_config
from glmc_mm.evaluation import SHOT_GROUPS, shot_group_options, shot_groups
from glmc_mm.visualization import (plot_class_counts, plot_per_class_accuracy,
                                   plot_training_curves)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='the config of the training set')
    parser.add_argument(
        '--runs',
        nargs='*',
        default=[],
        metavar='NAME=TEST_WORK_DIR',
        help='tools/test.py work dirs (LongTailAccuracy results) to draw')
    parser.add_argument(
        '--train-dir', help='a tools/train.py work dir for the curves')
    parser.add_argument('--out-dir', required=True, help='where PNGs go')
    return parser.parse_args()


def shot_table(name: str, metrics: dict, counts, shot_options: dict) -> str:
    """One run's accuracies by shot group."""
    groups = shot_groups(counts, **shot_options)
    lines = [
        f'{name}: top-1 {metrics["lt/top1"]:.2f}, mean per-class '
        f'{metrics["lt/mean_class"]:.2f}'
    ]
    for group in SHOT_GROUPS:
        value = metrics.get(f'lt/{group}')
        shown = f'{value:6.2f}' if value is not None else ' empty'
        lines.append(f'  {group:<6} ({len(groups[group]):>3} classes) '
                     f'{shown}')
    return '\n'.join(lines)


def main() -> None:
    args = parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    cfg = Config.fromfile(args.config)
    counts, classes = class_counts_from_config(cfg)
    shot_options = shot_group_options(cfg)
    written = [osp.join(args.out_dir, 'class_counts.png')]
    plot_class_counts(counts, written[-1], classes, shot_options)
    runs = {}
    for item in args.runs:
        name, _, work_dir = item.partition('=')
        metrics = latest_test_metrics(work_dir)
        if metrics is None:
            raise SystemExit(f'--runs {item}: no LongTailAccuracy test '
                             f'results in {work_dir}')
        print(shot_table(name, metrics, counts, shot_options))
        runs[name] = metrics['lt/per_class']
    if runs:
        written.append(osp.join(args.out_dir, 'per_class_accuracy.png'))
        plot_per_class_accuracy(counts, runs, written[-1], classes,
                                shot_options)
    if args.train_dir:
        written.append(osp.join(args.out_dir, 'training_curves.png'))
        plot_training_curves(training_scalars(args.train_dir), written[-1])
    print('wrote ' + ', '.join(written))


if __name__ == '__main__':
    main()
