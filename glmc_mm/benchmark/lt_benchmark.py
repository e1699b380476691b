"""Run long-tailed methods side by side over seeds and summarise them.

A *method* is ``NAME=CONFIG``, or ``NAME=CONFIG@OTHER`` for a second stage
that starts from the final checkpoint of method ``OTHER`` with the same seed
and schedule (cRT: ``model.backbone.init_cfg.checkpoint`` is set to it).
Every (method, schedule length, seed) is one run of ``tools/train.py`` then
``tools/test.py`` in ``<work_dir>/<name>_e<epochs>_s<seed>``:

- the run's full options (config file, seed, ``--cfg-options``, the
  resolved config and the intra-op thread count) and its CPU are stored with
  it in ``benchmark_run.json`` before it starts, and a run is reused only
  with the same seed, schedule and resolved config, and continued only
  with the same thread count too (:class:`RunMismatchError` names the
  difference otherwise); where the config file and the work dir lie does
  not count, so a moved checkout or work dir keeps its runs, and nor does
  the CPU, which the report names;
- every record is checked before use (:mod:`.run_records`): a damaged one
  raises a :class:`~.run_records.RunRecordError` naming the file, the key
  and what to do;
- it checkpoints every ``checkpoint_interval`` epochs and a stopped run
  continues from its last checkpoint with MMEngine's resume, exactly as it
  would have gone on where its dataloaders have no workers (the default,
  :func:`worker_options`);
- a run whose test results exist is reused as it is;
- a finished run keeps the training class counts of its final checkpoint in
  ``class_counts.json``, so its report needs no checkpoint: the small files
  of finished runs (this one, ``benchmark_run.json``, ``wall_time.json``,
  ``test/`` and ``*/vis_data/scalars.json``) are all the report reads.
"""
import argparse
import json
import os
import os.path as osp
import re
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence

import numpy as np
from mmengine.config import Config
from mmengine.runner.checkpoint import CheckpointLoader

from ..engine.hooks.thread_settling_hook import default_intra_op_threads
from ..utils.runner_args import add_runner_args
from .cpu_name import cpu_name
from .run_records import (RunRecordError, check_class_counts, check_run_record,
                          check_wall_time, read_json, run_remedy)
from .run_results import (latest_test_record, median_iteration_time,
                          validation_history)

COLUMNS = ('top1', 'mean_class', 'many', 'medium', 'few')
COLUMN_TITLES = ('top-1', 'mean per-class', 'many', 'medium', 'few')
RECORD_FILE = 'benchmark_run.json'
WALL_TIME_FILE = 'wall_time.json'
CLASS_COUNTS_FILE = 'class_counts.json'
THREADS_NOTE = (': a run that is not finished continues only with the '
                'thread count it started with (OMP_NUM_THREADS, --parallel '
                'or --cpus-per-run)')
# a method name: a word character or + or - first, then those or dots
METHOD_NAME = re.compile(r'[\w+-][\w+.-]*')


class Method(NamedTuple):
    """One entry of a benchmark."""
    name: str
    config: str
    after: Optional[str] = None


class RunMismatchError(ValueError):
    """A run folder holds a run made with other options."""


def check_method_name(name: str, item: str) -> None:
    """Refuse a method name that is not a plain folder name (it names the
    run folders ``<work_dir>/<name>_e<E>_s<seed>``, the report's rows and
    the Slurm jobs): letters, digits and ``+ - _ .`` only, so no path
    separator (``/`` or ``\\``), no space, ``|`` or line end;
    not starting with ``.`` and no ``..`` anywhere, so that no run folder
    lies outside the work dir or hidden in it.

    Raises:
        ValueError: Naming the item, the name and the rule.
    """
    if not METHOD_NAME.fullmatch(name) or '..' in name:
        raise ValueError(
            f'--methods {item!r}: the method name {name!r} must be a plain '
            'folder name: letters, digits and + - _ . only, not starting '
            "with '.' nor holding '..' (it names the run folders "
            '<work-dir>/NAME_e<epochs>_s<seed>)')


