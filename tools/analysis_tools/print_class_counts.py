"""Build a config's dataset and print its per-class counts and shot groups.

Example::

    python tools/analysis_tools/print_class_counts.py \
        configs/_base_/datasets/fashion-mnist-lt_glmc.py
"""
import argparse

from mmengine.config import Config

import glmc_mm  # noqa: F401  (registers the components)
from glmc_mm.datasets import class_counts_from_config
from glmc_mm.evaluation import SHOT_GROUPS, shot_group_options, shot_groups


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--split',
        choices=['train', 'val', 'test'],
        default='train',
        help='whose dataloader to build')
    return parser.parse_args()


def format_table(classes, counts, shot_options: dict) -> str:
    """The class-count table with shot groups and a summary."""
    groups = shot_groups(counts, **shot_options)
    group_of = {int(c): name for name in SHOT_GROUPS for c in groups[name]}
    width = max(len(str(name)) for name in classes)
    lines = [f'{"label":>5}  {"class":<{width}}  {"images":>7}  group']
    for label, (name, count) in enumerate(zip(classes, counts)):
        lines.append(f'{label:>5}  {str(name):<{width}}  {int(count):>7}  '
                     f'{group_of[label]}')
    factor = counts.max() / max(counts.min(), 1)
    shots = ', '.join(f'{name}-shot classes: {len(groups[name])}'
                      for name in SHOT_GROUPS)
    lines.append(f'total {int(counts.sum())} images in {len(counts)} '
                 f'classes, imbalance factor {factor:.1f}; {shots}')
    return '\n'.join(lines)


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    counts, classes = class_counts_from_config(cfg, args.split)
    print(f'{args.config} ({args.split}):')
    print(
        format_table(
            classes or range(len(counts)), counts, shot_group_options(cfg)))


if __name__ == '__main__':
    main()
