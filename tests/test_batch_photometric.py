"""The photometric augmentations on the batch (BatchPhotometricAugment)
draw what the per-image transforms of the ImageNet-LT pipeline draw, and
compute what they compute."""
import itertools
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS, TRANSFORMS
from mmpretrain.structures import DataSample
from PIL import Image, ImageFilter
from tiny_run import REPO

from glmc_mm.models.utils import BatchPhotometricAugment

DRAWS = 20000
# Frequencies from DRAWS draws have a standard deviation of at most
# sqrt(0.25 / 20000) = 0.0035; the two samples differ by at most 5 of them.
TOLERANCE = 5 * np.sqrt(2 * 0.25 / DRAWS)

CONFIGS = osp.join(REPO, 'configs', 'glmc')


def image() -> np.ndarray:
    """A smooth 224 x 224 BGR image with some grain, as a photo crop."""
    rng = np.random.default_rng(0)
    smooth = mmcv.imresize(
        rng.integers(0, 256, (6, 6, 3)).astype(np.uint8), (224, 224))
    grain = rng.normal(0, 8, smooth.shape)
    return np.clip(smooth + grain, 0, 255).astype(np.uint8)


def apply_one(img: np.ndarray, **params) -> np.ndarray:
    """BatchPhotometricAugment on one image with the given parameters."""
    base = dict(
        factors=torch.ones(1, 3),
        order=torch.tensor([[0, 1, 2]]),
        grey=torch.tensor([False]),
        blur=torch.tensor([False]),
        sigma=torch.tensor([1.0]))
    base.update(params)
    x = torch.from_numpy(img).permute(2, 0, 1)[None].float()
    out = BatchPhotometricAugment().augment(x, base)[0]
    return out.permute(1, 2, 0).numpy()


@pytest.mark.parametrize('op, factor, reference', [
    (0, 1.3, lambda img: mmcv.adjust_brightness(img, 1.3)),
    (0, 0.6, lambda img: mmcv.adjust_brightness(img, 0.6)),
    (1, 0.7, lambda img: mmcv.adjust_contrast(img, 0.7)),
    (1, 1.4, lambda img: mmcv.adjust_contrast(img, 1.4)),
    (2, 1.35, lambda img: mmcv.adjust_color(img, 1.35)),
    (2, 0.6, lambda img: mmcv.adjust_color(img, 0.6)),
])
def test_each_jitter_step_is_mmcvs_to_its_8_bit_rounding(
        op, factor, reference):
    """MMPretrain's ColorJitter calls these MMCV functions, which truncate
    to 8 bits after each step; we keep floats: less than one level apart,
    plus float32 rounding. (A value within float32 rounding of an integer
    can truncate either way: contrast 1.4 has a pixel whose exact value is
    1.99999924, which OpenCV 5 computes as 1.9999983 and truncates to 1,
    and we as 2.0000038.)"""
    img = image()
    factors = torch.ones(1, 3)
    factors[0, op] = factor
    ours = apply_one(img, factors=factors)
    assert np.abs(ours - reference(img).astype(np.float32)).max() < 1.0 + 1e-3


def test_grey_is_the_pil_luma_of_the_grey_transform():
    img = image()
    ours = apply_one(img, grey=torch.tensor([True]))
    grey = TRANSFORMS.build(
        dict(type='RandomLumaGrayscale', prob=1.0, keep_channels=True))
    reference = grey.transform({'img': img.copy()})['img']
    assert np.abs(ours - reference).max() <= 0.5  # PIL rounds the level
    assert (ours[..., 0] == ours[..., 2]).all()


