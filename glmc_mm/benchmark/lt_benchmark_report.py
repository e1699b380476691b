"""The report of a long-tailed benchmark: tables, notes and pictures of the
runs finished so far."""
import os
import os.path as osp
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence

import numpy as np

from ..evaluation import SHOT_GROUPS
from ..visualization import (plot_per_class_accuracy, plot_shot_group_accuracy,
                             plot_validation_curves)
from .lt_benchmark import (CLASS_COUNTS_FILE, COLUMNS, Run, best_validated,
                           final_checkpoint, finished_results, markdown_table,
                           run_class_counts, run_history, stored_record,
                           summarise, within_spread)
from .run_records import RunRecordError, run_remedy

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


class Finished(NamedTuple):
    """What the report shows of the finished runs of one benchmark, each
    record read and checked (:func:`finished_runs`): by ``(name, epochs)``,
    the runs' test results, validation histories and runs; by schedule
    length, ``(class_counts, classes, the file they come from)``."""
    results: Dict[tuple, List[dict]]
    histories: Dict[tuple, List[Dict[int, dict]]]
    runs: Dict[tuple, List[Run]]
    class_counts: Dict[int, tuple]


def _check_per_class(run: Run, metrics: dict, counts: list,
                     source: str) -> None:
    """Refuse test results without per-class accuracies, or with another
    number of them than the class counts from ``source`` that the report
    draws them against."""
    per_class = metrics.get('lt/per_class')
    if per_class is None:
        raise RunRecordError(
            f'{metrics["test_file"]}: the test metrics hold no lt/per_class '
            '(the report draws it: test with LongTailAccuracy); '
            f'{run_remedy(run.run_dir)}')
    if len(per_class) != len(counts):
        raise RunRecordError(
            f'{metrics["test_file"]}: lt/per_class holds {len(per_class)} '
            f'per-class accuracies, but {source} holds {len(counts)} class '
            'counts; they must be as many (one per class the run trained '
            f'on); {run_remedy(run.run_dir)}')


def finished_runs(runs: Sequence[Run]) -> Finished:
    """Read every record of the finished ``runs`` and check them against
    each other: a run's per-class accuracies against its class counts, and
    the class counts (and names) of the runs of one schedule length, whose
    per-class plot draws them all against one set of counts.

    Args:
        runs (Sequence[Run]): The benchmark's runs, in table order.

    Raises:
        RunRecordError: Naming the file that is damaged or that disagrees,
            and what to do.
    """
    found = Finished({}, {}, {}, {})
    for run in runs:
        metrics = finished_results(run)
        if metrics is None:
            continue
        key = (run.method.name, run.epochs)
        found.results.setdefault(key, []).append(metrics)
        found.runs.setdefault(key, []).append(run)
        found.histories.setdefault(key, []).append(run_history(run))
        counts, classes = run_class_counts(run)
        source = osp.join(run.run_dir, CLASS_COUNTS_FILE)
        if not osp.isfile(source):
            source = final_checkpoint(run)
        _check_per_class(run, metrics, counts, source)
        first = found.class_counts.setdefault(run.epochs,
                                              (counts, classes, source))
        difference = _class_difference((counts, classes), first[:2])
        if difference:
            raise RunRecordError(
                f'{source} and {first[2]} differ: {difference}; the runs of '
                f'{run.epochs} epochs are drawn against one set of class '
                'counts, so they must have trained on the same classes; '
                f'{run_remedy(run.run_dir)}')
    return found


def _class_difference(these: tuple, those: tuple) -> str:
    """The first difference of two ``(class_counts, classes)``, or ''."""
    (counts, classes), (other_counts, other_classes) = these, those
    if len(counts) != len(other_counts):
        return f'{len(counts)} vs {len(other_counts)} classes'
    names = classes or [None] * len(counts)
    other_names = other_classes or [None] * len(counts)
    for index, pair in enumerate(
            zip(counts, other_counts, names, other_names)):
        if pair[0] != pair[1] or pair[2] != pair[3]:
            return (f'class {index} is {pair[2]!r} of {pair[0]} images vs '
                    f'{pair[3]!r} of {pair[1]} images')
    return ''


def _replace(path: str, write: Callable[[str], None]) -> None:
    """Write ``path`` whole or not at all through ``write(temporary
    path)``: two processes writing the report of one work dir leave one
    whole report or the other."""
    root, extension = osp.splitext(path)
    temporary = f'{root}.{os.getpid()}.tmp{extension}'
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if osp.exists(temporary):
            os.remove(temporary)


def _write_text(text: str) -> Callable[[str], None]:

    def write(path: str) -> None:
        with open(path, 'w') as f:
            f.write(text + '\n')

    return write


OTHER_OPTIONS_NOTE = (
    'Made with other options than the configs give now (reported as they '
    'were made; a training start refuses to reuse them):')


def write_report(runs: Sequence[Run],
                 work_dir: str,
                 shot_options: dict,
                 other_options: Optional[Dict[str, List[str]]] = None) -> str:
    """Write ``results.md``, ``per_class_e<E>.png``,
    ``shot_groups_e<E>.png`` and ``curves_e<E>.png`` for the finished
    runs, each whole or not at all, and return the Markdown.

    Args:
        runs (Sequence[Run]): The benchmark's runs, in table order.
        work_dir (str): The benchmark's work dir.
        shot_options (dict): The shot-group thresholds (of the config).
        other_options (dict, optional): ``{run folder: differences}`` of
            the runs made with other options than the configs give now
            (:func:`option_differences`), which ``--report`` reads as they
            are and names under the tables.

    Raises:
        RunRecordError: Where a finished run's record is damaged or
            disagrees with another (:func:`finished_runs`).
    """
    found = finished_runs(runs)
    results, histories, finished = found.results, found.histories, found.runs
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
        if other_options:
            text += (
                '\n\n' + OTHER_OPTIONS_NOTE + '\n' +
                '\n'.join(f'- {osp.basename(run_dir)}: {"; ".join(lines)}'
                          for run_dir, lines in sorted(other_options.items())))
        per_epochs = sorted({e for _, e in results})
        for epochs in per_epochs:
            keys = [k for k in results if k[1] == epochs]
            counts, classes, _ = found.class_counts[epochs]
            per_class = {
                name:
                np.nanmean(
                    [[np.nan if a is None else a for a in run['lt/per_class']]
                     for run in results[(name, e)]],
                    axis=0)
                for name, e in keys
            }
            _replace(
                osp.join(work_dir, f'per_class_e{epochs}.png'),
                lambda path: plot_per_class_accuracy(counts, per_class, path,
                                                     classes, shot_options))
            groups = {
                name: {
                    g: table[(name, e)][g][:2]
                    for g in SHOT_GROUPS if g in table[(name, e)]
                }
                for name, e in keys
            }
            _replace(
                osp.join(work_dir, f'shot_groups_e{epochs}.png'),
                lambda path: plot_shot_group_accuracy(groups, path))
            curves = _curves({name: histories[(name, e)] for name, e in keys})
            if curves:
                _replace(
                    osp.join(work_dir, f'curves_e{epochs}.png'),
                    lambda path: plot_validation_curves(curves, path))
    _replace(osp.join(work_dir, 'results.md'), _write_text(text))
    return text