def parse_methods(items: Sequence[str]) -> List[Method]:
    """Parse ``NAME=CONFIG[@OTHER]`` items, dependencies first.

    Args:
        items (Sequence[str]): The command-line items.

    Returns:
        list[Method]: The methods, each after the one it starts from.

    Raises:
        ValueError: Naming the item that is malformed, names a method that
            is not a plain folder name (:func:`check_method_name`) or no
            config file, or repeats a name; or where the ``@`` dependencies
            name no method or form a cycle.
    """
    methods: Dict[str, Method] = {}
    for item in items:
        name, sep, rest = item.partition('=')
        if not sep or not name or not rest:
            raise ValueError(f'--methods {item!r}: expected NAME=CONFIG or '
                             'NAME=CONFIG@OTHER')
        check_method_name(name, item)
        if name in methods:
            raise ValueError(f'--methods: the method name {name!r} is given '
                             'twice; names must be unique')
        config, _, after = rest.partition('@')
        if not osp.isfile(config):
            raise ValueError(f'--methods {item!r}: no config file {config}')
        methods[name] = Method(name, config, after or None)
    for method in methods.values():
        if method.after is not None and method.after not in methods:
            raise ValueError(
                f'--methods {method.name}=...@{method.after}: no method named '
                f'{method.after!r} (one of {sorted(methods)})')
        if method.after == method.name:
            raise ValueError(f'--methods {method.name} starts from itself')
    ordered: List[Method] = []
    while len(ordered) < len(methods):
        ready = [
            m for m in methods.values() if m not in ordered and (
                m.after is None or methods[m.after] in ordered)
        ]
        if not ready:
            raise ValueError('--methods: the @ dependencies form a cycle')
        ordered += ready
    return ordered


def _interval_options(length: int, val_interval: int,
                      checkpoint_interval: int) -> List[str]:
    """Validate every ``val_interval`` and checkpoint every
    ``checkpoint_interval`` epochs of a ``length``-epoch run (both also at
    the end), keeping the newest two checkpoints."""
    return [
        f'train_cfg.val_interval={min(val_interval, length)}',
        'default_hooks.checkpoint.interval='
        f'{min(checkpoint_interval, length)}',
        'default_hooks.checkpoint.max_keep_ckpts=2',
    ]


def schedule_options(cfg: Config, epochs: int, val_interval: int,
                     checkpoint_interval: int) -> List[str]:
    """``--cfg-options`` that set a config's training length to ``epochs``,
    with :func:`_interval_options`.

    The cosine length (``T_max`` or ``total_epochs``) and a
    ``DeferredReweightingHook`` start follow the new length in proportion.

    Args:
        cfg (Config): The config.
        epochs (int): The new number of epochs.
        val_interval (int): Epochs between validations.
        checkpoint_interval (int): Epochs between checkpoints.
    """
    old = cfg.train_cfg.max_epochs
    options = [
        f'train_cfg.max_epochs={epochs}',
        *_interval_options(epochs, val_interval, checkpoint_interval)
    ]
    scheduler = cfg.param_scheduler
    if isinstance(scheduler, dict):
        for key in ('T_max', 'total_epochs'):
            if key in scheduler:
                options.append(f'param_scheduler.{key}='
                               f'{round(scheduler[key] * epochs / old)}')
    for index, hook in enumerate(cfg.get('custom_hooks', [])):
        if hook.get('type') == 'DeferredReweightingHook':
            options.append(f'custom_hooks.{index}.start_epoch='
                           f'{round(hook.start_epoch * epochs / old)}')
    return options


def _flat(value, prefix: str = '') -> Iterator[tuple]:
    """``(dotted key, repr)`` of every leaf of a config value."""
    if isinstance(value, dict):
        for key in sorted(value, key=str):
            yield from _flat(value[key], f'{prefix}{key}.')
    elif isinstance(value, (list, tuple)) and any(
            isinstance(v, (dict, list, tuple)) for v in value):
        for index, item in enumerate(value):
            yield from _flat(item, f'{prefix}{index}.')
    else:
        yield prefix.rstrip('.'), repr(value)


def _merge_options(cfg: Config, options: Sequence[str]) -> None:
    """Merge ``--cfg-options`` into ``cfg`` as ``tools/train.py`` does."""
    parser = argparse.ArgumentParser()
    add_runner_args(parser)
    cfg.merge_from_dict(
        parser.parse_args(['--cfg-options', *options]).cfg_options)


class Run(NamedTuple):
    """One (method, schedule, seed) of a benchmark, resolved."""
    method: Method
    epochs: int
    seed: int
    run_dir: str
    options: List[str]
    max_epochs: int
    record: dict