@pytest.mark.parametrize('sigma', [0.1, 0.3, 0.7, 2.0])
def test_blur_is_pils_gaussian_blur_to_its_box_approximation(sigma):
    """MMPretrain's GaussianBlur is PIL's (three box passes); ours is the
    exact Gaussian. Measured on this image: at most 0.72 levels apart on
    average (at sigma 0.7), and from sigma 0.5 on, the blur changes the
    image by the same amount to within 14 %."""
    img = image()
    ours = apply_one(
        img, blur=torch.tensor([True]), sigma=torch.tensor([sigma]))
    reference = np.asarray(
        Image.fromarray(img).filter(ImageFilter.GaussianBlur(radius=sigma)),
        dtype=np.float32)
    assert np.abs(ours - reference).mean() < 1.0
    if sigma >= 0.5:
        change = np.abs(ours - img).mean() / np.abs(reference - img).mean()
        assert 0.85 < change < 1.2
        assert np.abs(ours - img).mean() > 4  # it does blur


def reference_draws(generator: np.random.Generator = None) -> dict:
    """DRAWS draws of the per-image transforms of the ImageNet-LT config,
    through their own random draws (NumPy's global generator)."""
    cfg = Config.fromfile(
        osp.join(CONFIGS, 'glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py'))
    views = {
        t['type']: t
        for t in cfg.train_dataloader.dataset.pipeline[1]['transforms'][0]
    }
    jitter = TRANSFORMS.build(views['ColorJitter'])
    grey = TRANSFORMS.build(views['RandomLumaGrayscale'])
    blur = TRANSFORMS.build(views['GaussianBlur'])
    np.random.seed(0)
    factors, orders, greys, blurs, sigmas = [], [], [], [], []
    for _ in range(DRAWS):
        order, b, c, s, _ = jitter._rand_params()
        factors.append((b, c, s))
        orders.append(tuple(int(i) for i in order if i < 3))
        greys.append(grey._random_prob() < grey.prob)
        blurred = not blur.random_disable()
        blurs.append(blurred)
        if blurred:
            sigmas.append(blur.random_magnitude())
    return dict(
        factors=np.array(factors),
        order=orders,
        grey=np.array(greys),
        blur=np.array(blurs),
        sigma=np.array(sigmas))


def batch_draws() -> dict:
    cfg = Config.fromfile(
        osp.join(CONFIGS,
                 'glmc-batchaug_resnext50-32x4d_8xb15-135e_imagenet-lt.py'))
    module = MODELS.build(cfg.data_preprocessor.photometric)
    drawn = module.draw(DRAWS, torch.Generator().manual_seed(0))
    return dict(
        factors=drawn['factors'].numpy(),
        order=[tuple(o) for o in drawn['order'].tolist()],
        grey=drawn['grey'].numpy(),
        blur=drawn['blur'].numpy(),
        sigma=drawn['sigma'][drawn['blur']].numpy())


