"""Refuse a checkpoint that does not fit the model."""
import re
from typing import List, Sequence

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...utils.shortened import shortened
from .unwrapped_model import unwrapped_model


def _listed(title: str, items: List[str]) -> str:
    return f'{len(items)} {title}: {shortened(items)}'


@HOOKS.register_module()
class StrictLoadHook(Hook):
    """Refuse to test, fine-tune or resume from a checkpoint whose weights
    do not fit the model.

    MMEngine's runner loads ``load_from`` and ``--resume`` checkpoints with
    ``strict=False``: a checkpoint of another ``num_classes`` or width is
    loaded with warnings and the run scores, or trains, a mostly random
    model. Before the runner copies the weights (``after_load_checkpoint``),
    this hook compares the checkpoint's ``state_dict`` with the model's and
    raises a :class:`ValueError` listing the missing, unexpected and
    mis-shaped keys. ``optional_keys`` may be absent on either side.

    Args:
        allow_partial (bool): Allow a partial load (fine-tuning from a
            checkpoint of another model); MMEngine then warns about what it
            skipped. Defaults to False.
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
        if self.allow_partial:
            return
        # the model MMEngine's loader copies the weights into
        expected = unwrapped_model(runner).state_dict()
        loaded = {
            re.sub(r'^module\.', '', key): value
            for key, value in checkpoint.get('state_dict', checkpoint).items()
        }
        missing = [
            k for k in expected
            if k not in loaded and k not in self.optional_keys
        ]
        unexpected = [
            k for k in loaded
            if k not in expected and k not in self.optional_keys
        ]
        mis_shaped = [
            f'{k} (checkpoint {tuple(v.shape)}, model '
            f'{tuple(expected[k].shape)})' for k, v in loaded.items()
            if k in expected and hasattr(v, 'shape')
            and tuple(v.shape) != tuple(expected[k].shape)
        ]
        if not (missing or unexpected or mis_shaped):
            return
        problems = [
            _listed(title, items)
            for title, items in (('missing keys', missing), ('unexpected keys',
                                                             unexpected),
                                 ('mis-shaped keys', mis_shaped)) if items
        ]
        source = runner.cfg.get('load_from') or (
            f'the last checkpoint in {runner.work_dir}'
            if runner.cfg.get('resume') else 'the checkpoint')
        raise ValueError(
            f'{source} does not fit the model of this config: '
            f'{"; ".join(problems)}. Use the config the checkpoint was '
            'trained with; to load part of it on purpose (fine-tuning), add '
            "dict(type='StrictLoadHook', allow_partial=True) to custom_hooks "
            'in place of the default one.')
