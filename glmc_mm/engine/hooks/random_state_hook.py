"""Global random states saved in checkpoints and restored on resume."""
import numbers
import random
from typing import List, Optional

import numpy as np
import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from .loaded_checkpoint import loaded_checkpoint

CHECKPOINT_KEY = 'random_states'


def global_random_states() -> dict:
    """The main process's Python, NumPy and torch (CPU) generator states,
    as plain lists, ints and a tensor, which checkpoints load without
    unpickling anything else."""
    _, key, pos, has_gauss, cached_gaussian = np.random.get_state()
    version, internal, gauss = random.getstate()
    return dict(
        python=[version, list(internal), gauss],
        numpy=[key.tolist(),
               int(pos),
               int(has_gauss),
               float(cached_gaussian)],
        torch=torch.get_rng_state())


def _integer(field: str, value, high: int) -> Optional[str]:
    """Why ``value`` is not an integer in ``[0, high)``, or None."""
    if isinstance(value, bool) or not isinstance(
            value, numbers.Integral) or not 0 <= value < high:
        return f'{field} is {value!r}, expected an integer in [0, {high})'
    return None


def _integers(field: str,
              values,
              length: int,
              high: int,
              last_high: Optional[int] = None) -> Optional[str]:
    """Why ``values`` is not a list of ``length`` integers in ``[0, high)``
    (the last one in ``[0, last_high)`` where given), or None."""
    if not isinstance(values, (list, tuple)) or len(values) != length:
        held = f'{len(values)} items' if isinstance(
            values, (list, tuple)) else f'a {type(values).__name__}'
        return f'{field} holds {held}, expected a list of {length} integers'
    for i, value in enumerate(values):
        top = last_high if last_high is not None and i == length - 1 else high
        problem = _integer(f'{field}[{i}]', value, top)
        if problem:
            return problem
    return None


def _python_problem(state) -> Optional[str]:
    field = f'{CHECKPOINT_KEY}.python'
    version, internal, _ = random.getstate()
    if not isinstance(state, (list, tuple)) or len(state) != 3:
        return (f'{field} is {state!r:.80}, expected [version, internal '
                'state, gauss] as random.getstate() gives them')
    if state[0] != version:
        return f'{field}[0] is {state[0]!r}, expected {version}'
    if not (state[2] is None or isinstance(state[2], float)):
        return f'{field}[2] is {state[2]!r}, expected None or a float'
    # the Mersenne Twister's 624 words and its position, at most 624
    return _integers(f'{field}[1]', state[1], len(internal), 2**32,
                     len(internal))


def _numpy_problem(state) -> Optional[str]:
    field = f'{CHECKPOINT_KEY}.numpy'
    size = np.random.get_state()[1].size
    if not isinstance(state, (list, tuple)) or len(state) != 4:
        return (f'{field} is {state!r:.80}, expected [key, pos, has_gauss, '
                'cached_gaussian] as np.random.get_state() gives them')
    problem = _integers(f'{field}[0]', state[0], size, 2**32)
    # the position in the key, at most its size; whether a gauss is cached
    for index, top in ((1, size + 1), (2, 2)):
        if problem is None:
            problem = _integer(f'{field}[{index}]', state[index], top)
    if problem is None and (isinstance(state[3], bool)
                            or not isinstance(state[3], numbers.Real)):
        problem = f'{field}[3] is {state[3]!r}, expected a float'
    return problem


def _torch_problem(state) -> Optional[str]:
    wanted = torch.get_rng_state()
    if isinstance(state, torch.Tensor) and state.dtype == wanted.dtype and \
            state.shape == wanted.shape:
        return None
    held = f'{state.dtype} of shape {tuple(state.shape)}' if isinstance(
        state, torch.Tensor) else f'a {type(state).__name__}'
    return (f'{CHECKPOINT_KEY}.torch is {held}, expected {wanted.dtype} of '
            f'shape {tuple(wanted.shape)} as torch.get_rng_state() gives it')


