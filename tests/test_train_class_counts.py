"""The training class counts live once in the model: recorded from the
training set, handed to the components that use them, saved and loaded
with the weights."""
import numpy as np
import pytest
import torch
from mmpretrain.models import ImageClassifier

from glmc_mm.benchmark import authors_label_weights
from glmc_mm.models import (GLMCClassifier, attach_class_counts,
                            model_num_classes, record_class_counts,
                            recorded_class_counts)

COUNTS = [100, 50, 20, 5, 2]


def glmc(num_classes=5):
    return GLMCClassifier(
        backbone=dict(type='CIFARResNet', depth=8, base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='GLMCHead',
            num_classes=num_classes,
            in_channels=16,
            proj_channels=8),
        data_preprocessor=dict(num_classes=num_classes, label_weighting=1.2))


def test_glmc_model_records_counts_and_sets_the_label_weights():
    model = glmc()
    assert model.train_class_counts.tolist() == [0] * 5
    assert recorded_class_counts(model) is None  # zeros: not recorded
    record_class_counts(model, np.array(COUNTS), 'toy')
    assert recorded_class_counts(model).tolist() == COUNTS
    assert model.train_class_counts.dtype == torch.int64
    torch.testing.assert_close(model.data_preprocessor.label_weights,
                               authors_label_weights(COUNTS, 1.2))


def test_counts_travel_in_the_state_dict():
    trained = glmc()
    record_class_counts(trained, COUNTS, 'toy')
    state = trained.state_dict()
    assert state['train_class_counts'].tolist() == COUNTS
    fresh = glmc()
    fresh.load_state_dict(state)
    assert recorded_class_counts(fresh).tolist() == COUNTS


def test_any_model_gets_the_buffer_before_loading():
    model = ImageClassifier(
        backbone=dict(type='CIFARResNet', depth=8, base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=5, in_channels=16))
    assert model_num_classes(model) == 5
    assert not hasattr(model, 'train_class_counts')
    attach_class_counts(model, 5)
    model.load_state_dict({
        **model.state_dict(), 'train_class_counts':
        torch.tensor(COUNTS)
    })
    assert recorded_class_counts(model).tolist() == COUNTS


def test_a_model_of_other_classes_is_refused_naming_the_field():
    model = glmc(num_classes=7)
    with pytest.raises(
            ValueError,
            match=r'model\.data_preprocessor\.num_classes=7 but '
            r'the training set \(CIFAR10LT\) has 5 classes'):
        record_class_counts(model, COUNTS, 'CIFAR10LT')
    assert recorded_class_counts(model) is None
