"""The Fashion-MNIST configs on an image file and in a FLOPs count, and
the inferencer that loads a checkpoint as strictly as tools/test.py."""
import os.path as osp
import sys

import cv2
import numpy as np
import torch
from mmengine.analysis import FlopAnalyzer
from mmengine.config import Config
from mmpretrain.apis import ImageClassificationInferencer, get_model
from tiny_run import REPO, run_tool

from glmc_mm.apis import LongTailInferencer
from glmc_mm.utils.model_complexity import model_complexity

CONFIG = osp.join(REPO, 'configs', 'glmc',
                  'glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py')


def test_infers_from_colour_png_and_jpeg_files(tmp_path):
    image = np.random.default_rng(0).integers(
        0, 256, (28, 28, 3), dtype=np.uint8)
    inferencer = ImageClassificationInferencer(CONFIG)
    for name in ('shirt.png', 'shirt.jpg'):
        path = str(tmp_path / name)
        cv2.imwrite(path, image)
        result = inferencer(path)[0]
        assert 0 <= result['pred_label'] < 10
        assert len(result['pred_scores']) == 10


def test_flops_are_counted_on_one_grey_channel():
    cfg = Config.fromfile(CONFIG)
    results = model_complexity(cfg, (28, 28))
    assert results['input_shape'] == (1, 28, 28)
    model = get_model(cfg).eval()
    assert results['params'] == sum(p.numel() for p in model.parameters())
    flops = FlopAnalyzer(model.backbone, torch.zeros(1, 1, 28, 28))
    # the stem: 16 filters of 1 x 3 x 3 at each of the 28 x 28 positions
    assert flops.by_module()['conv1'] == 16 * 9 * 28 * 28
    # the backbone, plus at most the global pooling of its 64 x 7 x 7 output
    assert flops.total() <= results['flops'] <= flops.total() + 64 * 7 * 7


def test_get_flops_tool_prints_the_grey_input():
    result = run_tool([
        sys.executable, 'tools/analysis_tools/get_flops.py', CONFIG, '--shape',
        '28'
    ],
                      check=True)
    assert 'Input shape: (1, 28, 28)' in result.stdout


def test_the_grey_test_transform_leaves_dataset_arrays_and_the_rng_alone():
    from mmpretrain.registry import TRANSFORMS
    to_grey = TRANSFORMS.build(dict(type='RandomLumaGrayscale', prob=1.0))
    grey = np.arange(28 * 28, dtype=np.uint8).reshape(28, 28)
    before = np.random.get_state()[1].copy()
    assert to_grey.transform({'img': grey.copy()})['img'].tolist() == \
        grey.tolist()
    assert (np.random.get_state()[1] == before).all()  # nothing drawn
    colour = np.dstack([grey, grey, grey])  # equal channels: the same grey
    assert to_grey.transform({'img': colour})['img'].tolist() == \
        grey.tolist()


def test_long_tail_inferencer_loads_a_checkpoint_silently(
        finished_run, capsys):
    """The CE model has no ``train_class_counts`` buffer until a run gives
    it one: MMPretrain's inferencer warns about the checkpoint's; ours
    loads it silently, and predicts the same."""
    image = np.random.default_rng(0).integers(
        0, 256, (28, 28, 3), dtype=np.uint8)
    capsys.readouterr()
    theirs = ImageClassificationInferencer(
        finished_run.config, pretrained=finished_run.checkpoint)
    assert 'unexpected key in source state_dict: train_class_counts' in \
        capsys.readouterr().out
    ours = LongTailInferencer(
        finished_run.config, pretrained=finished_run.checkpoint)
    assert 'do not match' not in ''.join(capsys.readouterr())
    expected = theirs(image)[0]
    result = ours(image)[0]
    assert result['pred_label'] == expected['pred_label']
    np.testing.assert_array_equal(result['pred_scores'],
                                  expected['pred_scores'])
    assert result['pred_class'] == expected['pred_class']
    checkpoint = torch.load(finished_run.checkpoint, weights_only=True)
    assert ours.classes == checkpoint['meta']['dataset_meta']['classes']
    assert ours.model.train_class_counts.tolist() == [
        24, 20, 17, 15, 12, 11, 9, 8, 6, 6
    ]