def worker_options(cfg: Config, workers: int) -> List[str]:
    """``--cfg-options`` that give each of the config's dataloaders
    ``workers`` worker processes, kept alive between epochs where there are
    any (as ``tools/train.py`` does by default).

    With ``workers=0`` the data augmentation draws from the main process's
    generators, whose states checkpoints carry (:class:`RandomStateHook`), so
    a resumed run trains exactly as an uninterrupted one. A worker's
    generator is seeded when the worker starts and is in no checkpoint, so
    with workers a resumed run draws other augmentations from its resumed
    epoch on.
    """
    return [
        f'{loader}.{key}={value}'
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
        if cfg.get(loader)
        for key, value in (('num_workers', workers), ('persistent_workers',
                                                      workers > 0))
    ]


def plan_run(method: Method,
             epochs: int,
             seed: int,
             work_dir: str,
             extra_options: Sequence[str] = (),
             val_interval: int = 10,
             checkpoint_interval: int = 1,
             workers: int = 0,
             threads: Optional[int] = None) -> Run:
    """Resolve one run's options and config, so that a bad option fails
    before any training.

    Args:
        method (Method): The method.
        epochs (int): The schedule length (of the first stage for a method
            with ``after``, which keeps its own length).
        seed (int): ``randomness.seed``.
        work_dir (str): The benchmark's work dir.
        extra_options (Sequence[str]): More ``--cfg-options`` for every run.
        val_interval (int): Epochs between validations.
        checkpoint_interval (int): Epochs between checkpoints.
        workers (int): Dataloader workers (:func:`worker_options`); 0, the
            default, keeps a resumed run exact.
        threads (int, optional): The run's intra-op threads where it runs
            in a share of the machine (``--parallel``); None for this
            process's :func:`default_intra_op_threads`.
    """
    run_dir = osp.join(work_dir, f'{method.name}_e{epochs}_s{seed}')
    # the record's work dir, from which a stage-2 run's first-stage
    # checkpoint path is built, so that it reads as ``<work-dir>`` there
    root = osp.abspath(work_dir)
    cfg = Config.fromfile(method.config)
    options = [
        f'randomness.seed={seed}', *worker_options(cfg, workers),
        *extra_options
    ]
    if method.after is None:
        options += schedule_options(cfg, epochs, val_interval,
                                    checkpoint_interval)
    else:
        first = osp.join(root, f'{method.after}_e{epochs}_s{seed}',
                         f'epoch_{epochs}.pth')
        options += [
            *_interval_options(cfg.train_cfg.max_epochs, val_interval,
                               checkpoint_interval),
            f'model.backbone.init_cfg.checkpoint={first}'
        ]
    _merge_options(cfg, options)
    record = dict(
        config=osp.abspath(method.config),
        work_dir=root,
        seed=seed,
        epochs=epochs,
        options=options,
        intra_op_threads=threads or default_intra_op_threads(),
        cpu=cpu_name(),
        resolved=dict(_flat(cfg.to_dict())))
    return Run(method, epochs, seed, run_dir, options,
               cfg.train_cfg.max_epochs, record)


def _in_work_dir(record: dict, work_dir: str) -> Dict[str, str]:
    """The record's resolved config with its work dir (a stage-2 run's
    first-stage checkpoint lies there) written as ``<work-dir>``; a record
    that names no work dir was made in ``work_dir``."""
    prefix = record.get('work_dir', work_dir) + os.sep
    return {
        key: value.replace(prefix, '<work-dir>' + os.sep)
        for key, value in record.get('resolved', {}).items()
    }


def _hooks_by_type(resolved: Dict[str, str]) -> Dict[str, str]:
    """The flat resolved config with each ``custom_hooks.<i>.<field>``
    keyed ``custom_hooks[<type>].<field>`` (``<type>#2`` for a second hook
    of a type; ``custom_hooks[<type>]`` says it is there) and their order
    as ``custom_hooks (order)``: a hook added or removed is one
    difference, not one per hook after it."""
    hooks: Dict[str, Dict[str, str]] = {}
    other = {}
    for key, value in resolved.items():
        parts = key.split('.', 2)
        if parts[0] == 'custom_hooks' and len(parts) > 1 and (
                parts[1].isdigit()):
            hooks.setdefault(parts[1],
                             {})[parts[2] if len(parts) > 2 else ''] = value
        else:
            other[key] = value
    names: List[str] = []
    for index in sorted(hooks, key=int):
        kind = hooks[index].get('type', repr(index)).strip("'")
        name = kind if kind not in names else f'{kind}#{names.count(kind)+1}'
        names.append(name)
        other[f'custom_hooks[{name}]'] = 'present'
        for field, value in hooks[index].items():
            if field != 'type':
                other[f'custom_hooks[{name}].{field}'] = value
    if names:
        other['custom_hooks (order)'] = ', '.join(names)
    return other


