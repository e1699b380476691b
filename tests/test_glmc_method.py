"""The GLMC method (docs/method.md) checked against the authors' step as
``glmc_mm.benchmark`` states it, and against computations written here."""
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.runner import IterBasedTrainLoop
from mmpretrain.structures import DataSample

from glmc_mm.benchmark import (authors_box, authors_label_weights,
                               authors_loss, authors_mix, negative_cosine,
                               soft_cross_entropy)
from glmc_mm.datasets import RebalancedBatchSampler, same_size_collate
from glmc_mm.engine import CumulativeLearningHook, MaxNormHook
from glmc_mm.engine.hooks import fc_cb_epochs
from glmc_mm.models import (CIFARResNet, GLMCClassifier, GLMCConsistencyLoss,
                            GLMCCutMix, GLMCDataPreprocessor, GLMCHead,
                            record_class_counts)

MEAN, STD = [120., 125., 130.], [60., 62., 64.]
COUNTS = [100, 50, 20, 5, 2]


def two_view_batch(batch=4, size=8, seed=0):
    """``2B`` uint8 samples (uniform then re-balanced), two views each."""
    gen = torch.Generator().manual_seed(seed)
    views = [[
        torch.randint(
            0, 256, (3, size, size), generator=gen, dtype=torch.uint8)
        for _ in range(2 * batch)
    ] for _ in range(2)]
    labels = torch.randint(0, 5, (2 * batch, ), generator=gen)
    samples = [DataSample().set_gt_label(int(y)) for y in labels]
    return {'inputs': views, 'data_samples': samples}, labels


def preprocessor(**kwargs):
    pre = GLMCDataPreprocessor(
        num_classes=5, mean=MEAN, std=STD, label_weighting=1.2, **kwargs)
    pre.set_class_counts(COUNTS)
    return pre


def reference_box(size, lam):
    """The box of a square image, with the centre drawn as the authors do."""
    return authors_box((size, size), lam)


@pytest.mark.parametrize('collate', ['pseudo_collate', 'default_collate'])
def test_mixed_images_and_targets_match_the_spec(collate):
    data, labels = two_view_batch()
    # default_collate stacks each view: inputs[view] is one (2B, C, H, W)
    inputs = data['inputs'] if collate == 'pseudo_collate' else [
        torch.stack(view) for view in data['inputs']
    ]
    np.random.seed(123)
    out = preprocessor()({
        'inputs': inputs,
        'data_samples': data['data_samples']
    },
                         training=True)

    np.random.seed(123)
    lam = np.random.beta(1.0, 1.0)
    y1, y2, x1, x2 = reference_box(8, lam)
    assert 0 < (y2 - y1) * (x2 - x1) < 64  # a real, partial box

    def norm(view, part):
        stack = torch.stack(view[part * 4:(part + 1) * 4]).double()
        return (stack - torch.tensor(MEAN).double().view(3, 1, 1)) / \
            torch.tensor(STD).double().view(3, 1, 1)

    u1, r1 = norm(data['inputs'][0], 0), norm(data['inputs'][0], 1)
    u2, r2 = norm(data['inputs'][1], 0), norm(data['inputs'][1], 1)
    one_hot = torch.eye(5, dtype=torch.float64)[labels]
    x_global, x_local, t = authors_mix(u1, u2, r1, r2, one_hot[:4],
                                       one_hot[4:], lam, (y1, y2, x1, x2))
    torch.testing.assert_close(
        out['inputs'].double(),
        torch.cat([x_global, x_local]),
        atol=1e-6,
        rtol=0)

    w = authors_label_weights(COUNTS, 1.2).double()
    # w spans (100 / 2) ** 1.2 = 109.3 between the head and the tail class
    assert (w[4] / w[0]).item() == pytest.approx(50**1.2, rel=1e-6)
    assert w.sum().item() == pytest.approx(5)
    scores = torch.stack([s.gt_score for s in out['data_samples']]).double()
    weighted = torch.stack([s.weighted_score
                            for s in out['data_samples']]).double()
    expected = torch.cat([t, t])
    torch.testing.assert_close(scores, expected, atol=1e-6, rtol=0)
    torch.testing.assert_close(weighted, expected * w, atol=1e-6, rtol=0)


