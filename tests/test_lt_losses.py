"""Balanced Softmax, LDAM, deferred re-weighting and GLMC + BS against
values computed by hand."""
import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.runner import EpochBasedTrainLoop
from mmpretrain.models.heads import LinearClsHead
from mmpretrain.structures import DataSample

from glmc_mm.benchmark import negative_cosine, soft_cross_entropy
from glmc_mm.engine import DeferredReweightingHook, effective_number_weights
from glmc_mm.models import (BalancedSoftmaxLoss, GLMCHead, LDAMLoss,
                            NormLinearClsHead, record_class_counts)

COUNTS = [6, 3, 1]  # prior 0.6, 0.3, 0.1
LOGITS = torch.tensor([[2.0, 1.0, 0.0], [0.5, 0.0, 1.5]])
LABELS = torch.tensor([0, 2])


def hand_ce(logits, label):
    """-log softmax(logits)[label], written out."""
    return -(logits[label] - math.log(sum(math.exp(v) for v in logits)))


@pytest.mark.parametrize('tau', [0.0, 1.0])
def test_balanced_softmax_on_hard_labels(tau):
    loss = BalancedSoftmaxLoss(tau=tau)
    loss.set_class_counts(COUNTS)
    prior = [0.6, 0.3, 0.1]
    expected = np.mean([
        hand_ce([z + tau * math.log(p) for z, p in zip(row, prior)], y)
        for row, y in zip(LOGITS.tolist(), LABELS.tolist())
    ])
    assert loss(LOGITS, LABELS).item() == pytest.approx(expected, abs=1e-6)
    if tau == 0:  # plain cross-entropy
        assert loss(LOGITS, LABELS).item() == pytest.approx(
            F.cross_entropy(LOGITS, LABELS).item(), abs=1e-6)


def test_balanced_softmax_on_soft_targets():
    loss = BalancedSoftmaxLoss(tau=1.0, use_soft=True)
    loss.set_class_counts(COUNTS)
    targets = torch.tensor([[0.7, 0.3, 0.0], [0.0, 0.25, 0.75]])
    prior = [0.6, 0.3, 0.1]
    expected = np.mean([
        sum(t * hand_ce([z + math.log(p) for z, p in zip(row, prior)], k)
            for k, t in enumerate(target))
        for row, target in zip(LOGITS.tolist(), targets.tolist())
    ])
    assert loss(LOGITS, targets).item() == pytest.approx(expected, abs=1e-6)


def test_balanced_softmax_leaves_the_test_logits_alone():
    head = LinearClsHead(
        num_classes=3, in_channels=4, loss=dict(type='BalancedSoftmaxLoss'))
    record_class_counts(head, COUNTS, 'toy')
    feats = (torch.randn(5, 4, generator=torch.Generator().manual_seed(0)), )
    predicted = head.predict(feats)
    scores = torch.stack([s.pred_score for s in predicted])
    torch.testing.assert_close(scores, F.softmax(head.fc(feats[0]), dim=1))


def test_balanced_softmax_refuses_bad_input():
    with pytest.raises(
            ValueError,
            match='BalancedSoftmaxLoss: tau must be a '
            'finite number >= 0, got -0.5'):
        BalancedSoftmaxLoss(tau=-0.5)
    with pytest.raises(
            ValueError,
            match=r'class 1 has 0 training images, so '
            r'its log prior is -inf \(tau=1\)'):
        BalancedSoftmaxLoss().set_class_counts([5, 0, 2])
    with pytest.raises(RuntimeError, match='ClassCountsHook'):
        BalancedSoftmaxLoss()(LOGITS, LABELS)


def test_ldam_margins_and_scale():
    loss = LDAMLoss(max_margin=0.5, scale=30.0)
    loss.set_class_counts([100, 16, 1])
    # n ** (-1/4) = 0.316, 0.5, 1, scaled so that the largest is 0.5
    torch.testing.assert_close(loss.margins,
                               torch.tensor([0.5 / 100**0.25, 0.25, 0.5]))
    cosine = torch.tensor([[0.9, 0.1, -0.2], [0.3, 0.2, 0.4]])
    expected = np.mean([
        hand_ce([
            30 * (z - (m if k == y else 0))
            for k, (z, m) in enumerate(zip(row, [0.5 / 100**0.25, 0.25, 0.5]))
        ], y) for row, y in zip(cosine.tolist(), [0, 2])
    ])
    assert loss(cosine, torch.tensor([0, 2])).item() == pytest.approx(
        expected, rel=1e-5)
    with pytest.raises(ValueError, match='class 2 has 0 training images'):
        loss.set_class_counts([3, 1, 0])
    with pytest.raises(ValueError, match='scale must be a finite number > 0'):
        LDAMLoss(scale=0)


def test_norm_linear_head_gives_cosines():
    head = NormLinearClsHead(num_classes=3, in_channels=4)
    head.init_weights()
    feature = torch.randn(2, 4, generator=torch.Generator().manual_seed(1))
    expected = F.normalize(feature) @ F.normalize(head.fc.weight).T
    torch.testing.assert_close(head((feature, )), expected)
    assert head.fc.bias is None


def test_effective_number_weights_by_hand():
    weights = effective_number_weights([100, 10, 1], 0.9)
    raw = [0.1 / (1 - 0.9**100), 0.1 / (1 - 0.9**10), 0.1 / (1 - 0.9)]
    assert weights == pytest.approx([3 * w / sum(raw) for w in raw])


