"""The points where the authors' released code was matched: numbers from
their code (restated here) or from PIL, which their pipeline uses."""
import math

import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmpretrain.registry import PARAM_SCHEDULERS, TRANSFORMS
from PIL import Image

from glmc_mm.models import GLMCHead


def authors_learning_rates(base, epochs, warmup=10):
    """The authors' loop: the optimizer starts at ``base``; after training
    epoch ``e`` their warm-up/cosine rule sets the rate from ``e``."""
    rates, lr = [], base
    for epoch in range(epochs):
        rates.append(lr)
        if epoch <= warmup:
            lr = base / warmup * (epoch + 1)
        else:
            lr = base * 0.5 * (1. + math.cos(math.pi * (epoch - warmup + 1) /
                                             (epochs - warmup + 1)))
    return rates


@pytest.mark.parametrize('epochs', [135, 120])
def test_imagenet_learning_rates_equal_the_authors(epochs):
    expected = authors_learning_rates(0.1, epochs)
    # their sequence, in words: 0.1, then 0.01 ... 0.11, then cosine
    assert expected[0] == 0.1
    assert expected[1:12] == pytest.approx([0.01 * k for k in range(1, 12)])
    assert expected[12] == pytest.approx(0.05 * (1 + math.cos(math.pi * 2 /
                                                              (epochs - 9))))
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = PARAM_SCHEDULERS.build(
        dict(
            type='EpochEndWarmupCosineLR',
            warmup_epochs=10,
            total_epochs=epochs),
        default_args=dict(optimizer=OptimWrapper(optimizer)))
    ours = []
    for _ in range(epochs):
        ours.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        scheduler.step()
    assert ours == expected  # bit for bit
    # a scheduler restored from a state dict continues the sequence
    state = scheduler.state_dict()
    state['last_step'] = 59
    scheduler.load_state_dict(state)
    scheduler.step()
    assert optimizer.param_groups[0]['lr'] == expected[60]


def test_learning_rate_scheduler_rejects_a_bad_schedule():
    optimizer = OptimWrapper(
        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1))
    with pytest.raises(ValueError, match='warmup_epochs=10, total_epochs=5'):
        PARAM_SCHEDULERS.build(
            dict(type='EpochEndWarmupCosineLR', total_epochs=5),
            default_args=dict(optimizer=optimizer))


def test_head_has_kaiming_weights_and_pytorch_default_biases():
    torch.manual_seed(0)
    head = GLMCHead(num_classes=1000, in_channels=2048, proj_channels=256)
    head.init_weights()
    for layer, fan_in in ((head.fc, 2048), (head.fc_cb, 2048),
                          (head.projector[0], 2048), (head.predictor[0], 256)):
        bound = 1 / math.sqrt(fan_in)
        bias = layer.bias.detach()
        # U(-1/sqrt(fan_in), 1/sqrt(fan_in)): inside the bound, spread over
        # it (std bound / sqrt(3)), not zero
        assert bias.abs().max().item() <= bound
        assert bias.std().item() == pytest.approx(
            bound / math.sqrt(3), rel=0.15)
        # Kaiming-normal weights: std sqrt(2 / fan_in)
        assert layer.weight.std().item() == pytest.approx(
            math.sqrt(2 / fan_in), rel=0.05)


def real_colours():
    """Every grey level and primary ramp, and 200,000 random colours."""
    ramp = np.arange(256, dtype=np.uint8)
    zeros = np.zeros(256, dtype=np.uint8)
    ramps = [
        np.stack(c, axis=1)
        for c in ((ramp, ramp, ramp), (ramp, zeros, zeros),
                  (zeros, ramp, zeros), (zeros, zeros, ramp), (ramp, ramp,
                                                               zeros))
    ]
    rng = np.random.default_rng(0)
    return np.concatenate(
        [*ramps, rng.integers(0, 256, (200000, 3), dtype=np.uint8)])


def test_grey_views_equal_pil_convert_l():
    rgb = real_colours().reshape(1, -1, 3)
    pil = np.asarray(Image.fromarray(rgb).convert('L'))
    grey = TRANSFORMS.build(
        dict(type='RandomLumaGrayscale', prob=1.0, keep_channels=True))
    out = grey.transform({'img': np.ascontiguousarray(rgb[..., ::-1])})['img']
    assert out.shape == rgb.shape and out.dtype == np.uint8
    assert np.array_equal(out[..., 0], pil)
    assert np.array_equal(out[..., 1], pil) and np.array_equal(
        out[..., 2], pil)
    # MMCV's default, the truncated channel mean, is another image
    mean = TRANSFORMS.build(dict(type='RandomGrayscale', prob=1.0))
    plain = mean.transform({'img': rgb[..., ::-1].copy()})['img']
    assert np.abs(plain.astype(int) - pil.astype(int)).max() > 50


def test_grey_views_are_drawn_with_their_probability():
    grey = TRANSFORMS.build(dict(type='RandomLumaGrayscale', prob=0.2))
    np.random.seed(0)
    image = np.dstack([np.full((2, 2), v, np.uint8) for v in (10, 120, 250)])
    turned = sum(
        grey.transform({'img': image.copy()})['img'].ndim == 2
        for _ in range(5000))
    assert turned / 5000 == pytest.approx(0.2, abs=0.02)


def test_exif_rotated_jpeg_is_decoded_as_pil_does(tmp_path):
    # a 40x64 image whose EXIF tag says "rotate 90 degrees"
    rng = np.random.default_rng(0)
    pixels = np.kron(rng.integers(0, 256, (5, 8, 3)), np.ones((8, 8, 1)))
    image = Image.fromarray(pixels.astype(np.uint8))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW
    path = str(tmp_path / 'rotated.jpg')
    image.save(path, quality=95, exif=exif.tobytes())
    theirs = np.asarray(Image.open(path).convert('RGB'))  # authors' loading
    assert theirs.shape == (40, 64, 3)
    load = TRANSFORMS.build(
        dict(type='LoadImageFromFile', color_type='color_ignore_orientation'))
    ours = load({'img_path': path})['img'][..., ::-1]  # BGR -> RGB
    assert ours.shape == theirs.shape
    assert np.abs(ours.astype(int) - theirs.astype(int)).mean() < 1.0
    # MMCV's default decoding turns the image
    turned = TRANSFORMS.build(dict(type='LoadImageFromFile'))
    assert turned({'img_path': path})['img'].shape == (64, 40, 3)