def test_correct_lam_uses_the_pasted_area():
    data, labels = two_view_batch()
    np.random.seed(7)
    out = preprocessor(cutmix_correct_lam=True)(data, training=True)
    np.random.seed(7)
    lam = np.random.beta(1.0, 1.0)
    y1, y2, x1, x2 = reference_box(8, lam)
    lam_local = 1 - (y2 - y1) * (x2 - x1) / 64
    assert lam_local != pytest.approx(lam)
    one_hot = torch.eye(5)[labels]
    expected = lam_local * one_hot[:4] + (1 - lam_local) * one_hot[4:]
    local = torch.stack([s.gt_score for s in out['data_samples'][4:]])
    torch.testing.assert_close(local, expected, atol=1e-6, rtol=0)


def test_validation_only_normalises():
    """Outside training: (x - mean) / std per channel, in order, labels
    untouched, nothing mixed and no random number drawn."""
    # per channel: (120 - 120) / 60 = 0, (187 - 125) / 62 = 1,
    # (2 - 130) / 64 = -2; the second image one grey level up
    images = [
        torch.tensor([120, 187, 2], dtype=torch.uint8).view(3, 1, 1).expand(
            3, 4, 4) + k for k in range(2)
    ]
    samples = [DataSample().set_gt_label(label) for label in (3, 1)]
    state = np.random.get_state()[1].copy()
    out = preprocessor()({'inputs': images, 'data_samples': samples})
    assert (np.random.get_state()[1] == state).all()
    expected = torch.tensor([[0., 1., -2.], [1 / 60, 1 + 1 / 62, -2 + 1 / 64]])
    torch.testing.assert_close(out['inputs'],
                               expected.view(2, 3, 1, 1).expand(2, 3, 4, 4))
    assert [s.gt_label.item() for s in out['data_samples']] == [3, 1]
    assert all('gt_score' not in s for s in out['data_samples'])


# (H, W), lam, the centre drawn (row, then column) and the box by hand:
# cut = ceil(side * sqrt(1 - lam)), box = centre -+ cut // 2, clipped
BOXES = [
    # 32 * 0.8 = 25.6 -> 26: 16 -+ 13 (a floor, 25, would give 16 -+ 12)
    ((32, 32), 0.36, (16, 16), (3, 29, 3, 29)),
    # 32 * 0.5 = 16: rows 0 -+ 8 clipped at 0, columns 31 -+ 8 at 32
    ((32, 32), 0.75, (0, 31), (0, 8, 23, 32)),
    # the whole side: 5 -+ 16 and 20 -+ 16, clipped
    ((32, 32), 0.0, (5, 20), (0, 21, 4, 32)),
    ((32, 32), 1.0, (10, 10), (10, 10, 10, 10)),  # an empty box
    # 24 * 0.7071 = 16.97 -> 17: 12 -+ 8; 40 * 0.7071 = 28.28 -> 29: 20 -+ 14
    ((24, 40), 0.5, (12, 20), (4, 20, 6, 34)),
]


@pytest.mark.parametrize('shape, lam, centre, box', BOXES)
def test_cutmix_box_is_the_reference_rule(monkeypatch, shape, lam, centre,
                                          box):
    """GLMCCutMix and the authors' step in glmc_mm.benchmark, each against
    boxes computed by hand."""
    for draw in (GLMCCutMix().rand_bbox, authors_box):
        drawn = iter(centre)
        monkeypatch.setattr(np.random, 'randint', lambda n: next(drawn))
        assert draw(shape, lam) == box


def glmc_head(alpha):
    torch.manual_seed(0)
    head = GLMCHead(
        num_classes=5,
        in_channels=6,
        proj_channels=4,
        consistency_loss=dict(type='GLMCConsistencyLoss', loss_weight=4.0))
    head.init_weights()
    head.alpha = alpha
    return head


def soft_samples(batch=4, seed=0):
    gen = torch.Generator().manual_seed(seed)
    samples = []
    for _ in range(2 * batch):
        t = torch.rand(5, generator=gen)
        sample = DataSample().set_gt_score(t / t.sum())
        sample.set_field(torch.rand(5, generator=gen) * 3, 'weighted_score')
        samples.append(sample)
    return samples


