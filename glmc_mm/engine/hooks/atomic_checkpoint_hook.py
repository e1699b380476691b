"""Checkpoints that a killed run cannot lose."""
import glob
import logging
import os
import os.path as osp
from collections import deque
from typing import List, Optional

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmengine.logging import print_log
from mmpretrain.registry import HOOKS

from ...compat import (DamagedCheckpointError, UnsafeCheckpointError,
                       load_from_local)
from ...fileio import PARTIAL_SUFFIX, AtomicLocalBackend
from .rank_agreement import from_rank_zero, raise_on_every_rank


def checkpoint_problem(path: str) -> Optional[str]:
    """Why ``path`` cannot be resumed from, or None if it is an intact
    checkpoint (it loads safely and holds ``state_dict`` and ``meta``).

    Args:
        path (str): The checkpoint file.
    """
    try:
        checkpoint = load_from_local(path, map_location='cpu')
    except (OSError, DamagedCheckpointError, UnsafeCheckpointError) as error:
        return str(error)
    if not (isinstance(checkpoint, dict) and 'state_dict' in checkpoint
            and 'meta' in checkpoint):
        return f'{path} holds no state_dict and meta'
    return None


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """MMEngine's :class:`CheckpointHook`, made safe against a run killed
    while it saves.

    - Every checkpoint is written atomically (``atomic_local`` file backend,
      :class:`AtomicLocalBackend`: temporary file, ``fsync``, rename).
    - With ``max_keep_ckpts``, the oldest checkpoint is removed only after
      the new one is complete (MMEngine removes it first, so a kill during
      the save can leave no checkpoint at all).
    - On an automatic ``--resume`` (``resume=True`` without ``load_from``),
      ``last_checkpoint`` is checked before the runner reads it: when it is
      missing, empty, or names a file that is not an intact checkpoint, it is
      pointed at the newest intact ``*.pth`` of the work dir, with a warning
      that names both. Leftover ``.partial`` files of a killed save are
      removed.
    - An epoch-based checkpoint is written when its epoch is complete: after
      the validation that follows the epoch, where one does (MMEngine writes
      it before). A run killed during a validation then resumes from the
      previous checkpoint and validates that epoch again, instead of
      continuing without it; and the saved random states
      (:class:`RandomStateHook`) are those the next epoch starts from.

    Args:
        *args: Arguments of :class:`CheckpointHook`.
        **kwargs: Arguments of :class:`CheckpointHook`. ``backend_args``
            defaults to ``dict(backend='atomic_local')``.
    """

    def __init__(self, *args, **kwargs) -> None:
        if kwargs.get('backend_args') is None and kwargs.get(
                'file_client_args') is None:
            kwargs['backend_args'] = dict(backend='atomic_local')
        super().__init__(*args, **kwargs)
        self._pending: Optional[tuple] = None

    def _save_checkpoint(self, runner) -> None:
        if not self.by_epoch:
            super()._save_checkpoint(runner)
            return
        # the runner's epoch counts this epoch as done from here on
        step = runner.epoch + 1
        self._pending = (step, dict(epoch=step, iter=runner.iter))

    def _flush(self, runner) -> None:
        if self._pending is not None:
            step, meta = self._pending
            self._pending = None
            self._save_checkpoint_with_step(runner, step, meta)

    def after_val_epoch(self, runner, metrics) -> None:
        self._flush(runner)
        super().after_val_epoch(runner, metrics)

    def before_train_epoch(self, runner) -> None:
        self._flush(runner)  # the epoch before did not validate

    def after_train(self, runner) -> None:
        self._flush(runner)
        super().after_train(runner)

    def before_run(self, runner) -> None:
        super().before_run(runner)
        if not runner.cfg.get('resume') or runner.cfg.get('load_from'):
            return
        refusal = None
        if is_main_process():
            for partial in glob.glob(
                    osp.join(runner.work_dir, f'.*{PARTIAL_SUFFIX}')):
                os.remove(partial)
                print_log(
                    f'Removed {partial}, left by a killed save.',
                    logger='current',
                    level=logging.WARNING)
            try:
                self._repair_last_checkpoint(runner.work_dir)
            except DamagedCheckpointError as error:
                refusal = str(error)
        # every rank then reads the repaired last_checkpoint, or refuses
        refusal = from_rank_zero(refusal)
        if refusal is not None:
            raise_on_every_rank(DamagedCheckpointError(refusal))

    @staticmethod
    def _repair_last_checkpoint(work_dir: str) -> None:
        pointer = osp.join(work_dir, 'last_checkpoint')
        named = ''
        if osp.isfile(pointer):
            with open(pointer) as f:
                named = f.read().strip()
            problem = checkpoint_problem(named) if named else (
                f'{pointer} is empty')
            if problem is None:
                return
        else:
            problem = f'there is no {pointer}'
        candidates: List[str] = sorted(
            glob.glob(osp.join(work_dir, '*.pth')),
            key=osp.getmtime,
            reverse=True)
        for candidate in candidates:
            if osp.abspath(candidate) == osp.abspath(named or pointer):
                continue
            if checkpoint_problem(candidate) is None:
                AtomicLocalBackend().put_text(candidate, pointer)
                print_log(
                    f'Resume: {problem}; resuming from {candidate}, the '
                    'newest intact checkpoint in the work dir.',
                    logger='current',
                    level=logging.WARNING)
                return
        if named or osp.isfile(pointer):
            raise DamagedCheckpointError(
                f'Resume: {problem}, and {work_dir} holds no other intact '
                'checkpoint. Remove last_checkpoint to train from scratch.')

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        keep = self.max_keep_ckpts
        remove: List[int] = []
        if keep > 0 and not (self.keep_ckpt_ids
                             and self.keep_ckpt_ids[-1] == step):
            kept = [*self.keep_ckpt_ids, step]
            remove, kept = kept[:-keep], kept[-keep:]
            # with ``step`` last, MMEngine takes it as already recorded and
            # removes nothing before it saves
            self.keep_ckpt_ids = deque(kept, keep)
            # saved in the new checkpoint, so a resumed run removes the rest
            runner.message_hub.update_info('keep_ckpt_ids', kept)
        super()._save_checkpoint_with_step(runner, step, meta)
        for old in remove:
            path = self.file_backend.join_path(self.out_dir,
                                               self.filename_tmpl.format(old))
            if is_main_process() and self.file_backend.isfile(path):
                self.file_backend.remove(path)