def _differences(stored: dict,
                 wanted: dict,
                 keys: Sequence[str],
                 most: int = 5) -> List[str]:
    lines = []
    for key in keys:
        if stored[key] != wanted[key]:
            lines.append(f'{key}: {stored[key]!r} (stored) vs '
                         f'{wanted[key]!r} (now)' +
                         (THREADS_NOTE if key == 'intra_op_threads' else ''))
    old = _hooks_by_type(_in_work_dir(stored, wanted['work_dir']))
    new = _hooks_by_type(_in_work_dir(wanted, wanted['work_dir']))
    for key in sorted(set(old) | set(new)):
        if key == 'custom_hooks (order)':
            # the order of the hooks both have, an added one named apart
            both = [[h for h in o.get(key, '').split(', ') if h in n]
                    for o, n in ((old, new), (new, old))]
            if both[0] == both[1]:
                continue
        if old.get(key) != new.get(key):
            lines.append(f'{key}: {old.get(key, "(absent)")} (stored) vs '
                         f'{new.get(key, "(absent)")} (now)')
    if len(lines) > most:
        lines = lines[:most] + [f'... and {len(lines) - most} more']
    return lines


def stored_record(run: Run) -> Optional[dict]:
    """The record stored in the run folder (the options, and the CPU of the
    run's latest start), checked (:func:`check_run_record`), or None.

    Raises:
        RunRecordError: Where it is damaged.
    """
    path = osp.join(run.run_dir, RECORD_FILE)
    if not osp.isfile(path):
        return None
    return check_run_record(read_json(path, run_remedy(run.run_dir)), path)


def option_differences(run: Run, training: bool = True) -> List[str]:
    """How the options stored in the run folder differ from the run's: the
    seed, schedule or resolved config, and, where it is to be trained (not
    finished, and ``training``), the intra-op thread count (a finished
    run's thread count, like its CPU, changes nothing that is still to do);
    none where the folder holds no run yet.

    Args:
        run (Run): The run, from :func:`plan_run`.
        training (bool): Whether the run is to be trained or tested where
            it is not finished; False for ``--report``, which only reads
            finished runs.

    Raises:
        RunMismatchError: Where the folder holds files but no record.
        RunRecordError: Where one of its records is damaged.
    """
    stored = stored_record(run)
    if stored is None:
        if osp.isdir(run.run_dir) and os.listdir(run.run_dir):
            raise RunMismatchError(
                f'{run.run_dir} holds files but no {RECORD_FILE}, so its '
                'options are unknown; move it away or choose another '
                '--work-dir')
        return []
    keys = ['seed', 'epochs']
    if training and finished_results(run) is None:
        keys.append('intra_op_threads')
    return _differences(stored, run.record, keys)


def check_run_dir(run: Run, training: bool = True) -> None:
    """Refuse a run folder that holds a run made with other options
    (:func:`option_differences`).

    Raises:
        RunMismatchError: Naming the folder and the differences.
        RunRecordError: Where one of its records is damaged.
    """
    differences = option_differences(run, training)
    if differences:
        raise RunMismatchError(
            f'{run.run_dir} holds a run made with other options; move it '
            'away or choose another --work-dir to run with these:\n  ' +
            '\n  '.join(differences))


def final_checkpoint(run: Run) -> str:
    return osp.join(run.run_dir, f'epoch_{run.max_epochs}.pth')


def last_checkpoint(run_dir: str) -> Optional[str]:
    path = osp.join(run_dir, 'last_checkpoint')
    if not osp.isfile(path):
        return None
    with open(path) as f:
        checkpoint = f.read().strip()
    return checkpoint if osp.isfile(checkpoint) else None


def _wall_time(run_dir: str) -> dict:
    """The run's ``wall_time.json``, checked (:func:`check_wall_time`)."""
    path = osp.join(run_dir, WALL_TIME_FILE)
    if not osp.isfile(path):
        return dict(segments=[])
    return check_wall_time(read_json(path, run_remedy(run_dir)), path)


def write_json(path: str, data: dict) -> None:
    """Write ``data`` to ``path`` whole or not at all (a kill mid-write
    leaves the old file)."""
    with open(path + '.tmp', 'w') as f:
        json.dump(data, f, indent=1)
    os.replace(path + '.tmp', path)