@pytest.mark.parametrize('epoch', [0, 3])
def test_head_loss_is_the_spec_total(epoch):
    alpha = 1 - (epoch / 5)**2
    head = glmc_head(alpha)
    feats = torch.randn(8, 6, generator=torch.Generator().manual_seed(2))
    samples = soft_samples()
    losses = head.loss((feats, ), samples)

    t = torch.stack([s.gt_score for s in samples])
    s = torch.stack([s.weighted_score for s in samples])
    fc = feats @ head.fc.weight.T + head.fc.bias
    cb = feats @ head.fc_cb.weight.T + head.fc_cb.bias
    z = feats @ head.projector[0].weight.T + head.projector[0].bias
    p = z @ head.predictor[0].weight.T + head.predictor[0].bias

    ce, negcos = soft_cross_entropy, negative_cosine
    g, loc = slice(0, 4), slice(4, 8)
    balanced = alpha * (ce(fc[g], t[g]) + ce(fc[loc], t[loc]))
    rebalanced = (1 - alpha) * (ce(cb[g], s[g]) + ce(cb[loc], s[loc]))
    consistency = 4.0 * (negcos(p[g], z[loc]) + negcos(p[loc], z[g]))
    # the cosine written out: normalised rows, summed products
    assert negcos(p[g], z[loc]).item() == pytest.approx(
        -(F.normalize(p[g], dim=1) *
          F.normalize(z[loc], dim=1)).sum(1).mean().item(),
        abs=1e-6)
    for name, value in (('loss_balanced', balanced),
                        ('loss_rebalanced', rebalanced), ('loss_consistency',
                                                          consistency)):
        assert losses[name].item() == pytest.approx(
            value.item(), rel=1e-6, abs=1e-6)
    total = sum(losses.values())
    assert total.item() == pytest.approx(
        (balanced + rebalanced + consistency).item(), rel=1e-6, abs=1e-6)
    if epoch == 0:
        assert losses['loss_rebalanced'].item() == 0


def test_consistency_loss_stops_the_gradient_of_its_targets():
    gen = torch.Generator().manual_seed(3)
    p_g, z_g, p_l, z_l = (
        torch.randn(4, 6, generator=gen).requires_grad_() for _ in range(4))
    GLMCConsistencyLoss(loss_weight=2.0)(p_g, z_g, p_l, z_l).backward()
    assert z_g.grad is None and z_l.grad is None
    assert p_g.grad.abs().sum() > 0 and p_l.grad.abs().sum() > 0
    # Without the stop-gradient the targets would receive a gradient.
    (-F.cosine_similarity(p_g, z_l).mean()).backward()
    assert z_l.grad.abs().sum() > 0


def test_head_consistency_gradient_reaches_the_projection_only_via_p():
    head = glmc_head(0.5)
    feats = torch.randn(8, 6, generator=torch.Generator().manual_seed(4))
    captured = {}

    def keep(module, args, output):
        output.retain_grad()
        captured['z'] = output

    handle = head.projector.register_forward_hook(keep)
    head.loss((feats, ), soft_samples())['loss_consistency'].backward()
    handle.remove()

    z = captured['z'].detach().requires_grad_()
    p = head.predictor(z)
    manual = 4.0 * (-F.cosine_similarity(p[:4], z[4:].detach()).mean() -
                    F.cosine_similarity(p[4:], z[:4].detach()).mean())
    manual.backward()
    torch.testing.assert_close(captured['z'].grad, z.grad)
    assert head.fc.weight.grad is None and head.fc_cb.weight.grad is None


def small_classifier(**kwargs):
    model = GLMCClassifier(
        backbone=dict(type='CIFARResNet', depth=8, base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='GLMCHead', num_classes=5, in_channels=16, proj_channels=8),
        data_preprocessor=dict(num_classes=5, mean=MEAN, std=STD),
        **kwargs)
    model.init_weights()
    return model


def test_classifier_runs_two_separate_passes():
    data, _ = two_view_batch(batch=4, size=32)
    torch.manual_seed(0)
    model = small_classifier()
    model.data_preprocessor.set_class_counts(COUNTS)
    model.head.alpha = 0.5
    np.random.seed(0)
    batch = model.data_preprocessor(data, True)
    calls = []
    model.backbone.register_forward_hook(
        lambda m, a, o: calls.append(a[0].clone()))
    losses = model.loss(**batch)
    assert [len(c) for c in calls] == [4, 4]
    torch.testing.assert_close(torch.cat(calls), batch['inputs'])
    # BatchNorm statistics per pass: features differ from one 2B pass.
    fused = model.head.loss(
        model.extract_feat(batch['inputs']), batch['data_samples'])
    assert fused['loss_balanced'] != losses['loss_balanced']