def histogram(values: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.histogram(values, bins=10, range=(low, high))[0] / len(values)


def test_the_batch_draws_what_the_per_image_transforms_draw():
    ref, ours = reference_draws(), batch_draws()
    for k in range(3):  # brightness, contrast, saturation in [0.6, 1.4]
        for draws in (ref['factors'][:, k], ours['factors'][:, k]):
            assert 0.6 <= draws.min() < 0.601 and 1.399 < draws.max() <= 1.4
        assert np.abs(
            histogram(ref['factors'][:, k], 0.6, 1.4) -
            histogram(ours['factors'][:, k], 0.6, 1.4)).max() < TOLERANCE
    for perm in itertools.permutations(range(3)):  # each order 1/6
        assert abs(ref['order'].count(perm) / DRAWS -
                   ours['order'].count(perm) / DRAWS) < TOLERANCE
    for key, p in (('grey', 0.2), ('blur', 0.5)):
        assert abs(ref[key].mean() - p) < TOLERANCE
        assert abs(ours[key].mean() - p) < TOLERANCE
    for sigma in (ref['sigma'], ours['sigma']):
        assert 0.1 <= sigma.min() and sigma.max() <= 2.0
    assert np.abs(
        histogram(ref['sigma'], 0.1, 2.0) -
        histogram(ours['sigma'], 0.1, 2.0)).max() < 2 * TOLERANCE


def test_the_workers_keep_the_crop_and_flip_unchanged():
    """Crop scale and aspect, and the flip, are drawn by the same
    transforms with the same settings: only the photometric steps moved."""
    plain = Config.fromfile(
        osp.join(CONFIGS, 'glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py'))
    batch = Config.fromfile(
        osp.join(CONFIGS,
                 'glmc-batchaug_resnext50-32x4d_8xb15-135e_imagenet-lt.py'))
    views = plain.train_dataloader.dataset.pipeline[1]['transforms'][0]
    moved = {'ColorJitter', 'RandomLumaGrayscale', 'GaussianBlur'}
    kept = [t for t in views if t['type'] not in moved]
    assert batch.train_dataloader.dataset.pipeline[1]['transforms'][0] == \
        kept
    assert [t['type']
            for t in kept] == ['ContiguousRandomResizedCrop', 'RandomFlip']
    assert batch.train_dataloader.dataset.pipeline[0] == \
        plain.train_dataloader.dataset.pipeline[0]


def test_contiguous_random_resized_crop_is_mmpretrains_pixel_for_pixel():
    """The same draws and the same pixels as MMPretrain's transform."""
    rng = np.random.default_rng(0)
    ours = TRANSFORMS.build(
        dict(type='ContiguousRandomResizedCrop', scale=224, backend='pillow'))
    theirs = TRANSFORMS.build(
        dict(type='RandomResizedCrop', scale=224, backend='pillow'))
    for shape in ((375, 500, 3), (500, 333, 3), (230, 240, 3)):
        img = rng.integers(0, 256, shape, dtype=np.uint8)
        for seed in range(5):
            np.random.seed(seed)
            a = ours.transform({'img': img.copy()})['img']
            np.random.seed(seed)
            b = theirs.transform({'img': img.copy()})['img']
            assert a.shape == (224, 224, 3) and np.array_equal(a, b)


def test_preprocessor_applies_it_to_every_view_before_mixing():
    kwargs = dict(
        type='GLMCDataPreprocessor',
        num_classes=4,
        mean=[0, 0, 0],
        std=[1, 1, 1],
        label_weighting=0)
    identity = dict(
        type='BatchPhotometricAugment',
        brightness=0,
        contrast=0,
        saturation=0,
        grey_prob=0,
        blur_prob=0)
    plain = MODELS.build(kwargs)
    same = MODELS.build(dict(kwargs, photometric=identity))
    grey = MODELS.build(
        dict(kwargs, photometric=dict(identity, grey_prob=1.0)))
    views = [
        torch.randint(0, 256, (4, 3, 8, 8), dtype=torch.uint8)
        for _ in range(2)
    ]

    def run(preprocessor):
        np.random.seed(1)
        samples = [DataSample().set_gt_label(i % 4) for i in range(4)]
        return preprocessor({
            'inputs': views,
            'data_samples': samples
        },
                            training=True)['inputs']

    assert torch.equal(run(same), run(plain))
    mixed = run(grey)
    assert not torch.equal(mixed, run(plain))
    assert torch.allclose(mixed[:, 0], mixed[:, 1]) and \
        torch.allclose(mixed[:, 1], mixed[:, 2])


def test_the_batchaug_config_builds_and_initialises_its_model():
    from mmpretrain import get_model
    model = get_model(
        osp.join(CONFIGS,
                 'glmc-batchaug_resnext50-32x4d_8xb15-135e_imagenet-lt.py'))
    model.init_weights()
    assert isinstance(model.data_preprocessor.photometric,
                      BatchPhotometricAugment)


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match='brightness must be.*1.5'):
        BatchPhotometricAugment(brightness=1.5)
    with pytest.raises(ValueError, match=r'blur_sigma.*\(2.0, 0.1\)'):
        BatchPhotometricAugment(blur_sigma=(2.0, 0.1))
