"""Stop training at the first non-finite loss."""
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop a run whose total loss becomes NaN or infinite.

    After every training iteration the total ``loss`` of the model's log
    variables is checked; a non-finite value raises a
    :class:`FloatingPointError` that names the iteration, the epoch and
    every logged loss term. It runs before :class:`CheckpointHook` (higher
    priority), so the broken weights of that iteration are never saved and
    earlier checkpoints stay as they were. The check reads a value the
    runtime-info hook already copies to the host every iteration, so it
    costs no extra device synchronisation.
    """

    priority = 'ABOVE_NORMAL'

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if not outputs or 'loss' not in outputs:
            return
        if bool(torch.isfinite(torch.as_tensor(outputs['loss'])).all()):
            return
        terms = ', '.join(
            f'{name}={float(torch.as_tensor(value).detach().mean()):.4g}'
            for name, value in outputs.items())
        raise FloatingPointError(
            f'The training loss is not finite at iteration {runner.iter + 1} '
            f'(epoch {runner.epoch + 1}, batch {batch_idx + 1}): {terms}. '
            'Training stopped; nothing of this iteration was saved. Check the '
            'learning rate, the loss weights and the data of this batch.')
