"""GLMC's configs in MMPretrain's model index."""
import glob
import os.path as osp

import numpy as np
from mmpretrain import get_model, list_models
from mmpretrain.apis import ImageClassificationInferencer, ModelHub
from tiny_run import REPO

from glmc_mm.models import GLMCClassifier

NAME = 'glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt'


def test_every_glmc_config_is_listed_with_the_papers_figures():
    names = list_models('*glmc*')
    configs = {
        osp.splitext(osp.basename(path))[0]
        for path in glob.glob(osp.join(REPO, 'configs', 'glmc', 'glmc*.py'))
    }
    assert NAME in configs and set(names) == configs
    assert 'glmc-bs_resnext50-32x4d_8xb15-135e_imagenet-lt' in names
    meta = ModelHub.get('glmc_resnext50-32x4d_8xb15-135e_imagenet-lt')
    result = meta.results[0]
    assert result.dataset == 'ImageNet-LT'
    assert result.metrics['Top 1 Accuracy'] == 56.3
    assert meta.metadata.data['Results Source'].startswith(
        'published by the authors')
    assert meta.weights is None  # nothing trained here is published


def test_get_model_and_inferencer_by_name():
    model = get_model(NAME)  # untrained: no weights are published
    assert isinstance(model, GLMCClassifier)
    assert model.head.num_classes == 10
    inferencer = ImageClassificationInferencer(NAME)
    image = np.random.default_rng(0).integers(
        0, 256, (28, 28, 1), dtype=np.uint8)
    result = inferencer(image)[0]
    assert 0 <= result['pred_label'] < 10
    assert len(result['pred_scores']) == 10
