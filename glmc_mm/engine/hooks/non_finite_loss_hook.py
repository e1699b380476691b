"""Stop training at the first non-finite loss."""
from typing import Optional

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from .rank_agreement import gathered, on_any_rank, raise_on_every_rank


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
    costs no extra device synchronisation. In a distributed run the ranks
    agree on it (one one-element ``all_reduce`` per iteration) and every
    rank stops, naming the ranks whose loss is not finite.
    """

    priority = 'ABOVE_NORMAL'

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        finite = not outputs or 'loss' not in outputs or bool(
            torch.isfinite(torch.as_tensor(outputs['loss'])).all())
        if not on_any_rank(not finite):
            return
        terms = [] if finite else [
            f'rank {get_rank()}: ' + ', '.join(
                f'{name}={float(torch.as_tensor(value).detach().mean()):.4g}'
                for name, value in outputs.items())
        ]
        raise_on_every_rank(
            FloatingPointError(
                'The training loss is not finite at iteration '
                f'{runner.iter + 1} (epoch {runner.epoch + 1}, batch '
                f'{batch_idx + 1}): {"; ".join(gathered(terms))}. Training '
                'stopped; nothing of this iteration was saved. Check the '
                'learning rate, the loss weights and the data of this '
                'batch.'))