def drw_runner(epoch, max_epochs=10):
    loss = SimpleNamespace(class_weight=None)
    model = torch.nn.Module()
    model.get_submodule = lambda name: loss
    model.register_buffer('train_class_counts', torch.tensor([100, 10, 1]))
    return SimpleNamespace(
        model=model,
        epoch=epoch,
        max_epochs=max_epochs,
        train_loop=object.__new__(EpochBasedTrainLoop)), loss


def test_drw_switches_at_its_epoch_and_refuses_a_late_one():
    hook = DeferredReweightingHook(start_epoch=8, beta=0.9)
    runner, loss = drw_runner(0)
    hook.before_train(runner)
    for epoch, weighted in ((0, False), (7, False), (8, True), (9, True)):
        runner.epoch = epoch
        hook.before_train_epoch(runner)
        assert (loss.class_weight is not None) == weighted, epoch
    assert loss.class_weight == effective_number_weights([100, 10, 1], 0.9)
    with pytest.raises(
            ValueError, match='start_epoch=10 is not before '
            'max_epochs=10'):
        DeferredReweightingHook(start_epoch=10).before_train(drw_runner(0)[0])


def test_glmc_bs_head_loss_and_gradients_by_hand():
    torch.manual_seed(0)
    head = GLMCHead(
        num_classes=3,
        in_channels=6,
        proj_channels=4,
        rebalanced_loss=dict(type='BalancedSoftmaxLoss', use_soft=True))
    head.init_weights()
    record_class_counts(head, COUNTS, 'toy')
    head.alpha = 0.75
    gen = torch.Generator().manual_seed(2)
    feats = torch.randn(8, 6, generator=gen)
    samples = []
    for _ in range(8):
        t = torch.rand(3, generator=gen)
        sample = DataSample().set_gt_score(t / t.sum())
        sample.set_field(torch.rand(3, generator=gen) * 3, 'weighted_score')
        samples.append(sample)
    losses = head.loss((feats, ), samples)
    total = sum(losses.values())
    total.backward()
    ours = head.fc_cb.weight.grad.clone()

    head.zero_grad()
    t = torch.stack([s.gt_score for s in samples])
    log_prior = torch.log(torch.tensor([0.6, 0.3, 0.1]))
    fc, cb = head.fc(feats), head.fc_cb(feats)
    z = head.projector(feats)
    p = head.predictor(z)
    g, loc = slice(0, 4), slice(4, 8)
    ce = soft_cross_entropy
    # fc_cb: Balanced Softmax on the plain mixed targets t, not on s
    hand = (0.75 * (ce(fc[g], t[g]) + ce(fc[loc], t[loc])) + 0.25 *
            (ce(cb[g] + log_prior, t[g]) + ce(cb[loc] + log_prior, t[loc])) +
            (negative_cosine(p[g], z[loc]) + negative_cosine(p[loc], z[g])))
    hand.backward()
    assert total.item() == pytest.approx(hand.item(), rel=1e-6)
    torch.testing.assert_close(ours, head.fc_cb.weight.grad)
    assert ours.abs().sum() > 0


def test_drw_switch_is_exact_across_a_resume(tmp_path):
    """A 4-epoch LDAM-DRW run switching at epoch 2, and the same run resumed
    from its epoch-2 checkpoint in another work dir."""
    import os.path as osp
    import sys

    from stream_recorder import read_records
    from tiny_run import (CE_CONFIG, REPO, make_tiny_cifar, run_tool,
                          write_config)
    md5 = make_tiny_cifar(str(tmp_path), learnable=True)
    base = osp.join(REPO, 'configs', 'glmc',
                    'ldam-drw_resnet32_1xb64-200e_cifar10-lt-if100.py')
    config = write_config(
        str(tmp_path / 'ldam.py'), str(tmp_path), CE_CONFIG, base)
    with open(config, 'a') as f:
        f.write("custom_imports = dict(imports=['glmc_mm', "
                "'cifar_md5_from_env', 'stream_recorder'])\n"
                "custom_hooks = [dict(type='ClassCountsHook'), "
                "dict(type='DeferredReweightingHook', start_epoch=2), "
                "dict(type='ClassWeightRecorderHook')]\n"
                "train_cfg = dict(max_epochs=4)\n"
                "param_scheduler = dict(T_max=4)\n")

    def train(work_dir, *extra):
        run_tool([
            sys.executable, 'tools/train.py', config, '--work-dir',
            str(work_dir), *extra
        ],
                 md5,
                 check=True)
        return read_records(str(work_dir / 'class_weight.jsonl'))

    full = train(tmp_path / 'full')
    # epochs 0 and 1 unweighted, 2 and 3 class-balanced (40 ... 4 images)
    counts = [40, 30, 23, 18, 14, 11, 8, 6, 5, 4]
    expected = effective_number_weights(counts, 0.9999)
    assert [r['class_weight']
            for r in full] == [None, None, expected, expected]
    assert expected[-1] / expected[0] == pytest.approx(
        (1 - 0.9999**40) / (1 - 0.9999**4), rel=1e-6)
    resumed = train(tmp_path / 'resumed', '--resume',
                    str(tmp_path / 'full' / 'epoch_2.pth'))
    assert [r['epoch'] for r in resumed] == [2, 3]
    assert [r['class_weight'] for r in resumed] == [expected, expected]