def test_channels_last_classifier_gives_the_same_loss_and_gradients():
    data, _ = two_view_batch(batch=4, size=32)
    torch.manual_seed(0)
    nchw = small_classifier()
    nhwc = small_classifier(channels_last=True)
    nhwc.load_state_dict(nchw.state_dict())
    kernels = [p for p in nhwc.parameters() if p.dim() == 4]
    # CIFAR ResNet-8: the stem and 3 stages of one 2-convolution block
    assert len(kernels) == 7
    assert all(
        p.is_contiguous(
            memory_format=torch.channels_last) and not p.is_contiguous()
        for p in kernels)
    image = torch.randn(2, 3, 32, 32)
    assert image.is_contiguous()
    assert nhwc.backbone(image)[-1].is_contiguous(
        memory_format=torch.channels_last)

    grads = []
    for model in (nchw, nhwc):
        model.data_preprocessor.set_class_counts(COUNTS)
        model.head.alpha = 0.5
        np.random.seed(0)
        losses = model.loss(**model.data_preprocessor(data, True))
        sum(losses.values()).backward()
        grads.append([p.grad for p in model.parameters()])
        assert losses['loss_balanced'] > 0.1
    for grad_nchw, grad_nhwc in zip(*grads):
        torch.testing.assert_close(grad_nhwc, grad_nchw, atol=1e-5, rtol=1e-4)


def test_preprocessor_errors_name_the_fix():
    data, _ = two_view_batch()
    pre = GLMCDataPreprocessor(num_classes=5, mean=MEAN, std=STD)
    with pytest.raises(RuntimeError, match="dict\\(type='ClassCountsHook'\\)"):
        pre(data, training=True)
    with pytest.raises(
            ValueError,
            match='model.data_preprocessor.num_classes'
            '=5 but the training set \\(toy\\) has 3 classes'):
        record_class_counts(small_classifier(), [1, 2, 3], 'toy')
    with pytest.raises(
            ValueError,
            match=r'GLMCDataPreprocessor: class 2 has 0 '
            r'training images, so its label weight n \*\* -1.2 is '
            'infinite'):
        pre.set_class_counts([3, 1, 0, 2, 2])
    with pytest.raises(ValueError, match='MultiView'):
        preprocessor()({
            'inputs': data['inputs'][0],
            'data_samples': data['data_samples']
        }, True)
    with pytest.raises(RuntimeError, match='CumulativeLearningHook'):
        GLMCHead(
            num_classes=5, in_channels=6).loss((torch.zeros(8, 6), ),
                                               soft_samples())


@pytest.mark.parametrize('width,params,feature', [(16, 463504, 64),
                                                  (64, 7383616, 256)])
