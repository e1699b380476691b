"""Refuse a resume whose config the checkpoint's saved state would
override, or whose training set is not the checkpoint's."""
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.optim import BaseOptimWrapper
from mmengine.runner import EpochBasedTrainLoop
from mmpretrain.registry import HOOKS

from ...datasets import get_class_counts
from ...utils.checkpoint_contents import checkpoint_weights
from ...utils.metainfo_keys import CLASS_COUNTS_KEY, TRAIN_CLASS_COUNTS_KEY
from ...utils.value_checks import check_number
from .loaded_checkpoint import loaded_checkpoint

# where ResumeCheckHook keeps the training set's settings in checkpoints
TRAIN_DATASET_KEY = 'train_dataset'
# settings of a dataset config that say how its images are read and
# augmented, not which images it holds
_READING_KEYS = frozenset({
    'pipeline', 'data_root', 'lazy_init', 'serialize_data', 'backend_args',
    'download', '_scope_'
})

# what a scheduler's state holds about its progress, not its schedule
_PROGRESS_KEYS = frozenset({
    'last_step', '_global_step', '_last_value', 'verbose',
    '_get_value_called_within_step', '_step_count'
})


def _schedulers(schedulers) -> Iterator[Tuple[str, Any]]:
    """``(name, scheduler or state)`` of a list, or a dict of lists (one per
    optimizer), of schedulers, named as in the config."""
    if isinstance(schedulers, dict):
        for key, group in schedulers.items():
            for i, scheduler in enumerate(group):
                yield f'param_scheduler.{key}[{i}]', scheduler
    else:
        for i, scheduler in enumerate(schedulers or []):
            yield f'param_scheduler[{i}]', scheduler


