"""Save the per-class accuracy of every evaluation as a CSV file."""
import csv
import os.path as osp
from typing import Optional

from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...utils.metainfo_keys import TRAIN_CLASS_COUNTS_KEY


@HOOKS.register_module()
class PerClassAccuracyHook(Hook):
    """Write ``LongTailAccuracy``'s per-class accuracy to a CSV beside the
    JSON results of the run (``runner.log_dir``):
    ``per_class_accuracy_val_epoch<N>.csv`` after each validation,
    ``per_class_accuracy_test.csv`` after a test.

    Columns: ``class`` (index), ``name``, ``train_images`` (the training
    count that decides the shot group) and ``accuracy`` (%, empty for a
    class without test images).

    Args:
        key (str): The metric holding the per-class list.
            Defaults to ``'lt/per_class'``.
    """

    priority = 'BELOW_NORMAL'

    def __init__(self, key: str = 'lt/per_class') -> None:
        self.key = key

    def _write(self, runner, evaluator, metrics: Optional[dict],
               name: str) -> None:
        if not metrics or self.key not in metrics or not is_main_process():
            return
        meta = evaluator.dataset_meta or {}
        classes = meta.get('classes') or []
        counts = meta.get(TRAIN_CLASS_COUNTS_KEY)
        path = osp.join(runner.log_dir, f'per_class_accuracy_{name}.csv')
        with open(path, 'w', newline='') as f:
            writer = csv.writer(f)
            writer.writerow(['class', 'name', 'train_images', 'accuracy'])
            for index, accuracy in enumerate(metrics[self.key]):
                writer.writerow([
                    index, classes[index] if index < len(classes) else '',
                    '' if counts is None else int(counts[index]),
                    '' if accuracy is None else accuracy
                ])

    def after_val_epoch(self, runner, metrics: Optional[dict] = None) -> None:
        self._write(runner, runner.val_evaluator, metrics,
                    f'val_epoch{runner.epoch}')

    def after_test_epoch(self, runner, metrics: Optional[dict] = None) -> None:
        self._write(runner, runner.test_evaluator, metrics, 'test')