def test_resnet32_parameter_counts(width, params, feature):
    backbone = CIFARResNet(depth=32, base_channels=width)
    assert sum(p.numel() for p in backbone.parameters()) == params
    # 3 stages x 5 blocks x 2 convolutions + the stem
    convs = [m for m in backbone.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 31
    out = backbone(torch.zeros(2, 3, 32, 32))
    assert isinstance(out, tuple) and out[-1].shape == (2, feature, 8, 8)


def test_cumulative_hook_in_an_iteration_based_loop():
    head = SimpleNamespace(alpha=None)
    model = SimpleNamespace(get_submodule=lambda name: head)
    runner = SimpleNamespace(
        model=model,
        train_loop=object.__new__(IterBasedTrainLoop),
        iter=300,
        max_iters=1000,
        message_hub=MessageHub.get_instance('glmc-iter-test'))
    hook = CumulativeLearningHook()
    hook.before_train_iter(runner, 0)
    assert head.alpha == pytest.approx(1 - 0.3**2)
    assert runner.message_hub.get_scalar('train/alpha').current() == \
        pytest.approx(0.91)


def test_max_norm_projects_rows_to_the_first_threshold():
    directions = F.normalize(torch.randn(5, 3), dim=1)
    weight = directions * torch.tensor([1., 2., 3., 4., 5.]).unsqueeze(1)
    hook = MaxNormHook(thresh=0.25)
    hook.project(weight)
    assert hook.threshold == pytest.approx(1 + 0.25 * (5 - 1))
    torch.testing.assert_close(
        weight.norm(dim=1), torch.tensor([1., 2., 2., 2., 2.]))
    torch.testing.assert_close(F.normalize(weight, dim=1), directions)
    grown = weight * 3
    hook.project(grown)
    assert hook.threshold == pytest.approx(2.0)
    assert grown.norm(dim=1).max().item() <= 2.0 + 1e-6


def glmc_before_train(epochs: int) -> list:
    """``CumulativeLearningHook.before_train`` of an ``epochs``-epoch GLMC
    run: the messages it logs."""
    import logging

    from mmengine.logging import MMLogger
    from mmengine.runner import EpochBasedTrainLoop
    messages = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    sampler = object.__new__(RebalancedBatchSampler)
    sampler.with_uniform = True
    try:
        CumulativeLearningHook().before_train(
            SimpleNamespace(
                model=torch.nn.ModuleDict({'head': torch.nn.Identity()}),
                train_loop=object.__new__(EpochBasedTrainLoop),
                train_dataloader=SimpleNamespace(batch_sampler=sampler),
                max_epochs=epochs))
    finally:
        logger.removeHandler(handler)
    return [m for m in messages if 'GLMC is trained for' in m]


def test_short_schedules_are_warned_about_in_numbers():
    # (29 / 30) ** 2 = 0.93; 29 * 59 / 180 = 9.5; 199 * 399 / 1200 = 66.2
    assert glmc_before_train(30) == [
        'GLMC is trained for max_epochs=30, fewer than min_epochs=100: fc_cb, '
        'the re-balanced classifier that predicts, gets loss weight 1 - alpha '
        '= (epoch / 30) ** 2, 0 in the first epoch and 0.93 in the last, 9.5 '
        "epochs at full weight in all (the paper's 200 epochs give it 66.2); "
        'expect lower accuracy than with a long schedule.'
    ]
    assert glmc_before_train(100) == glmc_before_train(200) == []


def test_one_epoch_glmc_is_refused():
    with pytest.raises(
            ValueError,
            match=r'GLMC with max_epochs=1: fc_cb, .* '
            r'which is 0 for the whole run'):
        glmc_before_train(1)
    assert len(glmc_before_train(2)) == 1


def test_training_step_equals_the_authors_step():
    """The whole step (preprocessor, two passes, head) against the authors'
    mixing and loss on the same network, with the same lam and box."""
    data, labels = two_view_batch(batch=4, size=32)
    torch.manual_seed(0)
    model = small_classifier()
    record_class_counts(model, COUNTS, 'toy')
    model.head.alpha = 0.64
    np.random.seed(5)
    losses = model.loss(**model.data_preprocessor(data, True))
    ours = sum(losses.values())

    np.random.seed(5)
    lam = np.random.beta(1.0, 1.0)
    box = authors_box((32, 32), lam)
    mean = torch.tensor(MEAN).view(3, 1, 1)
    std = torch.tensor(STD).view(3, 1, 1)
    views = [(torch.stack(view).float() - mean) / std
             for view in data['inputs']]
    one_hot = torch.eye(5)[labels]
    x_g, x_l, t = authors_mix(views[0][:4], views[1][:4], views[0][4:],
                              views[1][4:], one_hot[:4], one_hot[4:], lam, box)

    def forward(x):
        feature = model.neck(model.backbone(x))[-1]
        z = model.head.projector(feature)
        return (model.head.fc(feature), model.head.fc_cb(feature), z,
                model.head.predictor(z))

    theirs = authors_loss(
        forward(x_g), forward(x_l), t, authors_label_weights(COUNTS, 1.2),
        0.64, 1.0)
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-5)


def test_fc_cb_weight_over_a_run_in_epochs():
    # (E - 1)(2E - 1) / (6E): 0 at E = 1, 1 * 3 / 12 at 2, 29 * 59 / 180 at 30
    assert fc_cb_epochs(1) == 0
    assert fc_cb_epochs(2) == pytest.approx(0.25)
    assert fc_cb_epochs(30) == pytest.approx(9.50556, abs=1e-5)
    assert fc_cb_epochs(200) == pytest.approx(
        sum((e / 200)**2 for e in range(200)))


def test_same_size_collate_names_the_odd_view():
    """Two views per sample, as GLMC's pipeline gives: one sample's second
    view is larger, and it is named by its file."""
    batch = []
    for i in range(4):
        sample = DataSample(metainfo=dict(img_path=f'/data/{i}.png'))
        views = [torch.zeros(3, 8, 8), torch.zeros(3, 12 if i == 2 else 8, 8)]
        batch.append({'inputs': views, 'data_samples': sample})
    with pytest.raises(
            ValueError,
            match=r'/data/2\.png is 3 x 8 x 8 and '
            r'3 x 12 x 8, the other 3 are 3 x 8 x 8 and 3 x 8 x 8'):
        same_size_collate(batch)
    batch[2]['inputs'][1] = torch.zeros(3, 8, 8)
    stacked = same_size_collate(batch)
    assert [tuple(view.shape) for view in stacked['inputs']] == [(4, 3, 8, 8),
                                                                 (4, 3, 8, 8)]
