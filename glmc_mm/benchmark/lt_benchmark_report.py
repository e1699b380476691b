"""The report of a long-tailed benchmark: tables, notes and pictures of the
runs finished so far."""
import os.path as osp
from typing import Dict, List, Sequence

import numpy as np

from ..evaluation import SHOT_GROUPS
from ..visualization import (plot_per_class_accuracy, plot_shot_group_accuracy,
                             plot_validation_curves)
from .lt_benchmark import (COLUMNS, Run, best_validated, finished_results,
                           markdown_table, run_class_counts, run_history,
                           stored_record, summarise, within_spread)

BEST_EPOCH_NOTE = (
    'Best validated epoch (the authors\' convention): per run, the '
    'validation with the highest top-1 on the test split, which is '
    'optimistic because the test split chose the epoch. The last column is '
    'the epoch chosen.')


def _curves(histories: Dict[str, List[Dict[int, dict]]]) -> dict:
    """``{name: {'epoch': (E,), column: (S, E)}}`` from the histories."""
    curves = {}
    for name, runs in histories.items():
        epochs = sorted({e for history in runs for e in history})
        if not epochs:
            continue
        curve = {'epoch': np.asarray(epochs)}
        for column in COLUMNS:
            key = f'lt/{column}'
            if any(key in record for h in runs for record in h.values()):
                curve[column] = np.array([[
                    h[e].get(key, np.nan) if e in h else np.nan for e in epochs
                ] for h in runs],
                                         dtype=float)
        curves[name] = curve
    return curves


def cpu_note(runs: Sequence[Run]) -> str:
    """The CPU the finished ``runs`` ran on (each run's latest start), or,
    where they ran on several, which runs ran on each: a run's exact
    figures depend on its CPU."""
    cpus: Dict[str, List[str]] = {}
    for run in runs:
        cpu = stored_record(run).get('cpu', 'not recorded')
        cpus.setdefault(
            cpu, []).append(f'{run.method.name} e{run.epochs} s{run.seed}')
    if len(cpus) == 1:
        return f'CPU: {next(iter(cpus))}.'
    return (f'The runs ran on {len(cpus)} kinds of CPU, and a run\'s exact '
            'figures depend on its CPU:\n' +
            '\n'.join(f'- {cpu}: {", ".join(names)}'
                      for cpu, names in cpus.items()))


def write_report(runs: Sequence[Run], work_dir: str,
                 shot_options: dict) -> str:
    """Write ``results.md``, ``per_class_e<E>.png``,
    ``shot_groups_e<E>.png`` and ``curves_e<E>.png`` for the finished
    runs, and return the Markdown.

    Args:
        runs (Sequence[Run]): The benchmark's runs, in table order.
        work_dir (str): The benchmark's work dir.
        shot_options (dict): The shot-group thresholds (of the config).
    """
    results: Dict[tuple, List[dict]] = {}
    histories: Dict[tuple, list] = {}
    finished: Dict[tuple, List[Run]] = {}
    for run in runs:
        key = (run.method.name, run.epochs)
        metrics = finished_results(run)
        if metrics is None:
            continue
        results.setdefault(key, []).append(metrics)
        finished.setdefault(key, []).append(run)
        histories.setdefault(key, []).append(run_history(run))
    if not results:
        text = 'No run has finished yet.'
    else:
        table = summarise(results)
        text = ('Last epoch: test accuracy (%), mean ± sample standard '
                'deviation over the seeds finished.\n\n' +
                markdown_table(table) + '\n\n' +
                cpu_note([r for rs in finished.values() for r in rs]))
        notes = within_spread(table)
        if notes:
            text += ('\n\nDifferences within the spread over seeds:\n' +
                     '\n'.join(f'- {note}' for note in notes))
        best = best_validated(histories)
        if best:
            text += ('\n\n' + BEST_EPOCH_NOTE + '\n\n' + markdown_table(
                summarise(best, extra=('epoch', )), (('epoch', 'epoch'), )))
        per_epochs = sorted({e for _, e in results})
        for epochs in per_epochs:
            keys = [k for k in results if k[1] == epochs]
            counts, classes = run_class_counts(finished[keys[0]][0])
            plot_per_class_accuracy(
                counts, {
                    name:
                    np.nanmean([[
                        np.nan if a is None else a for a in run['lt/per_class']
                    ] for run in results[(name, e)]],
                               axis=0)
                    for name, e in keys
                }, osp.join(work_dir, f'per_class_e{epochs}.png'), classes,
                shot_options)
            plot_shot_group_accuracy(
                {
                    name: {
                        g: table[(name, e)][g][:2]
                        for g in SHOT_GROUPS if g in table[(name, e)]
                    }
                    for name, e in keys
                }, osp.join(work_dir, f'shot_groups_e{epochs}.png'))
            curves = _curves({name: histories[(name, e)] for name, e in keys})
            if curves:
                plot_validation_curves(
                    curves, osp.join(work_dir, f'curves_e{epochs}.png'))
    with open(osp.join(work_dir, 'results.md'), 'w') as f:
        f.write(text + '\n')
    return text
