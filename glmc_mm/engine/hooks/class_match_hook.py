"""Refuse to score an evaluation set whose classes are not the model's."""
from typing import List, Optional, Sequence

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...models.utils import model_num_classes
from ...utils.shortened import shortened
from .unwrapped_model import unwrapped_model


def _quoted(names: Sequence[str]) -> str:
    return shortened([repr(str(name)) for name in names])


def _classes(dataset) -> Optional[Sequence[str]]:
    """``metainfo['classes']`` of a dataset; None for one without (e.g.
    the stand-in dataset of MMPretrain's ``vis_scheduler.py``)."""
    return (getattr(dataset, 'metainfo', None) or {}).get('classes')


def class_mismatch(trained: Optional[Sequence[str]], num_classes: int,
                   evaluated: Sequence[str]) -> List[str]:
    """What differs between the classes a model was trained on and those of
    an evaluation set, in words; empty when they match.

    Args:
        trained (Sequence[str], optional): The training set's class names,
            in label order, where known.
        num_classes (int): The model's number of classes.
        evaluated (Sequence[str]): The evaluation set's class names, in
            label order.
    """
    evaluated = [str(name) for name in evaluated]
    problems = []
    if len(evaluated) != num_classes:
        problems.append(f'it has {len(evaluated)} classes, the model '
                        f'{num_classes}')
    if trained is None:
        return problems
    trained = [str(name) for name in trained]
    missing = [name for name in trained if name not in evaluated]
    extra = [name for name in evaluated if name not in trained]
    if missing:
        problems.append(f'{len(missing)} trained classes missing: '
                        f'{_quoted(missing)}')
    if extra:
        problems.append(f'{len(extra)} classes not trained on: '
                        f'{_quoted(extra)}')
    if not (missing or extra) and trained != evaluated:
        moved = [
            f'label {i} is {name!r} here, {trained[i]!r} in training'
            for i, name in enumerate(evaluated) if trained[i] != name
        ]
        problems.append('the same classes in another order: '
                        f'{shortened(moved, limit=3)}')
    return problems


@HOOKS.register_module()
class ClassMatchHook(Hook):
    """Refuse to score a validation or test set whose classes differ from
    those the model was trained on.

    MMPretrain's ``CustomDataset`` numbers the class folders it finds in
    sorted order: a test folder without ``class3/`` scores ``class4``'s
    images as class 3, and every class after the gap is shifted, with exit
    code 0. Before the first validation or test iteration, this hook
    compares the evaluation set's ``metainfo['classes']`` with

    - the model's number of classes (its head's ``num_classes``), and
    - the training set's class names, where both sides have names: those of
      the train dataloader when training, else those MMEngine records in
      every checkpoint (``meta['dataset_meta']['classes']``, the training
      set's ``metainfo``), read when the checkpoint is loaded.

    A mismatch is a :class:`ValueError` naming the dataloader, its dataset
    and the missing, extra or reordered classes. An evaluation set without
    class names is not checked.

    MMPretrain's ``ClassNumCheckHook`` covers the first comparison only
    (the number of names against every ``num_classes``, with ``assert``, so
    not under ``python -O``), and only against the set at hand: it cannot
    see a test folder that lacks a class when another folder makes up the
    number, nor two classes swapped. This hook does both comparisons, so our
    configs use it in place of MMPretrain's; the two can run together.
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self.trained: Optional[List[str]] = None

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        meta = checkpoint.get('meta') or {}
        classes = (meta.get('dataset_meta') or {}).get('classes')
        self.trained = list(classes) if classes else None

    def before_train(self, runner) -> None:
        classes = _classes(runner.train_dataloader.dataset)
        self.trained = list(classes) if classes else None
        if runner.val_loop is not None:
            self.before_val(runner)

    def before_val(self, runner) -> None:
        self._check(runner, runner.val_loop.dataloader.dataset,
                    'val_dataloader')

    def before_test(self, runner) -> None:
        self._check(runner, runner.test_loop.dataloader.dataset,
                    'test_dataloader')

    def _check(self, runner, dataset, field: str) -> None:
        num_classes = model_num_classes(unwrapped_model(runner))
        classes = _classes(dataset)
        if num_classes is None or not classes:
            return
        problems = class_mismatch(self.trained, num_classes, classes)
        if problems:
            root = getattr(dataset, 'data_root', None)
            where = f', {root}' if root else ''
            raise ValueError(
                f'{field}.dataset ({type(dataset).__name__}{where}) does not '
                'have the classes the model was trained on, so its labels '
                f'would be scored as other classes: {"; ".join(problems)}')