def open_segment(run_dir: str, what: str) -> None:
    """Record that ``what`` starts, with no length yet: a segment that is
    killed (SIGKILL, the end of a session) keeps ``None``, its time lost."""
    timing = _wall_time(run_dir)
    timing['segments'].append([what, None])
    write_json(osp.join(run_dir, WALL_TIME_FILE), timing)


def close_segment(run_dir: str, seconds: float) -> None:
    timing = _wall_time(run_dir)
    timing['segments'][-1][1] = round(seconds, 1)
    write_json(osp.join(run_dir, WALL_TIME_FILE), timing)


def _test_remedy(run: Run) -> str:
    """What to do with a run's damaged test results."""
    return (f'delete {osp.abspath(osp.join(run.run_dir, "test"))} and the '
            'next start of lt_benchmark.py tests the run again from its '
            f'final checkpoint, or {run_remedy(run.run_dir)}')


def finished_results(run: Run) -> Optional[dict]:
    """The test metrics of a finished run, with ``wall_time_s`` (all its
    timed segments; left out where one was killed, so its time is unknown),
    ``iteration_s`` (the median logged training iteration time),
    ``segments`` and ``test_file`` (the file of the metrics); None while it
    is not finished. The metrics are read only once a test has ended
    (``wall_time.json``), so a test still writing them is not read.

    Raises:
        RunRecordError: Where a record the run keeps is damaged.
    """
    segments = _wall_time(run.run_dir)['segments']
    if not any(w == 'test' and s is not None for w, s in segments):
        return None
    found = latest_test_record(
        osp.join(run.run_dir, 'test'), remedy=_test_remedy(run))
    if found is None:
        return None
    test_file, metrics = found
    results = {
        **metrics, 'segments': sum(w == 'train' for w, _ in segments),
        'test_file': test_file
    }
    if all(s is not None for _, s in segments):
        results['wall_time_s'] = sum(s for _, s in segments)
    iteration = median_iteration_time(run.run_dir, run_remedy(run.run_dir))
    if iteration is not None:
        results['iteration_s'] = iteration
    return results


def run_history(run: Run) -> Dict[int, dict]:
    """The run's validations by epoch, a second stage's counted on from
    the end of its first stage (so cRT's curve continues CE's)."""
    offset = run.epochs if run.method.after else 0
    return {
        epoch + offset: record
        for epoch, record in validation_history(
            run.run_dir, remedy=run_remedy(run.run_dir)).items()
    }


def run_class_counts(run: Run) -> tuple:
    """``(class_counts, classes)`` of the data the run trained on: those its
    ``class_counts.json`` keeps (checked: :func:`check_class_counts`), else
    those of its final checkpoint (MMEngine saves the training set's
    ``dataset_meta``).

    Raises:
        RunRecordError: Where ``class_counts.json`` is damaged, or where
            there is neither it nor the final checkpoint.
    """
    kept = osp.join(run.run_dir, CLASS_COUNTS_FILE)
    if osp.isfile(kept):
        return check_class_counts(
            read_json(kept, run_remedy(run.run_dir)), kept)
    if not osp.isfile(final_checkpoint(run)):
        raise RunRecordError(
            f'{run.run_dir} holds neither {CLASS_COUNTS_FILE} nor its final '
            f'checkpoint {osp.basename(final_checkpoint(run))}, so the class '
            f'counts it trained on are unknown; {run_remedy(run.run_dir)}')
    checkpoint = CheckpointLoader.load_checkpoint(
        final_checkpoint(run), map_location='cpu')
    meta = checkpoint['meta'].get('dataset_meta') or {}
    counts = checkpoint['state_dict'].get('train_class_counts')
    counts = meta.get('class_counts') if counts is None else counts.tolist()
    if counts is None:
        raise ValueError(f'{final_checkpoint(run)} records no training '
                         'class counts')
    classes = meta.get('classes')
    return check_class_counts(
        dict(
            class_counts=list(counts),
            classes=None if classes is None else list(classes)),
        final_checkpoint(run))


def mean_and_spread(values: Sequence[float]) -> tuple:
    """Mean and sample standard deviation (0 for a single value)."""
    values = np.asarray(values, dtype=np.float64)
    spread = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    return float(values.mean()), spread