def _plain(value) -> Any:
    """``value`` as plain data, which compares by value and which
    ``weights_only`` loading accepts: dicts, lists, numbers, strings."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (np.ndarray, torch.Tensor)):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def subset_settings(dataset_cfg) -> Optional[dict]:
    """The settings of a training set's config that decide which images it
    holds: everything but how they are read and augmented
    (``pipeline``, ``data_root``, ...), at every level of wrapping; None
    for a dataset given as an object.

    Args:
        dataset_cfg: ``train_dataloader.dataset`` of a config.
    """
    if not isinstance(dataset_cfg, Mapping):
        return None

    def kept(value):
        if isinstance(value, Mapping):
            return {
                key: kept(item)
                for key, item in value.items() if key not in _READING_KEYS
            }
        if isinstance(value, list):
            return [kept(item) for item in value]
        return value

    return kept(_plain(dataset_cfg))


def _leaves(value, prefix: str) -> Dict[str, Any]:
    """``{dotted path: value}`` of every leaf of nested dicts."""
    if isinstance(value, dict) and value:
        return {
            path: leaf
            for key, item in value.items()
            for path, leaf in _leaves(item, f'{prefix}.{key}').items()
        }
    return {prefix: value}


def _changes(saved: Dict[str, Any], config: Dict[str, Any]) -> List[str]:
    """``'field: checkpoint A, config B'`` for every field whose value
    differs, or that only one side sets."""

    def shown(values: dict, field: str) -> str:
        return f'{values[field]!r:.300}' if field in values else '(not set)'

    return [
        f'{field}: checkpoint {shown(saved, field)}, config '
        f'{shown(config, field)}' for field in dict.fromkeys([*saved, *config])
        if saved.get(field, ...) != config.get(field, ...)
    ]


def _differences(field: str, saved: dict, config: dict,
                 skip: frozenset) -> List[str]:
    return [
        f'{field}.{key}: checkpoint {saved[key]!r}, config {config[key]!r}'
        for key in config
        if key in saved and key not in skip and saved[key] != config[key]
    ]


@HOOKS.register_module()
class ResumeCheckHook(Hook):
    """Refuse to resume a run whose config differs from the checkpoint's in
    what MMEngine's resume takes from the checkpoint, or in the training
    set.

    MMEngine's ``Runner.resume`` builds the loop from the config (its
    ``max_epochs`` / ``max_iters``) but loads the parameter schedulers'
    state, the optimizer's hyper-parameters and the random seed from the
    checkpoint, over the config's. A resume with ``max_epochs`` 2 -> 4 and
    ``T_max=4`` therefore runs epochs 3-4 at the last lr of the 2-epoch
    cosine (its ``end`` is 2), while everything that reads the run's length
    (GLMC's ``alpha``, the DRW epoch) follows the new one; a changed
    ``weight_decay`` or ``lr`` is silently ignored, and the log looks
    normal. It also continues the checkpoint's run on whatever training set
    the config builds (another ``imbalance_factor`` or subset ``seed``),
    with a warning about the dataset's meta information at most. Before
    the runner loads that state (``after_load_checkpoint`` of a resume),
    this hook checks that the values of the checkpoint it reads are numbers
    of the right kind (``meta.epoch``, ``meta.iter``, ``meta.seed``,
    ``message_hub.runtime_info.max_epochs`` / ``max_iters``; a
    :class:`ValueError` names the file, the field and the value
    otherwise), then compares

    - the run's length: ``max_epochs`` (or ``max_iters``) recorded in the
      checkpoint's message hub, with the config's, and the iterations per
      epoch (another batch size or number of processes would continue with
      the checkpoint's learning rate, unscaled);
    - every parameter scheduler's settings (``begin``, ``end``, ``T_max``,
      ``eta_min``, the base values, ...), and their number;
    - every optimizer parameter group's hyper-parameters (``initial_lr``,
      ``momentum``, ``weight_decay``, ...; ``lr`` itself is the schedule's
      current value), and their number;
    - ``randomness.seed``, where the config sets one;
    - the training set: the settings of ``train_dataloader.dataset`` that
      decide which images it holds (:func:`subset_settings`: e.g.
      ``imbalance_factor``, ``max_per_class`` and ``seed`` of
      ``LongTailDataset``; not how they are read, ``pipeline`` or
      ``data_root``), which this hook saves in every checkpoint under
      ``meta['train_dataset']``; the dataset's meta information that
      MMEngine saves in ``meta['dataset_meta']`` (the class names and
      counts); and the model's ``train_class_counts``, where recorded;

    and raises a :class:`ValueError` that lists every difference with both
    values. To train for another length or on another training set, start
    a new run from the weights (``load_from``), which builds the optimizer
    and schedule afresh.
    """

    priority = 'VERY_HIGH'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        loader = runner.cfg.get('train_dataloader') or {}
        settings = subset_settings(loader.get('dataset'))
        if settings is not None:
            checkpoint.setdefault('meta', {})[TRAIN_DATASET_KEY] = settings

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        # a resume in a training run: the optimizer and schedulers are
        # built from the config and not yet overwritten
        if not (runner.cfg.get('resume')
                and isinstance(runner.optim_wrapper, BaseOptimWrapper)):
            return
        source = loaded_checkpoint(runner)
        self._check_values(source, checkpoint)
        problems = [
            *self._length(runner, checkpoint),
            *self._param_schedulers(runner, checkpoint),
            *self._optimizer(runner, checkpoint),
            *self._seed(runner, checkpoint),
        ]
        dataset = self._training_set(runner, checkpoint)
        if not (problems or dataset):
            return
        reasons = []
        if problems:
            reasons.append(
                'MMEngine would take these from the checkpoint over the '
                'config, so the run would not be the one the config '
                f'describes: {"; ".join(problems)}.')
        if dataset:
            reasons.append(
                f'{"Its" if problems else "its"} training set differs from '
                "the config's, and MMEngine would continue its run on the "
                f'config\'s: {"; ".join(dataset)}.')
        raise ValueError(
            f'Cannot resume from {source}: {" ".join(reasons)} Resume with '
            "the checkpoint's settings, or start a new run from its weights "
            'with load_from (the optimizer and schedule then start afresh).')

    @staticmethod
    def _check_values(source: str, checkpoint: dict) -> None:
        """Refuse a checkpoint whose values that MMEngine's resume and this
        hook read are not integers of their range (a :class:`ValueError`
        for any kind of bad value: MMEngine's ``call_hook`` would add the
        hook's address to a :class:`TypeError`)."""
        meta = checkpoint.get('meta')
        hub = checkpoint.get('message_hub', {})
        info = hub.get('runtime_info', {}) if isinstance(hub, Mapping) else hub
        for field, value in (('meta', meta), ('message_hub', hub),
                             ('message_hub.runtime_info', info)):
            if not isinstance(value, Mapping):
                raise ValueError(f'{source}: {field} must be a dict, got '
                                 f'{value!r:.80} ({type(value).__name__})')
        numbers = [('meta.epoch', meta.get('epoch'), 0),
                   ('meta.iter', meta.get('iter'), 0)]
        if meta.get('seed') is not None:
            numbers.append(('meta.seed', meta['seed'], None))
        numbers += [(f'message_hub.runtime_info.{key}', info[key], 1)
                    for key in ('max_epochs', 'max_iters')
                    if info.get(key) is not None]
        for field, value, minimum in numbers:
            try:
                check_number(
                    source, field, value, minimum=minimum, integer=True)
            except TypeError as error:
                raise ValueError(str(error)) from None

    @staticmethod
    def _training_set(runner, checkpoint: dict) -> List[str]:
        meta = checkpoint['meta']
        problems = []
        saved = meta.get(TRAIN_DATASET_KEY)
        current = subset_settings(runner.cfg.train_dataloader.get('dataset'))
        if isinstance(saved, dict) and current is not None:
            old = _leaves(saved, 'train_dataloader.dataset')
            new = _leaves(current, 'train_dataloader.dataset')
            problems += _changes(old, new)
        dataset = runner.train_dataloader.dataset
        saved_meta = meta.get('dataset_meta')
        current_meta = getattr(dataset, 'metainfo', None)
        if isinstance(saved_meta, Mapping) and isinstance(
                current_meta, Mapping):
            problems += _changes(
                {
                    f'dataset_meta.{k}': v
                    for k, v in _plain(saved_meta).items()
                }, {
                    f'dataset_meta.{k}': v
                    for k, v in _plain(current_meta).items()
                })
        recorded = checkpoint_weights(checkpoint).get(TRAIN_CLASS_COUNTS_KEY)
        if isinstance(recorded, torch.Tensor) and bool(recorded.any()) and \
                not any(p.startswith(f'dataset_meta.{CLASS_COUNTS_KEY}:')
                        for p in problems):
            counts = get_class_counts(dataset).tolist()
            problems += _changes({TRAIN_CLASS_COUNTS_KEY: recorded.tolist()},
                                 {TRAIN_CLASS_COUNTS_KEY: counts})
        return problems

    @staticmethod
    def _length(runner, checkpoint: dict) -> List[str]:
        info = checkpoint.get('message_hub', {}).get('runtime_info', {})
        by_epoch = isinstance(runner.train_loop, EpochBasedTrainLoop)
        key = 'max_epochs' if by_epoch else 'max_iters'
        saved: Optional[int] = info.get(key)
        current = getattr(runner, key)
        problems = []
        if saved is not None and saved != current:
            problems.append(
                f'train_cfg.{key}: checkpoint {saved}, config {current}')
        if by_epoch and info.get('max_iters') and info.get('max_epochs'):
            saved_epoch = info['max_iters'] // info['max_epochs']
            epoch = len(runner.train_dataloader)
            if saved_epoch != epoch:
                problems.append(
                    f'iterations per epoch: checkpoint {saved_epoch}, config '
                    f'{epoch} (the batch size, the number of processes or '
                    'the training set differs)')
        return problems

    @staticmethod
    def _param_schedulers(runner, checkpoint: dict) -> List[str]:
        if 'param_schedulers' not in checkpoint or not runner.param_schedulers:
            return []
        saved = dict(_schedulers(checkpoint['param_schedulers']))
        config = {
            name: scheduler.state_dict()
            for name, scheduler in _schedulers(runner.param_schedulers)
        }
        if list(saved) != list(config):
            return [
                f'param_scheduler: checkpoint {len(saved)} schedulers '
                f'({", ".join(saved)}), config {len(config)} '
                f'({", ".join(config)})'
            ]
        return [
            problem
            for name, state in config.items() for problem in _differences(
                name, saved[name], state, _PROGRESS_KEYS)
        ]

    @staticmethod
    def _optimizer(runner, checkpoint: dict) -> List[str]:
        saved_state = checkpoint.get('optimizer')
        if not saved_state:
            return []
        config_state = runner.optim_wrapper.state_dict()
        if 'param_groups' not in config_state:  # one wrapper per optimizer
            pairs = [(f'optim_wrapper.{name}', saved_state.get(name,
                                                               {}), state)
                     for name, state in config_state.items()]
        else:
            pairs = [('optim_wrapper', saved_state, config_state)]
        problems: List[str] = []
        for field, saved, config in pairs:
            saved_groups = saved.get('param_groups', [])
            config_groups = config['param_groups']
            if len(saved_groups) != len(config_groups):
                problems.append(
                    f'{field}: checkpoint {len(saved_groups)} parameter '
                    f'groups, config {len(config_groups)}')
                continue
            for i, (old, new) in enumerate(zip(saved_groups, config_groups)):
                problems += _differences(f'{field}.param_groups[{i}]', old,
                                         new, frozenset({'params', 'lr'}))
        return problems

    @staticmethod
    def _seed(runner, checkpoint: dict) -> List[str]:
        saved = checkpoint.get('meta', {}).get('seed')
        current: Dict = runner.cfg.get('randomness') or {}
        wanted = current.get('seed')
        if saved is None or wanted is None or saved == wanted:
            return []
        return [f'randomness.seed: checkpoint {saved}, config {wanted}']
