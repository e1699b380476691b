"""Stop an evaluation at the first prediction that is not finite."""
from typing import Optional, Sequence

import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...utils.shortened import shortened
from .rank_agreement import gathered, on_any_rank, raise_on_every_rank


@HOOKS.register_module()
class NonFinitePredictionHook(Hook):
    """Stop validation or testing at the first batch whose predicted scores
    are NaN or infinite.

    Weights that are all finite can still give non-finite logits (weights
    large enough to overflow, an input the data preprocessor divides by a
    zero ``std``), and their softmax is NaN. The metrics rank NaN scores
    as any others (``topk``), so the run would report figures and end
    normally. After every validation and test iteration this hook checks
    the ``pred_score`` of every sample and raises a
    :class:`FloatingPointError` that names the batch, its samples and the
    model: the checkpoint tested, or the epoch of training validated. In a
    distributed run the ranks agree on it (one one-element ``all_reduce``
    per iteration) and every rank stops.
    """

    priority = 'ABOVE_NORMAL'

    def after_val_iter(self,
                       runner,
                       batch_idx: int,
                       data_batch=None,
                       outputs: Optional[Sequence] = None) -> None:
        self._check(runner, 'val', batch_idx, outputs)

    def after_test_iter(self,
                        runner,
                        batch_idx: int,
                        data_batch=None,
                        outputs: Optional[Sequence] = None) -> None:
        self._check(runner, 'test', batch_idx, outputs)

    @staticmethod
    def _check(runner, mode: str, batch_idx: int,
               outputs: Optional[Sequence]) -> None:
        samples = [
            sample for sample in outputs or []
            if isinstance(sample.get('pred_score'), torch.Tensor)
        ]
        bad = []
        if samples:
            scores = torch.stack([s.get('pred_score') for s in samples])
            finite = torch.isfinite(scores).flatten(1).all(dim=1).tolist()
            for position, (sample, ok) in enumerate(zip(samples, finite)):
                if not ok:
                    index = sample.get('sample_idx', position)
                    path = sample.get('img_path')
                    bad.append(f'{index} ({path})' if path else str(index))
        if not on_any_rank(bool(bad)):
            return
        found = gathered(bad)
        load_from = runner.cfg.get('load_from')
        if mode == 'val' and runner.iter > 0:
            model = f'the model trained for {runner.epoch} epochs ' \
                f'({runner.iter} iterations)'
        elif load_from:
            model = f'the model loaded from {load_from}'
        else:
            model = 'the model of this config (no checkpoint loaded)'
        raise_on_every_rank(
            FloatingPointError(
                f'The predicted scores of {mode} batch {batch_idx + 1} are '
                f'not finite for {len(found)} samples (dataset indices '
                f'{shortened(found)}): {model} gives NaN or infinite '
                f'logits for them. The {mode} run stopped; no metric was '
                'computed. Check the checkpoint and the data preprocessor '
                '(mean, std) of this config.'))