def summarise(
    results: Dict[tuple, List[dict]],
    extra: Sequence[str] = ('wall_time_s', 'iteration_s')
) -> Dict[tuple, dict]:
    """``{(name, epochs): {column: (mean, std, n)}}`` over the seeds, for
    :data:`COLUMNS` and the keys ``extra``; a column absent from every run
    (an empty shot group) is left out."""
    keys = {column: f'lt/{column}' for column in COLUMNS}
    keys.update((key, key) for key in extra)
    table = {}
    for run_key, runs in results.items():
        row = {}
        for column, key in keys.items():
            values = [run[key] for run in runs if key in run]
            if values:
                row[column] = (*mean_and_spread(values), len(values))
        table[run_key] = row
    return table


def best_validated(histories: Dict[tuple, List[Dict[int, dict]]]) -> dict:
    """Per run, the validation with the highest top-1 (the authors'
    convention: the best epoch on the test split, which is optimistic),
    as ``{(name, epochs): [metrics with 'epoch', ...]}``."""
    best = {}
    for key, runs in histories.items():
        best[key] = []
        for history in runs:
            if history:
                epoch = max(history, key=lambda e: history[e]['lt/top1'])
                best[key].append({**history[epoch], 'epoch': epoch})
    return {key: runs for key, runs in best.items() if runs}


TIME_COLUMNS = (('wall_time_s', 'wall time per run (min)'),
                ('iteration_s', 's per iteration (median)'))


def _mean_cell(value: tuple, digits: int) -> str:
    """``mean ± sd`` of a ``(mean, sd, n)`` cell; the mean alone for one
    seed, whose sample standard deviation is undefined."""
    mean, spread, n = value
    return f'{mean:.{digits}f} ± {spread:.{digits}f}' if n > 1 \
        else f'{mean:.{digits}f}'


def _extra_cell(key: str, value: Optional[tuple]) -> str:
    if value is None:
        return '–'
    if key == 'wall_time_s':
        return f'{value[0] / 60:.1f}'
    if key == 'iteration_s':
        return f'{value[0]:.2f}'
    return _mean_cell(value, 0)


def markdown_table(table: Dict[tuple, dict],
                   last_columns: Sequence[tuple] = TIME_COLUMNS) -> str:
    """The results as a Markdown table: mean ± sample standard deviation
    over seeds, in % (the mean alone for one seed), then ``last_columns``
    as ``(key, title)``: the mean wall time of a run in minutes, the mean
    of the runs' median iteration times in seconds, or the best epoch
    (mean ± sd); '–' where a seed lacks the value (a run killed on the way
    has no known wall time)."""
    lines = [
        '| method | epochs | seeds | ' + ' | '.join(COLUMN_TITLES) + ' | ' +
        ' | '.join(title for _, title in last_columns) + ' |',
        '|---|---|---|' + '---|' * (len(COLUMNS) + len(last_columns))
    ]
    for (name, epochs), row in table.items():
        cells = [_mean_cell(row[c], 1) if c in row else '–' for c in COLUMNS]
        seeds = max(v[2] for v in row.values())
        cells += [
            _extra_cell(
                key, row[key] if row.get(key, (0, 0, 0))[2] == seeds else None)
            for key, _ in last_columns
        ]
        lines.append(f'| {name} | {epochs} | {seeds} | ' + ' | '.join(cells) +
                     ' |')
    return '\n'.join(lines)


def within_spread(table: Dict[tuple, dict]) -> List[str]:
    """Pairs of methods (same schedule, two seeds or more each) whose
    difference in a column is no larger than the spread of that difference
    over seeds, ``sqrt(std_a ** 2 + std_b ** 2)``: differences the seeds
    cannot tell."""
    notes = []
    keys = list(table)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if a[1] != b[1]:
                continue
            for column, title in zip(COLUMNS, COLUMN_TITLES):
                if column not in table[a] or column not in table[b]:
                    continue
                (mean_a, std_a, n_a), (mean_b, std_b, n_b) = (table[a][column],
                                                              table[b][column])
                if min(n_a, n_b) < 2:
                    continue  # one seed has no spread to compare with
                spread = float(np.hypot(std_a, std_b))
                if abs(mean_a - mean_b) <= spread:
                    notes.append(
                        f'{a[0]} vs {b[0]} ({a[1]} epochs), {title}: '
                        f'{mean_a:.1f} vs {mean_b:.1f}, difference '
                        f'{abs(mean_a - mean_b):.1f} <= spread {spread:.1f}')
    return notes
