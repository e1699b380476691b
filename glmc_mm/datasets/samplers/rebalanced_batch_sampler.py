"""Batches of the uniform stream paired with the re-balanced stream."""
import math
from typing import Iterator, List

import numpy as np
import torch
from mmengine.dist import get_dist_info
from mmpretrain.registry import DATA_SAMPLERS
from torch.utils.data import Sampler

from ...utils.value_checks import check_number
from ..class_counts import get_class_counts


@DATA_SAMPLERS.register_module()
class RebalancedBatchSampler(Sampler):
    """Pair every batch of the uniform stream with a re-balanced batch.

    Each yielded batch holds ``2b`` indices: the ``b`` (``= batch_size``
    except maybe for the last batch) indices that ``sampler`` gives, then
    ``b`` indices of the re-balanced stream, drawn with replacement with
    per-image weight

    .. math::
        \\pi_j \\propto n_{y_j}^{-q},

    so that class ``c`` is drawn with probability proportional to
    ``n_c ** (1 - q)`` (``q = 0``: uniform, ``q = 1``: class-balanced). The
    re-balanced stream does not follow the uniform pass: it is an i.i.d.
    stream whose generator is seeded from ``(sampler.seed, sampler.epoch,
    rank)``, so ranks draw differently, the draw does not depend on the
    number of workers (indices are drawn in the main process), and a run
    (or a resumed run) with the same seed draws the same samples.

    With ``with_uniform=False`` each batch holds only the ``b`` re-balanced
    indices (an epoch still has ``len(sampler) / batch_size`` batches):
    with ``q = 1`` that is class-balanced sampling, e.g. for the classifier
    re-training of cRT (Kang et al., ICLR 2020).

    Use it as MMEngine's ``batch_sampler`` (the batch size stays the
    dataloader's)::

        train_dataloader = dict(
            batch_size=64,
            sampler=dict(type='DefaultSampler', shuffle=True),
            batch_sampler=dict(type='RebalancedBatchSampler',
                               resample_weighting=0.0),
            dataset=...)

    Args:
        sampler (Sampler): The uniform index sampler, whose ``dataset``
            gives the class counts.
        batch_size (int): ``B``, the size of each of the two halves.
        resample_weighting (float): ``q >= 0``. Defaults to 0.
        drop_last (bool): Drop the last incomplete uniform batch.
            Defaults to False.
        with_uniform (bool): Put the uniform indices in each batch before
            the re-balanced ones. Defaults to True (GLMC's two streams).
    """

    def __init__(self,
                 sampler: Sampler,
                 batch_size: int,
                 resample_weighting: float = 0.0,
                 drop_last: bool = False,
                 with_uniform: bool = True) -> None:
        self.sampler = sampler
        self.batch_size = check_number(
            'RebalancedBatchSampler',
            'batch_size',
            batch_size,
            minimum=1,
            integer=True)
        self.resample_weighting = check_number(
            'RebalancedBatchSampler',
            'resample_weighting (q)',
            resample_weighting,
            minimum=0)
        self.drop_last = drop_last
        self.with_uniform = with_uniform
        dataset = sampler.dataset
        if len(self) == 0:
            raise ValueError(
                f'RebalancedBatchSampler: the training set '
                f'({type(dataset).__name__}) gives this process '
                f'{len(sampler)} images, fewer than one batch of '
                f'batch_size={self.batch_size} with drop_last={drop_last}, so '
                'an epoch would have no batch: lower '
                'train_dataloader.batch_size or keep drop_last=False')
        counts = get_class_counts(dataset).astype(np.float64)
        labels = np.asarray(dataset.get_gt_labels(), dtype=np.int64)
        self.class_counts = counts
        self.weights = torch.from_numpy(
            counts[labels]**(-self.resample_weighting))
        self.rank = get_dist_info()[0]

    def class_probabilities(self) -> np.ndarray:
        """The probability that a re-balanced draw is of each class."""
        mass = self.class_counts**(1 - self.resample_weighting)
        mass[self.class_counts == 0] = 0
        return mass / mass.sum()

    def _generator(self) -> torch.Generator:
        seed = getattr(self.sampler, 'seed', 0)
        epoch = getattr(self.sampler, 'epoch', 0)
        state = np.random.SeedSequence([seed, epoch,
                                        self.rank]).generate_state(1)
        return torch.Generator().manual_seed(int(state[0]))

    def __iter__(self) -> Iterator[List[int]]:
        drawn = torch.multinomial(
            self.weights,
            len(self) * self.batch_size,
            replacement=True,
            generator=self._generator()).tolist()
        batch: List[int] = []
        start = 0
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield self._pair(batch, drawn[start:start + len(batch)])
                start += len(batch)
                batch = []
        if batch and not self.drop_last:
            yield self._pair(batch, drawn[start:start + len(batch)])

    def _pair(self, uniform: List[int], rebalanced: List[int]) -> List[int]:
        return uniform + rebalanced if self.with_uniform else rebalanced

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return math.ceil(len(self.sampler) / self.batch_size)
