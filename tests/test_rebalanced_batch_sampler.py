"""The two streams GLMC trains on: uniform + re-balanced batches, two views."""
import numpy as np
import pytest
import torch
from mmengine.dataset import DefaultSampler
from mmengine.dataset import sampler as mmengine_sampler
from mmengine.runner import Runner

from glmc_mm.datasets import CIFAR10LT, RebalancedBatchSampler
from glmc_mm.datasets.samplers import rebalanced_batch_sampler

# 99.9 % quantile of the chi-square distribution with 9 degrees of freedom.
CHI2_9DF_999 = 27.877

TWO_VIEWS = [
    dict(
        type='MultiView',
        num_views=2,
        transforms=[[
            dict(type='RandomCrop', crop_size=32, padding=4),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        ]]),
    dict(type='PackInputs'),
]


@pytest.fixture(scope='module')
def cifar10_lt(cifar_files):
    return CIFAR10LT(
        data_root=cifar_files['cifar10'],
        imbalance_factor=100,
        pipeline=TWO_VIEWS)


def batches(dataset, q, seed=0, epoch=0, batch_size=64):
    sampler = DefaultSampler(dataset, shuffle=True, seed=seed)
    sampler.set_epoch(epoch)
    return list(
        RebalancedBatchSampler(sampler, batch_size, resample_weighting=q))


def chi_square(observed, probabilities):
    expected = probabilities * observed.sum()
    return float(((observed - expected)**2 / expected).sum())


