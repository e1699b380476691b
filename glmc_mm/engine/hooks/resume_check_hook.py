"""Refuse a resume whose config the checkpoint's saved state would
override."""
from typing import Any, Dict, Iterator, List, Optional, Tuple

from mmengine.hooks import Hook
from mmengine.optim import BaseOptimWrapper
from mmengine.runner import EpochBasedTrainLoop
from mmpretrain.registry import HOOKS

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
    what MMEngine's resume takes from the checkpoint.

    MMEngine's ``Runner.resume`` builds the loop from the config (its
    ``max_epochs`` / ``max_iters``) but loads the parameter schedulers'
    state, the optimizer's hyper-parameters and the random seed from the
    checkpoint, over the config's. A resume with ``max_epochs`` 2 -> 4 and
    ``T_max=4`` therefore runs epochs 3-4 at the last lr of the 2-epoch
    cosine (its ``end`` is 2), while everything that reads the run's length
    (GLMC's ``alpha``, the DRW epoch) follows the new one; a changed
    ``weight_decay`` or ``lr`` is silently ignored, and the log looks
    normal. Before the runner loads that state (``after_load_checkpoint``
    of a resume), this hook compares

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

    and raises a :class:`ValueError` that lists every difference with both
    values. To train for another length, start a new run from the weights
    (``load_from``), which builds the optimizer and schedule afresh.
    """

    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        # a resume in a training run: the optimizer and schedulers are
        # built from the config and not yet overwritten
        if not (runner.cfg.get('resume')
                and isinstance(runner.optim_wrapper, BaseOptimWrapper)):
            return
        problems = [
            *self._length(runner, checkpoint),
            *self._param_schedulers(runner, checkpoint),
            *self._optimizer(runner, checkpoint),
            *self._seed(runner, checkpoint),
        ]
        if problems:
            source = runner.cfg.get('load_from') or (
                f'the last checkpoint in {runner.work_dir}')
            raise ValueError(
                f'Cannot resume from {source}: MMEngine would take these '
                'from the checkpoint over the config, so the run would not '
                f'be the one the config describes: {"; ".join(problems)}. '
                "Resume with the checkpoint's settings, or start a new run "
                'from its weights with load_from (the optimizer and schedule '
                'then start afresh).')

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
