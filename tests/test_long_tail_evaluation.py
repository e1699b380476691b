"""LongTailAccuracy against hand-computed values, and the pictures."""
import os.path as osp

import numpy as np
import pytest
import torch

from glmc_mm.engine.hooks import class_mismatch
from glmc_mm.evaluation import LongTailAccuracy
from glmc_mm.visualization import (plot_class_counts, plot_per_class_accuracy,
                                   plot_training_curves)

# class: (predicted classes of its test images); second choice = pred + 1
PREDICTIONS = {
    0: [0, 0, 0, 1],
    1: [1, 0],
    2: [2, 2],
    3: [3, 0, 0, 0],
    4: [0, 0]
}


def samples():
    out = []
    for label, preds in PREDICTIONS.items():
        for pred in preds:
            score = torch.zeros(5)
            score[pred], score[(pred + 1) % 5] = 1.0, 0.5
            out.append({
                'gt_label': torch.tensor([label]),
                'pred_score': score
            })
    return out


def evaluate(metric):
    metric.process(None, samples())
    return metric.evaluate(14)


def test_hand_computed_confusion_matrix():
    metrics = evaluate(
        LongTailAccuracy(topk=(1, 2), class_counts=[200, 150, 50, 30, 10]))
    # per class: 3/4, 1/2, 2/2, 1/4, 0/2; groups {0, 1}, {2, 3}, {4}
    assert metrics['lt/per_class'] == [75.0, 50.0, 100.0, 25.0, 0.0]
    assert metrics['lt/top1'] == pytest.approx(7 / 14 * 100)
    assert metrics['lt/top2'] == pytest.approx(8 / 14 * 100)
    assert metrics['lt/mean_class'] == pytest.approx(50.0)
    assert metrics['lt/many'] == pytest.approx(62.5)
    assert metrics['lt/medium'] == pytest.approx(62.5)
    assert metrics['lt/few'] == 0.0


def test_empty_group_is_reported_as_missing():
    metrics = evaluate(LongTailAccuracy(class_counts=[200, 150, 50, 30, 25]))
    assert 'lt/few' not in metrics
    assert metrics['lt/medium'] == pytest.approx((100 + 25 + 0) / 3)
    assert not any(
        isinstance(v, float) and np.isnan(v) for v in metrics.values())


def test_top_k_beyond_the_classes_is_skipped():
    metrics = evaluate(
        LongTailAccuracy(topk=(1, 5, 10), class_counts=[200] * 5))
    assert 'lt/top5' in metrics and 'lt/top10' not in metrics
    assert metrics['lt/top5'] == 100.0


def test_counts_come_from_dataset_meta_or_an_error_names_the_hook():
    metric = LongTailAccuracy()
    # what ClassCountsHook gives the evaluator: the test set's metainfo plus
    # the model's training counts (the test set's own counts are ignored)
    metric.dataset_meta = {
        'classes': list('abcde'),
        'class_counts': [50] * 5,
        'train_class_counts': [200, 150, 50, 30, 10]
    }
    metrics = evaluate(metric)
    assert metrics['lt/few'] == 0.0 and metrics['lt/many'] == 62.5
    metric = LongTailAccuracy()
    metric.dataset_meta = {'classes': list('abcde'), 'class_counts': [50] * 5}
    with pytest.raises(RuntimeError, match='ClassCountsHook'):
        evaluate(metric)


@pytest.mark.parametrize('convention,medium,few', [
    ('standard', (100 + 25 + 0) / 3, None),
    ('authors', (100 + 25) / 2, 0.0),
])
def test_a_class_of_exactly_20_images_follows_the_convention(
        convention, medium, few):
    # classes 2, 3, 4: 50, 30 and exactly 20 training images
    metrics = evaluate(
        LongTailAccuracy(
            class_counts=[200, 150, 50, 30, 20], convention=convention))
    assert metrics['lt/medium'] == pytest.approx(medium)
    assert metrics.get('lt/few') == few


def test_plots_are_written(tmp_path):
    counts = [1200, 719, 431, 258, 154, 92, 55, 33, 20, 12]
    plot_class_counts(counts, str(tmp_path / 'counts.png'),
                      [f'c{i}' for i in range(10)])
    plot_per_class_accuracy(counts, {
        'GLMC': [90.0] * 9 + [None],
        'CE': [80.0] * 10
    }, str(tmp_path / 'acc.png'))
    records = [{
        'step': s,
        'loss': 1.0 / s,
        'loss_balanced': 1.0,
        'loss_rebalanced': 0.1,
        'loss_consistency': -0.5,
        'alpha': 1 - (s / 10)**2
    } for s in range(1, 10)]
    plot_training_curves(records, str(tmp_path / 'curves.png'))
    for name in ('counts.png', 'acc.png', 'curves.png'):
        with open(tmp_path / name, 'rb') as f:
            assert f.read(8) == b'\x89PNG\r\n\x1a\n'
        assert osp.getsize(tmp_path / name) > 10000
    with pytest.raises(ValueError, match='no training losses'):
        plot_training_curves([{'step': 1}], str(tmp_path / 'x.png'))


@pytest.mark.parametrize(
    'trained, num_classes, evaluated, problems',
    [
        (['a', 'b', 'c'], 3, ['a', 'b', 'c'], []),
        (None, 3, ['x', 'y', 'z'], []),  # names unknown: the number alone
        (None, 3, ['x', 'y'], ['it has 2 classes, the model 3']),
        (['a', 'b', 'c'], 3, ['a', 'c'],
         ['it has 2 classes, the model 3', "1 trained classes missing: 'b'"]),
        (['a', 'b', 'c'], 3, ['a', 'b', 'c', 'd'],
         ['it has 4 classes, the model 3', "1 classes not trained on: 'd'"]),
        (['a', 'b', 'c'], 3, ['a', 'c', 'b'], [
            "the same classes in another order: label 1 is 'c' here, 'b' in "
            "training, label 2 is 'b' here, 'c' in training"
        ]),
    ])
def test_class_mismatch_names_what_differs(trained, num_classes, evaluated,
                                           problems):
    assert class_mismatch(trained, num_classes, evaluated) == problems