@pytest.mark.parametrize('q', [0.0, 0.2, 1.0])
def test_rebalanced_class_frequencies_follow_n_to_one_minus_q(cifar10_lt, q):
    labels = cifar10_lt.get_gt_labels()
    counts = np.array(cifar10_lt.metainfo['class_counts'], dtype=np.float64)
    drawn = np.concatenate(
        [labels[batch[len(batch) // 2:]] for batch in batches(cifar10_lt, q)])
    assert len(drawn) == 12406
    observed = np.bincount(drawn, minlength=10).astype(np.float64)
    target = counts**(1 - q) / (counts**(1 - q)).sum()
    assert chi_square(observed, target) < CHI2_9DF_999
    # The test has power: the frequencies of another q are far outside.
    wrong = counts**(0.5 - q) / (counts**(0.5 - q)).sum()
    assert chi_square(observed, wrong) > 10 * CHI2_9DF_999


def test_class_probabilities_are_n_to_one_minus_q(cifar10_lt):
    sampler = RebalancedBatchSampler(
        DefaultSampler(cifar10_lt, seed=0), 64, resample_weighting=1.0)
    np.testing.assert_allclose(sampler.class_probabilities(), [0.1] * 10)
    sampler = RebalancedBatchSampler(
        DefaultSampler(cifar10_lt, seed=0), 64, resample_weighting=0.0)
    np.testing.assert_allclose(sampler.class_probabilities()[[0, 9]],
                               [5000 / 12406, 50 / 12406])


def test_first_half_is_the_uniform_pass(cifar10_lt):
    sampler = DefaultSampler(cifar10_lt, shuffle=True, seed=7)
    uniform = list(sampler)
    result = list(RebalancedBatchSampler(sampler, 64))
    assert len(result) == 194  # ceil(12406 / 64)
    assert [len(b) for b in result[:-1]] == [128] * 193
    assert len(result[-1]) == 2 * (12406 - 193 * 64)
    assert sum((b[:len(b) // 2] for b in result), []) == uniform
    dropped = list(RebalancedBatchSampler(sampler, 64, drop_last=True))
    assert len(dropped) == 193


def test_stream_is_reproducible_and_differs_by_epoch_and_rank(
        cifar10_lt, monkeypatch):
    first = batches(cifar10_lt, 0.2, seed=3)
    assert first == batches(cifar10_lt, 0.2, seed=3)
    assert first[0][64:] != batches(cifar10_lt, 0.2, seed=3, epoch=1)[0][64:]
    assert first[0][64:] != batches(cifar10_lt, 0.2, seed=4)[0][64:]
    monkeypatch.setattr(rebalanced_batch_sampler, 'get_dist_info', lambda:
                        (1, 2))
    other_rank = batches(cifar10_lt, 0.2, seed=3)

    def uniform(result):
        return [b[:len(b) // 2] for b in result]

    assert uniform(other_rank) == uniform(first)
    assert other_rank[0][64:] != first[0][64:]


def test_two_ranks_together_draw_the_single_process_frequencies(
        cifar10_lt, monkeypatch):
    """With two ranks, each shards the uniform pass and draws its own
    re-balanced half: together they see every image once in the uniform
    halves, and their re-balanced classes follow ``n ** (1 - q)`` as one
    process's do (``docs/distributed.md``)."""
    labels = cifar10_lt.get_gt_labels()
    counts = np.array(cifar10_lt.metainfo['class_counts'], dtype=np.float64)
    halves = []
    for rank in (0, 1):
        for module in (rebalanced_batch_sampler, mmengine_sampler):
            monkeypatch.setattr(
                module, 'get_dist_info', lambda rank=rank: (rank, 2))
        sampler = DefaultSampler(cifar10_lt, shuffle=True, seed=0)
        result = list(
            RebalancedBatchSampler(sampler, 32, resample_weighting=0.2))
        halves.append(([i for b in result for i in b[:len(b) // 2]],
                       [i for b in result for i in b[len(b) // 2:]]))
    (uniform_0, rebalanced_0), (uniform_1, rebalanced_1) = halves
    assert len(uniform_0) == len(uniform_1) == 6203
    assert sorted(uniform_0 + uniform_1) == list(range(12406))
    assert rebalanced_0 != rebalanced_1
    observed = np.bincount(
        labels[rebalanced_0 + rebalanced_1], minlength=10).astype(np.float64)
    assert observed.sum() == 12406
    target = counts**0.8 / (counts**0.8).sum()
    assert chi_square(observed, target) < CHI2_9DF_999
    wrong = counts**0.3 / (counts**0.3).sum()
    assert chi_square(observed, wrong) > 10 * CHI2_9DF_999


@pytest.mark.parametrize('field,value,message', [
    ('resample_weighting', -0.5, r'resample_weighting \(q\) must be a finite '
     r'number >= 0, got -0.5'),
    ('batch_size', 0, 'batch_size must be an integer >= 1, got 0'),
])
def test_bad_arguments_are_named(cifar10_lt, field, value, message):
    kwargs = dict(batch_size=4, resample_weighting=0.0)
    kwargs[field] = value
    with pytest.raises(ValueError, match=message):
        RebalancedBatchSampler(DefaultSampler(cifar10_lt, seed=0), **kwargs)


def loader(dataset, num_workers):
    return Runner.build_dataloader(
        dict(
            batch_size=8,
            num_workers=num_workers,
            sampler=dict(type='DefaultSampler', shuffle=True),
            batch_sampler=dict(
                type='RebalancedBatchSampler', resample_weighting=0.0),
            dataset=dataset),
        seed=11)


def test_dataloader_with_workers_gives_two_views_of_both_streams(cifar10_lt):
    labels = cifar10_lt.get_gt_labels()
    serial, parallel = loader(cifar10_lt, 0), loader(cifar10_lt, 2)
    for _, (a, b) in zip(range(3), zip(serial, parallel)):
        # pseudo_collate groups the batch by view: inputs[view][sample]
        assert len(a['inputs']) == 2 and len(a['data_samples']) == 16
        assert [int(s.gt_label) for s in a['data_samples']] == \
            [int(s.gt_label) for s in b['data_samples']]
        first_views, second_views = a['inputs']
        assert len(first_views) == len(second_views) == 16
        assert first_views[0].shape == (3, 32, 32)
        differ = sum(not torch.equal(u, v)
                     for u, v in zip(first_views, second_views))
        assert differ >= 14
    batch_indices = next(iter(serial.batch_sampler))
    first = next(iter(serial))
    assert [int(s.gt_label) for s in first['data_samples']] == \
        labels[batch_indices].tolist()


def test_class_balanced_batches_alone_for_classifier_retraining(cifar10_lt):
    """``with_uniform=False, q=1``: cRT's class-balanced sampling."""
    sampler = DefaultSampler(cifar10_lt, shuffle=True, seed=3)
    paired = list(RebalancedBatchSampler(sampler, 64, resample_weighting=1.0))
    alone = list(
        RebalancedBatchSampler(
            sampler, 64, resample_weighting=1.0, with_uniform=False))
    assert len(alone) == len(paired) == 194  # ceil(12406 / 64)
    # the same re-balanced draw, without the uniform half
    assert alone == [batch[len(batch) // 2:] for batch in paired]
    drawn = cifar10_lt.get_gt_labels()[np.concatenate(alone)]
    observed = np.bincount(drawn, minlength=10).astype(np.float64)
    assert chi_square(observed, np.full(10, 0.1)) < CHI2_9DF_999