def random_state_problems(states) -> List[str]:
    """What keeps :func:`set_global_random_states` from restoring
    ``states``: the type, length and range of every part, checked against
    this process's own generators.

    Args:
        states: The ``random_states`` of a checkpoint.

    Returns:
        list[str]: Each bad field with what it holds and what is expected;
        empty when every generator can be restored.
    """
    if not isinstance(states, dict):
        return [
            f'{CHECKPOINT_KEY} is {states!r:.80} ({type(states).__name__}), '
            'expected a dict of the python, numpy and torch states'
        ]
    problems = []
    for key, problem_of in (('python', _python_problem),
                            ('numpy', _numpy_problem), ('torch',
                                                        _torch_problem)):
        problem = problem_of(states[key]) if key in states else (
            f'{CHECKPOINT_KEY}.{key} is missing')
        if problem:
            problems.append(problem)
    return problems


def set_global_random_states(states: dict) -> None:
    """Restore what :func:`global_random_states` returned (which
    :func:`random_state_problems` finds intact)."""
    version, internal, gauss = states['python']
    random.setstate((version, tuple(internal), gauss))
    key, pos, has_gauss, cached_gaussian = states['numpy']
    np.random.set_state(('MT19937', np.asarray(key, dtype=np.uint32), pos,
                         has_gauss, cached_gaussian))
    torch.set_rng_state(states['torch'])


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Continue the main process's global random streams across a resume.

    MMEngine's resume restores the weights, optimizer, schedulers, epoch and
    seed, and re-seeds the global generators from the seed, so a resumed run
    draws what a fresh run draws at its first epoch. What the main process
    draws from them then differs from the uninterrupted run: GLMC's mixing
    coefficient ``lam ~ Beta(a, a)`` and its CutMix box (NumPy), a
    mixing batch augment's draws. This hook saves the Python, NumPy and
    torch (CPU) generator states in every checkpoint (key
    ``random_states``) and restores them when training resumes from it, so
    that a killed and resumed run trains exactly as the uninterrupted one.
    The states of a resumed checkpoint are checked, all of them, as it is
    loaded (:func:`random_state_problems`), and a damaged part is refused
    with the file and the field named, before any generator is changed.

    Samplers with their own seeded generators (MMEngine's
    ``DefaultSampler``, :class:`RebalancedBatchSampler`) follow the epoch
    already. Dataloader workers do not: MMEngine seeds a worker's
    generators when the worker starts, and ``tools/train.py`` keeps workers
    alive between epochs, so their states after an epoch are in no
    checkpoint and a resumed run's workers draw other augmentations from
    the resumed epoch on. A run whose data are loaded in the main process
    (``num_workers=0``) resumes exactly. In a distributed run with
    ``randomness.diff_rank_seed=True`` every rank would get rank 0's
    states, so they are not restored there.
    """

    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self._loaded: Optional[dict] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[CHECKPOINT_KEY] = global_random_states()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        states = checkpoint.get(CHECKPOINT_KEY)
        if states is not None and runner.cfg.get('resume'):
            problems = random_state_problems(states)
            if problems:
                raise ValueError(
                    f'Cannot resume from {loaded_checkpoint(runner)}: its '
                    'global random states, which RandomStateHook saved and '
                    f'would restore, are damaged: {"; ".join(problems)}. '
                    'Nothing was restored.')
        self._loaded = states

    def before_train(self, runner) -> None:
        states, self._loaded = self._loaded, None
        if states is None or (runner.epoch == 0 and runner.iter == 0):
            return  # a fresh run, or weights loaded with load_from
        randomness = runner.cfg.get('randomness') or {}
        if randomness.get('diff_rank_seed') and runner.world_size > 1:
            runner.logger.warning(
                'RandomStateHook: randomness.diff_rank_seed=True, so the '
                'global random states saved by rank 0 are not restored; '
                'the resumed run draws from its re-seeded generators')
            return
        set_global_random_states(states)
        runner.logger.info('RandomStateHook: global random states restored '
                           f'from the checkpoint of iteration {runner.iter}')
