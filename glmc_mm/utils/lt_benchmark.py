"""Run long-tailed methods side by side over seeds and summarise them.

A *method* is ``NAME=CONFIG``, or ``NAME=CONFIG@OTHER`` for a second stage
that starts from the final checkpoint of method ``OTHER`` with the same seed
and schedule (cRT: ``model.backbone.init_cfg.checkpoint`` is set to it).
Every (method, schedule length, seed) is one run of ``tools/train.py`` then
``tools/test.py`` in ``<work_dir>/<name>_e<epochs>_s<seed>``; a run whose test
results exist is skipped, so a benchmark can be stopped and started again.
"""
import json
import os.path as osp
import subprocess
import sys
import time
from typing import Dict, List, NamedTuple, Optional, Sequence

import numpy as np

from .run_results import latest_test_metrics

COLUMNS = ('top1', 'mean_class', 'many', 'medium', 'few')
COLUMN_TITLES = ('top-1', 'mean per-class', 'many', 'medium', 'few')


class Method(NamedTuple):
    """One entry of a benchmark."""
    name: str
    config: str
    after: Optional[str] = None


def parse_methods(items: Sequence[str]) -> List[Method]:
    """Parse ``NAME=CONFIG[@OTHER]`` items, dependencies first.

    Args:
        items (Sequence[str]): The command-line items.

    Returns:
        list[Method]: The methods, each after the one it starts from.
    """
    methods: Dict[str, Method] = {}
    for item in items:
        name, sep, rest = item.partition('=')
        if not sep or not name or not rest:
            raise ValueError(f'--methods {item!r}: expected NAME=CONFIG or '
                             'NAME=CONFIG@OTHER')
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


def schedule_options(config: str, epochs: int) -> List[str]:
    """``--cfg-options`` that set a config's training length to ``epochs``,
    validating and checkpointing once at the end.

    The cosine length (``T_max`` or ``total_epochs``) and a
    ``DeferredReweightingHook`` start follow the new length in proportion.

    Args:
        config (str): The config.
        epochs (int): The new number of epochs.
    """
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    old = cfg.train_cfg.max_epochs
    options = [
        f'train_cfg.max_epochs={epochs}', f'train_cfg.val_interval={epochs}',
        f'default_hooks.checkpoint.interval={epochs}'
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


def _last_checkpoint(work_dir: str) -> str:
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def run_method(method: Method, epochs: int, seed: int, work_dir: str,
               tools_dir: str, extra_options: Sequence[str] = ()) -> dict:
    """Train and test one run unless its results exist.

    Args:
        method (Method): The method.
        epochs (int): The schedule length (of the first stage for a method
            with ``after``, which keeps its own length).
        seed (int): ``randomness.seed``.
        work_dir (str): The benchmark's work dir.
        tools_dir (str): Where ``train.py`` and ``test.py`` are.
        extra_options (Sequence[str]): More ``--cfg-options``.

    Returns:
        dict: The test metrics, plus ``wall_time_s`` of training and testing.
    """
    run_dir = osp.join(work_dir, f'{method.name}_e{epochs}_s{seed}')
    metrics = latest_test_metrics(osp.join(run_dir, 'test'))
    timing = osp.join(run_dir, 'wall_time.json')
    if metrics is not None and osp.isfile(timing):
        with open(timing) as f:
            return {**metrics, **json.load(f)}
    options = [f'randomness.seed={seed}', *extra_options]
    if method.after is None:
        options += schedule_options(method.config, epochs)
    else:
        first = osp.join(work_dir, f'{method.after}_e{epochs}_s{seed}')
        options.append('model.backbone.init_cfg.checkpoint='
                       f'{_last_checkpoint(first)}')
    start = time.perf_counter()
    subprocess.run([
        sys.executable, osp.join(tools_dir, 'train.py'), method.config,
        '--work-dir', run_dir, '--cfg-options', *options
    ], check=True)
    subprocess.run([
        sys.executable, osp.join(tools_dir, 'test.py'), method.config,
        _last_checkpoint(run_dir), '--work-dir', osp.join(run_dir, 'test'),
        '--cfg-options', *options
    ], check=True)
    wall = {'wall_time_s': round(time.perf_counter() - start, 1)}
    with open(timing, 'w') as f:
        json.dump(wall, f)
    return {**latest_test_metrics(osp.join(run_dir, 'test')), **wall}


def mean_and_spread(values: Sequence[float]) -> tuple:
    """Mean and sample standard deviation (0 for a single value)."""
    values = np.asarray(values, dtype=np.float64)
    spread = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    return float(values.mean()), spread


def summarise(results: Dict[tuple, List[dict]]) -> Dict[tuple, dict]:
    """``{(name, epochs): {column: (mean, std, n)}}`` over the seeds; a
    column absent from every run (an empty shot group) is left out."""
    keys = {column: f'lt/{column}' for column in COLUMNS}
    keys['wall_time_s'] = 'wall_time_s'
    table = {}
    for run_key, runs in results.items():
        row = {}
        for column, key in keys.items():
            values = [run[key] for run in runs if key in run]
            if values:
                row[column] = (*mean_and_spread(values), len(values))
        table[run_key] = row
    return table


def markdown_table(table: Dict[tuple, dict]) -> str:
    """The results as a Markdown table: mean ± sample standard deviation
    over seeds, in %, and the mean wall time of a run."""
    lines = [
        '| method | epochs | seeds | ' + ' | '.join(COLUMN_TITLES) +
        ' | wall time per run (min) |',
        '|---|---|---|' + '---|' * (len(COLUMNS) + 1)
    ]
    for (name, epochs), row in table.items():
        cells = [
            f'{row[c][0]:.1f} ± {row[c][1]:.1f}' if c in row else '–'
            for c in COLUMNS
        ]
        wall = row.get('wall_time_s')
        wall_cell = f'{wall[0] / 60:.1f}' if wall else '–'
        seeds = max(v[2] for v in row.values())
        lines.append(f'| {name} | {epochs} | {seeds} | ' +
                     ' | '.join(cells) + f' | {wall_cell} |')
    return '\n'.join(lines)


def within_spread(table: Dict[tuple, dict]) -> List[str]:
    """Pairs of methods (same schedule) whose difference in a column is no
    larger than the spread of that difference over seeds,
    ``sqrt(std_a ** 2 + std_b ** 2)``: differences the seeds cannot tell."""
    notes = []
    keys = list(table)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if a[1] != b[1]:
                continue
            for column, title in zip(COLUMNS, COLUMN_TITLES):
                if column not in table[a] or column not in table[b]:
                    continue
                (mean_a, std_a, _), (mean_b, std_b, _) = (table[a][column],
                                                          table[b][column])
                spread = float(np.hypot(std_a, std_b))
                if abs(mean_a - mean_b) <= spread:
                    notes.append(
                        f'{a[0]} vs {b[0]} ({a[1]} epochs), {title}: '
                        f'{mean_a:.1f} vs {mean_b:.1f}, difference '
                        f'{abs(mean_a - mean_b):.1f} <= spread {spread:.1f}')
    return notes
