"""Hand the training set's class counts to the model, checking the classes."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import DATASETS, HOOKS

from ...datasets import get_class_counts


@HOOKS.register_module()
class ClassCountsHook(Hook):
    """Read the training set's per-class counts once, before training.

    The counts come from :func:`glmc_mm.datasets.get_class_counts` of the
    train dataloader's dataset. The hook refuses a model whose head or data
    preprocessor has another number of classes (naming both numbers), then
    calls ``set_class_counts(counts)`` on the data preprocessor and head
    where they have it (GLMC's label weights), and records the counts in the
    message hub's runtime info as ``class_counts``. Before a validation or
    test run that did not train (``tools/test.py``), it builds the config's
    training set to record its counts, which :class:`LongTailAccuracy` uses
    for the shot groups.
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        dataset = runner.train_dataloader.dataset
        counts = get_class_counts(dataset)
        for name in ('head', 'data_preprocessor'):
            component = getattr(model, name, None)
            expected = getattr(component, 'num_classes', None)
            if expected is not None and expected != len(counts):
                raise ValueError(
                    f'model.{name}.num_classes={expected} but the training set '
                    f'({type(dataset).__name__}) has {len(counts)} classes')
            if hasattr(component, 'set_class_counts'):
                component.set_class_counts(counts.tolist())
        runner.message_hub.update_info('class_counts', counts.tolist())

    def _record_without_training(self, runner) -> None:
        if runner.message_hub.get_info('class_counts') is not None:
            return
        loader = runner.cfg.get('train_dataloader')
        if loader is None:
            return
        dataset = DATASETS.build(loader['dataset'])
        runner.message_hub.update_info('class_counts',
                                       get_class_counts(dataset).tolist())

    def before_val(self, runner) -> None:
        self._record_without_training(runner)

    def before_test(self, runner) -> None:
        self._record_without_training(runner)
