"""Refuse a checkpoint that does not fit the model, or holds values no
model can use."""
from typing import Sequence

from mmengine.hooks import Hook
from mmengine.optim import BaseOptimWrapper
from mmpretrain.registry import HOOKS

from ...models.utils import model_num_classes
from ...utils.checkpoint_contents import (check_checkpoint_contents,
                                          checkpoint_weights, fit_problems)
from .loaded_checkpoint import loaded_checkpoint
from .unwrapped_model import unwrapped_model


@HOOKS.register_module()
class StrictLoadHook(Hook):
    """Refuse to test, fine-tune or resume from a checkpoint whose weights
    do not fit the model, or that holds values no model can use.

    MMEngine's runner loads ``load_from`` and ``--resume`` checkpoints with
    ``strict=False``: a checkpoint of another ``num_classes`` or width is
    loaded with warnings and the run scores, or trains, a mostly random
    model; NaN weights and negative class counts are loaded as they are,
    and ``tools/test.py`` reports figures computed from them. Before the
    runner copies the weights (``after_load_checkpoint``), this hook

    - compares the checkpoint's ``state_dict`` with the model's
      (:func:`~glmc_mm.utils.checkpoint_contents.fit_problems`), listing the
      missing, unexpected and mis-shaped keys; ``optional_keys`` may be
      absent on either side;
    - checks the checkpoint's values
      (:func:`~glmc_mm.utils.checkpoint_contents.check_checkpoint_contents`):
      every floating-point weight finite (and the optimizer state, on a
      resume), the training class counts (``train_class_counts`` and
      ``meta['dataset_meta']['class_counts']``) integers >= 0, one per
      class of the model;

    and raises a :class:`ValueError` that names the file.

    Args:
        allow_partial (bool): Allow a partial load (fine-tuning from a
            checkpoint of another model): the keys, shapes and the number
            of class counts are not compared, and MMEngine warns about what
            it skipped; the values are still checked. Defaults to False.
        optional_keys (Sequence[str]): Keys that may be missing from either
            side. Defaults to none.
    """

    priority = 'VERY_HIGH'

    def __init__(self,
                 allow_partial: bool = False,
                 optional_keys: Sequence[str] = ()) -> None:
        self.allow_partial = allow_partial
        self.optional_keys = set(optional_keys)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        source = loaded_checkpoint(runner)
        # the model MMEngine's loader copies the weights into
        model = unwrapped_model(runner)
        if not self.allow_partial:
            problems = fit_problems(
                checkpoint_weights(checkpoint, source), model.state_dict(),
                self.optional_keys)
            if problems:
                raise ValueError(
                    f'{source} does not fit the model of this config: '
                    f'{"; ".join(problems)}. Use the config the checkpoint '
                    'was trained with; to load part of it on purpose '
                    "(fine-tuning), add dict(type='StrictLoadHook', "
                    'allow_partial=True) to custom_hooks in place of the '
                    'default one.')
        resuming = bool(runner.cfg.get('resume')) and isinstance(
            runner.optim_wrapper, BaseOptimWrapper)
        check_checkpoint_contents(
            source,
            checkpoint,
            None if self.allow_partial else model_num_classes(model),
            with_optimizer=resuming)
