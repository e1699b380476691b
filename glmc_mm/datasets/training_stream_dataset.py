"""One stream of a training epoch as a dataset, to see what GLMC trains
on."""
from typing import List, Optional, Union

from mmengine.dataset import BaseDataset, Compose
from mmengine.logging import MMLogger
from mmpretrain.registry import DATA_SAMPLERS, DATASETS
from torch.utils.data import Subset

from .class_counts import count_labels, get_class_counts
from .samplers import RebalancedBatchSampler

STREAMS = ('uniform', 'rebalanced')


@DATASETS.register_module()
class TrainingStreamDataset(Subset):
    """The images of one stream of a training epoch, in the order in which
    the training dataloader draws them.

    GLMC trains every iteration on a batch of the uniform stream and a batch
    of the re-balanced stream, both from :class:`RebalancedBatchSampler`
    (Du et al., CVPR 2023, arXiv 2305.08661; ``docs/method.md``); a dataset
    on its own shows neither. Item ``i`` of this dataset is draw ``i`` of
    ``stream`` in epoch ``epoch``, drawn by a sampler and batch sampler
    built from the training dataloader's configs with the run's seed, as
    the runner builds them. The number of draws of every class is logged
    beside the training set's class counts. MMPretrain's browser shows it
    through ``tools/visualization/browse_dataset.py --stream``.

    Args:
        dataset (dict | BaseDataset): The training set or its config.
        batch_size (int): The training dataloader's ``batch_size``.
        sampler (dict): Its ``sampler`` config.
        batch_sampler (dict, optional): Its ``batch_sampler`` config. The
            re-balanced stream needs a :class:`RebalancedBatchSampler`.
            Defaults to None.
        stream (str): ``'uniform'`` or ``'rebalanced'``.
            Defaults to ``'rebalanced'``.
        seed (int, optional): The run's ``randomness.seed``. Defaults to
            None (the sampler's own choice).
        epoch (int): The epoch, from 0, whose draws are shown.
            Defaults to 0.
    """

    def __init__(self,
                 dataset: Union[dict, BaseDataset],
                 batch_size: int,
                 sampler: dict,
                 batch_sampler: Optional[dict] = None,
                 stream: str = 'rebalanced',
                 seed: Optional[int] = None,
                 epoch: int = 0) -> None:
        if stream not in STREAMS:
            raise ValueError(f'TrainingStreamDataset: stream must be one of '
                             f'{STREAMS}, got {stream!r}')
        if isinstance(dataset, dict):
            dataset = DATASETS.build(dataset)
        uniform = DATA_SAMPLERS.build(
            sampler, default_args=dict(dataset=dataset, seed=seed))
        if hasattr(uniform, 'set_epoch'):
            uniform.set_epoch(epoch)
        batches = uniform if batch_sampler is None else DATA_SAMPLERS.build(
            batch_sampler,
            default_args=dict(sampler=uniform, batch_size=batch_size))
        super().__init__(dataset, self._draws(batches, stream))
        self.stream = stream
        self.epoch = epoch
        self._log_draws()

    @staticmethod
    def _draws(batches, stream: str) -> List[int]:
        """The indices of ``stream`` in the batches of one epoch."""
        if not isinstance(batches, RebalancedBatchSampler):
            if stream == 'rebalanced':
                raise ValueError(
                    'TrainingStreamDataset: the re-balanced stream needs '
                    'train_dataloader.batch_sampler=dict(type='
                    f"'RebalancedBatchSampler'); this one is "
                    f'{type(batches).__name__}')
            return [
                i for batch in batches
                for i in (batch if isinstance(batch, list) else [batch])
            ]
        if not batches.with_uniform:
            if stream == 'uniform':
                raise ValueError(
                    'TrainingStreamDataset: this RebalancedBatchSampler has '
                    'with_uniform=False, so training sees no uniform stream')
            return [i for batch in batches for i in batch]
        return [
            i for batch in batches
            for i in (batch[:len(batch) //
                            2] if stream == 'uniform' else batch[len(batch) //
                                                                 2:])
        ]

    def _log_draws(self) -> None:
        labels = self.dataset.get_gt_labels()
        counts = get_class_counts(self.dataset)
        draws = count_labels([labels[i] for i in self.indices], len(counts))
        MMLogger.get_current_instance().info(
            f'TrainingStreamDataset: the {self.stream} stream of epoch '
            f'{self.epoch} draws {len(self.indices)} images, per class '
            f'{list(draws)}; the training set holds {counts.tolist()}')

    @property
    def metainfo(self) -> dict:
        """The training set's meta information."""
        return self.dataset.metainfo

    @property
    def pipeline(self) -> Compose:
        """The training set's pipeline (MMPretrain's ``browse_dataset.py``
        reads and replaces it)."""
        return self.dataset.pipeline

    @pipeline.setter
    def pipeline(self, pipeline: Compose) -> None:
        self.dataset.pipeline = pipeline
