"""Global random states saved in checkpoints and restored on resume."""
import random
from typing import Optional

import numpy as np
import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

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


def set_global_random_states(states: dict) -> None:
    """Restore what :func:`global_random_states` returned."""
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
        self._loaded = checkpoint.get(CHECKPOINT_KEY)

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
