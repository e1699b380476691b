"""Benchmark long-tailed methods side by side: configs x seeds x schedule
lengths, resumable, with a mean ± spread table and plots.

Each method is ``NAME=CONFIG``, or ``NAME=CONFIG@OTHER`` for a second stage
(cRT) that starts from the final checkpoint of ``OTHER`` with the same seed
and schedule. Runs go to ``<work-dir>/<name>_e<epochs>_s<seed>``; finished
ones are skipped. Writes ``results.md`` (mean ± sample standard deviation
over seeds of top-1, mean per-class, many, medium and few-shot accuracy,
and the wall time of a run), ``per_class_e<epochs>.png`` and
``shot_groups_e<epochs>.png``, and prints where a difference is within the
spread over seeds.

Example::

    python tools/analysis_tools/lt_benchmark.py \\
        --methods CE=configs/glmc/ce_resnet32-w16_1xb64-30e_fashion-mnist-lt.py \\
                  GLMC=configs/glmc/glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py \\
                  cRT=configs/glmc/crt_resnet32-w16_1xb64-10e_fashion-mnist-lt.py@CE \\
        --seeds 0 1 2 --epochs 30
"""
import argparse
import os
import os.path as osp

import numpy as np
from mmengine.config import Config

from glmc_mm.datasets import class_counts_from_config
from glmc_mm.evaluation import SHOT_GROUPS, shot_group_options
from glmc_mm.utils.lt_benchmark import (markdown_table, parse_methods,
                                        run_method, summarise, within_spread)
from glmc_mm.visualization import (plot_per_class_accuracy,
                                   plot_shot_group_accuracy)

TOOLS = osp.dirname(osp.dirname(osp.abspath(__file__)))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--methods', nargs='+', required=True,
                        metavar='NAME=CONFIG[@OTHER]')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--epochs', type=int, nargs='+', required=True,
                        help='schedule lengths of the (first-stage) runs')
    parser.add_argument('--work-dir', default='work_dirs/lt_benchmark')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='key=value applied to every run')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        methods = parse_methods(args.methods)
    except ValueError as error:
        raise SystemExit(str(error)) from None
    os.makedirs(args.work_dir, exist_ok=True)
    results = {}
    for epochs in args.epochs:
        for seed in args.seeds:
            for method in methods:
                results.setdefault((method.name, epochs), []).append(
                    run_method(method, epochs, seed, args.work_dir, TOOLS,
                               args.cfg_options))
    order = {m.name: i for i, m in enumerate(methods)}
    results = dict(
        sorted(results.items(), key=lambda i: (i[0][1], order[i[0][0]])))
    table = summarise(results)
    notes = within_spread(table)
    text = markdown_table(table)
    if notes:
        text += '\n\nDifferences within the spread over seeds:\n' + '\n'.join(
            f'- {note}' for note in notes)
    print(text)
    with open(osp.join(args.work_dir, 'results.md'), 'w') as f:
        f.write(text + '\n')

    cfg = Config.fromfile(methods[0].config)
    counts, classes = class_counts_from_config(cfg)
    shot_options = shot_group_options(cfg)
    for epochs in args.epochs:
        per_class = {
            name: np.nanmean([[np.nan if a is None else a
                               for a in run['lt/per_class']] for run in runs],
                             axis=0)
            for (name, e), runs in results.items() if e == epochs
        }
        plot_per_class_accuracy(
            counts, per_class,
            osp.join(args.work_dir, f'per_class_e{epochs}.png'), classes,
            shot_options)
        plot_shot_group_accuracy(
            {
                name: {g: row[g][:2] for g in SHOT_GROUPS if g in row}
                for (name, e), row in table.items() if e == epochs
            }, osp.join(args.work_dir, f'shot_groups_e{epochs}.png'))


if __name__ == '__main__':
    main()
