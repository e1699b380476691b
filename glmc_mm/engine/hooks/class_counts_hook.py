"""Record the training class counts in the model and give them to the
metrics."""
from mmengine.evaluator import Evaluator
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...datasets import class_counts_from_config, get_class_counts
from ...models.utils import (attach_class_counts, model_num_classes,
                             record_class_counts, recorded_class_counts)
from ...utils.metainfo_keys import TRAIN_CLASS_COUNTS_KEY
from .unwrapped_model import unwrapped_model


@HOOKS.register_module()
class ClassCountsHook(Hook):
    """Keep the training set's per-class counts in the model, and pass them
    to the evaluator.

    - ``before_run``: give the model its ``train_class_counts`` buffer
      (:func:`attach_class_counts`), before any checkpoint is loaded into
      it, so that ``load_from``, ``--resume`` and ``tools/test.py`` restore
      the counts a checkpoint holds.
    - ``before_train``: record the counts of the train dataloader's dataset
      (:func:`record_class_counts`: checks every ``num_classes`` of the
      model, fills the buffer, sets the label weights of
      :class:`GLMCDataPreprocessor` and any other
      :class:`ClassCountsUser`).
    - ``before_val`` / ``before_test``: add the recorded counts to the
      evaluator's ``dataset_meta`` as ``train_class_counts``, where
      :class:`LongTailAccuracy` reads them. A checkpoint converted from
      the authors' code (``tools/model_converters/glmc_to_mmpretrain.py``)
      holds zeros, "not recorded"; the hook then builds the config's
      training set to count it, and says so in the log.

    A model without any ``num_classes`` is not a classifier (e.g. the
    stand-in model of MMPretrain's ``vis_scheduler.py``) and is left alone.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        model = unwrapped_model(runner)
        num_classes = model_num_classes(model)
        if num_classes is not None:
            attach_class_counts(model, num_classes)

    def before_train(self, runner) -> None:
        model = unwrapped_model(runner)
        if model_num_classes(model) is None:
            return
        dataset = runner.train_dataloader.dataset
        record_class_counts(model, get_class_counts(dataset),
                            type(dataset).__name__)

    def before_val(self, runner) -> None:
        self._give_to_metrics(runner, runner.val_loop.evaluator)

    def before_test(self, runner) -> None:
        self._give_to_metrics(runner, runner.test_loop.evaluator)

    def _give_to_metrics(self, runner, evaluator: Evaluator) -> None:
        model = unwrapped_model(runner)
        if model_num_classes(model) is None:
            return
        counts = recorded_class_counts(model)
        if counts is None:
            if not runner.cfg.get('train_dataloader'):
                runner.logger.info(
                    'The model has no recorded training class counts and the '
                    'config has no train_dataloader to count them from.')
                return
            runner.logger.info(
                'The model has no recorded training class counts (a '
                'checkpoint converted from the authors\' code): counting the '
                "config's training set instead.")
            counts, _ = class_counts_from_config(runner.cfg)
            record_class_counts(model, counts, "the config's training set")
        evaluator.dataset_meta = {
            **(evaluator.dataset_meta or {}), TRAIN_CLASS_COUNTS_KEY:
            counts.tolist()
        }
