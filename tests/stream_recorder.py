"""Test-only components that record what every rank saw, as JSON files in
the work dir: imported by test configs through ``custom_imports``."""
import hashlib
import json
import os.path as osp
import time
from typing import List, Sequence

from mmengine.dist import get_rank
from mmengine.evaluator import BaseMetric
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS, METRICS

from glmc_mm.models.utils import recorded_class_counts


def _append(path: str, record: dict) -> None:
    with open(path, 'a') as f:
        f.write(json.dumps(record) + '\n')


@HOOKS.register_module()
class StreamRecorderHook(Hook):
    """Record, per rank, a digest of the training subset and the uniform and
    re-balanced indices of every epoch (``streams_rank{r}.jsonl``).

    Args:
        delay (float): Seconds to sleep after each iteration, to make a run
            slow enough to be killed mid-epoch. Defaults to 0.
    """

    def __init__(self, delay: float = 0.) -> None:
        self.delay = delay

    def _path(self, runner) -> str:
        return osp.join(runner.work_dir, f'streams_rank{get_rank()}.jsonl')

    def before_train(self, runner) -> None:
        dataset = runner.train_dataloader.dataset
        digest = hashlib.md5()
        for i in range(len(dataset)):
            digest.update(dataset.get_data_info(i)['img'].tobytes())
        model = runner.model
        counts = recorded_class_counts(getattr(model, 'module', model))
        _append(
            self._path(runner),
            dict(
                subset=digest.hexdigest(),
                size=len(dataset),
                class_counts=None if counts is None else counts.tolist()))

    def before_train_epoch(self, runner) -> None:
        self.uniform: List[int] = []
        self.rebalanced: List[int] = []

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None) -> None:
        samples = data_batch['data_samples']
        half = len(samples) // 2
        self.uniform += [s.sample_idx for s in samples[:half]]
        self.rebalanced += [s.sample_idx for s in samples[half:]]
        if self.delay:
            time.sleep(self.delay)

    def after_train_epoch(self, runner) -> None:
        _append(
            self._path(runner),
            dict(
                epoch=runner.epoch,
                uniform=self.uniform,
                rebalanced=self.rebalanced,
                alpha=runner.message_hub.get_info('alpha'),
                lr=runner.optim_wrapper.get_lr()['lr'][0],
                class_weight=getattr(
                    getattr(
                        getattr(runner.model, 'head', None), 'loss_module',
                        None), 'class_weight', None)))


@METRICS.register_module()
class SampleIndexMetric(BaseMetric):
    """Record the test sample indices the evaluator gathered from all ranks
    (``gathered_indices.json``, written by rank 0)."""

    default_prefix = 'gathered'

    def __init__(self, out_file: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.out_file = out_file

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        self.results += [s['sample_idx'] for s in data_samples]

    def compute_metrics(self, results: list) -> dict:
        with open(self.out_file, 'w') as f:
            json.dump(results, f)
        return {'count': len(results)}


def read_records(path: str) -> List[dict]:
    with open(path) as f:
        return [json.loads(line) for line in f]


@HOOKS.register_module()
class ClassWeightRecorderHook(Hook):
    """Record, per epoch, the ``class_weight`` the loss trained with
    (``class_weight.jsonl`` in the work dir)."""

    priority = 'LOW'

    def after_train_epoch(self, runner) -> None:
        model = runner.model.module if hasattr(runner.model,
                                               'module') else runner.model
        weight = model.get_submodule('head.loss_module').class_weight
        _append(
            osp.join(runner.work_dir, 'class_weight.jsonl'),
            dict(epoch=runner.epoch, class_weight=weight))
