"""GLMC and its cross-entropy baseline side by side on the same long-tailed
data, backbone and schedule, for several schedule lengths and seeds.

Each run is ``tools/train.py`` then ``tools/test.py`` in
``<work-dir>/<method>_e<epochs>_s<seed>``; finished runs are skipped, so the
script can be stopped and started again. It writes ``results.md`` (mean over
seeds of top-1, mean per-class, many, medium and few-shot accuracy) and the
per-class accuracy plot of the longest schedule.

Example::

    python tools/analysis_tools/glmc_vs_ce.py --epochs 30 60 --seeds 0 1 2
"""
import argparse
import os.path as osp
import subprocess
import sys
from typing import Dict, List

import numpy as np
from mmengine.config import Config

import glmc_mm  # noqa: F401
from glmc_mm.datasets import class_counts_from_config
from glmc_mm.evaluation import shot_group_options
from glmc_mm.utils import latest_test_metrics
from glmc_mm.visualization import plot_per_class_accuracy

TOOLS = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = {
    'glmc': 'configs/glmc/glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py',
    'ce': 'configs/glmc/ce_resnet32-w16_1xb64-30e_fashion-mnist-lt.py',
}
COLUMNS = ('top1', 'mean_class', 'many', 'medium', 'few')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--epochs', type=int, nargs='+', default=[30, 60])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    parser.add_argument('--glmc-config', default=CONFIGS['glmc'])
    parser.add_argument('--ce-config', default=CONFIGS['ce'])
    parser.add_argument('--work-dir', default='work_dirs/glmc_vs_ce')
    return parser.parse_args()


def run(config: str, work_dir: str, epochs: int, seed: int) -> dict:
    """Train and test one run, unless it already finished."""
    metrics = latest_test_metrics(osp.join(work_dir, 'test'))
    if metrics is not None:
        return metrics
    options = [
        f'train_cfg.max_epochs={epochs}', f'train_cfg.val_interval={epochs}',
        f'param_scheduler.T_max={epochs}', f'randomness.seed={seed}',
        f'default_hooks.checkpoint.interval={epochs}'
    ]
    subprocess.run([
        sys.executable, osp.join(TOOLS, 'train.py'), config, '--work-dir',
        work_dir, '--cfg-options', *options
    ], check=True)
    subprocess.run([
        sys.executable, osp.join(TOOLS, 'test.py'), config,
        osp.join(work_dir, f'epoch_{epochs}.pth'), '--work-dir',
        osp.join(work_dir, 'test')
    ], check=True)
    return latest_test_metrics(osp.join(work_dir, 'test'))


def main() -> None:
    args = parse_args()
    configs = {'glmc': args.glmc_config, 'ce': args.ce_config}
    results: Dict[tuple, List[dict]] = {}
    for epochs in args.epochs:
        for seed in args.seeds:
            for method, config in configs.items():
                work_dir = osp.join(args.work_dir,
                                    f'{method}_e{epochs}_s{seed}')
                results.setdefault((method, epochs), []).append(
                    run(config, work_dir, epochs, seed))
    lines = [
        f'| method | epochs | seeds | {" | ".join(COLUMNS)} |',
        '|---|---|---|' + '---|' * len(COLUMNS)
    ]
    for (method, epochs), runs in sorted(results.items(),
                                         key=lambda i: (i[0][1], i[0][0])):
        cells = []
        for column in COLUMNS:
            values = [r[f'lt/{column}'] for r in runs if f'lt/{column}' in r]
            spread = f' ± {np.std(values):.1f}' if len(values) > 1 else ''
            cells.append(f'{np.mean(values):.1f}{spread}' if values else '–')
        lines.append(f'| {method.upper()} | {epochs} | {len(runs)} | '
                     f'{" | ".join(cells)} |')
    table = '\n'.join(lines)
    print(table)
    with open(osp.join(args.work_dir, 'results.md'), 'w') as f:
        f.write(table + '\n')
    cfg = Config.fromfile(args.glmc_config)
    counts, classes = class_counts_from_config(cfg)
    longest = max(args.epochs)
    plot_per_class_accuracy(
        counts, {
            f'{method.upper()} {longest} epochs':
            np.nanmean([[np.nan if a is None else a
                         for a in r['lt/per_class']]
                        for r in results[(method, longest)]], axis=0)
            for method in configs
        }, osp.join(args.work_dir, f'per_class_e{longest}.png'), classes,
        shot_group_options(cfg))


if __name__ == '__main__':
    main()
