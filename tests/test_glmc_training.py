"""End-to-end GLMC runs of tools/train.py and tools/test.py on generated
CIFAR-10-LT (class templates plus noise, so that there is something to
learn)."""
import os.path as osp
import re
import sys

import numpy as np
import pytest
import torch
from tiny_run import GLMC_CONFIG, make_tiny_cifar, run_tool, write_config

from glmc_mm.benchmark import latest_test_metrics

MAX_NORM_CONFIG = GLMC_CONFIG + """
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='CumulativeLearningHook'),
    dict(type='MaxNormHook', thresh=0.1),
]
"""


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp('glmc')
    return root, make_tiny_cifar(str(root), learnable=True)


def train(data, config, work_dir, *extra):
    root, md5 = data
    result = run_tool([
        sys.executable, 'tools/train.py', config, '--work-dir',
        str(work_dir), *extra
    ],
                      md5,
                      check=True)
    return result.stdout


def per_epoch(log, key):
    """{epoch: value} of ``key`` at the last logged iteration of each epoch."""
    found = {}
    for epoch, value in re.findall(
            rf'Epoch\(train\) \[(\d+)\]\[\s*\d+/\d+\].*?\s{key}: (-?[\d.]+)',
            log):
        found[int(epoch)] = float(value)
    return found


@pytest.fixture(scope='module')
def two_epochs(data, tmp_path_factory):
    """GLMC trained for 2 epochs (GLMC's minimum): its config, work dir and
    log."""
    root, _ = data
    tmp = tmp_path_factory.mktemp('two_epochs')
    config = write_config(str(tmp / 'glmc.py'), str(root), GLMC_CONFIG)
    return config, tmp / 'work', train(data, config, tmp / 'work')


def test_two_epochs_log_every_term_lower_the_loss_and_test(
        data, two_epochs, tmp_path):
    _, md5 = data
    config, work, log = two_epochs
    for key in ('loss_balanced', 'loss_rebalanced', 'loss_consistency',
                'alpha'):
        assert len(per_epoch(log, key)) == 2, key
    assert per_epoch(log, 'alpha') == {1: 1.0, 2: 0.75}
    losses = [float(v) for v in re.findall(r'\sloss: (-?[\d.]+)', log)]
    assert len(losses) == 4 and losses[-1] < losses[0]
    # int(40 * 0.1 ** (i / 9)) for i in 0..9
    assert 'class_counts=[40, 30, 23, 18, 14, 11, 8, 6, 5, 4]' in log

    checkpoint = work / 'epoch_2.pth'
    state = torch.load(checkpoint, weights_only=True)
    assert state['state_dict']['train_class_counts'].tolist() == [
        40, 30, 23, 18, 14, 11, 8, 6, 5, 4
    ]
    # The training data is gone: the counts come from the checkpoint.
    result = run_tool([
        sys.executable, 'tools/test.py', config,
        str(checkpoint), '--work-dir',
        str(tmp_path / 'test'), '--cfg-options',
        f'train_dataloader.dataset.data_root={tmp_path}/gone'
    ],
                      md5,
                      check=True)
    assert 'no recorded training class counts' not in result.stdout
    # LongTailAccuracy, authors' convention: classes 0-9 keep 40 ... 4
    # images, 0-2 medium-shot (21..100), 3-9 few-shot (<= 20).
    metrics = latest_test_metrics(str(tmp_path / 'test'))
    assert {k
            for k in metrics if k.startswith('lt/')} == {
                'lt/top1', 'lt/top5', 'lt/mean_class', 'lt/medium', 'lt/few',
                'lt/per_class'
            }
    per_class, medium = metrics['lt/per_class'], metrics['lt/medium']
    assert medium == pytest.approx(np.mean(per_class[:3]), abs=1e-3)


def test_counts_not_recorded_fall_back_to_the_training_set(
        data, two_epochs, tmp_path):
    """A checkpoint whose counts buffer holds zeros, as the converter of the
    authors' checkpoints writes it, is tested with the training set's
    counts; one without the buffer is refused by StrictLoadHook."""
    _, md5 = data
    config, work, _ = two_epochs
    state = torch.load(work / 'epoch_2.pth', weights_only=True)
    state['state_dict']['train_class_counts'].zero_()  # as converted
    torch.save(state, tmp_path / 'converted.pth')
    result = run_tool([
        sys.executable, 'tools/test.py', config,
        str(tmp_path / 'converted.pth'), '--work-dir',
        str(tmp_path / 'test')
    ],
                      md5,
                      check=True)
    assert ("no recorded training class counts (a checkpoint converted from "
            "the authors' code): counting the config's training set "
            'instead') in result.stdout
    assert 'lt/few' in latest_test_metrics(str(tmp_path / 'test'))
    del state['state_dict']['train_class_counts']
    torch.save(state, tmp_path / 'no_buffer.pth')
    result = run_tool([
        sys.executable, 'tools/test.py', config,
        str(tmp_path / 'no_buffer.pth'), '--work-dir',
        str(tmp_path / 'test2')
    ], md5)
    assert result.returncode != 0
    assert ('does not fit the model of this config: 1 missing keys: '
            'train_class_counts') in result.stdout + result.stderr


def test_alpha_over_five_epochs_and_after_a_resume(data, tmp_path):
    root, _ = data
    config = write_config(str(tmp_path / 'glmc.py'), str(root), GLMC_CONFIG)
    log = train(data, config, tmp_path / 'work', '--cfg-options',
                'train_cfg.max_epochs=5', 'param_scheduler.T_max=5')
    expected = {e + 1: round(1 - (e / 5)**2, 4) for e in range(5)}
    assert expected == {1: 1.0, 2: 0.96, 3: 0.84, 4: 0.64, 5: 0.36}
    assert per_epoch(log, 'alpha') == expected
    resumed = train(data, config, tmp_path / 'work', '--resume',
                    str(tmp_path / 'work' / 'epoch_3.pth'), '--cfg-options',
                    'train_cfg.max_epochs=5', 'param_scheduler.T_max=5')
    assert 'resumed epoch: 3' in resumed
    assert per_epoch(resumed, 'alpha') == {4: 0.64, 5: 0.36}
    uninterrupted = per_epoch(log, 'lr')
    assert per_epoch(resumed, 'lr') == {
        4: uninterrupted[4],
        5: uninterrupted[5]
    }


def test_max_norm_threshold_is_kept_across_a_resume(data, tmp_path):
    root, _ = data
    config = write_config(
        str(tmp_path / 'maxnorm.py'), str(root), MAX_NORM_CONFIG)
    train(data, config, tmp_path / 'work')
    train(data, config, tmp_path / 'work', '--resume', '--cfg-options',
          'train_cfg.max_epochs=3', 'param_scheduler.T_max=3')
    second = torch.load(tmp_path / 'work' / 'epoch_2.pth', weights_only=True)
    third = torch.load(tmp_path / 'work' / 'epoch_3.pth', weights_only=True)
    tau = second['max_norm_threshold']
    assert tau is not None and third['max_norm_threshold'] == tau
    for state in (second, third):
        norms = state['state_dict']['head.fc_cb.weight'].norm(dim=1)
        assert norms.max().item() <= tau + 1e-5
    # A threshold recomputed after the resume would differ.
    norms = second['state_dict']['head.fc_cb.weight'].norm(dim=1)
    fresh = norms.min() + 0.1 * (norms.max() - norms.min())
    assert abs(fresh.item() - tau) > 1e-3


def test_wrong_num_classes_fails_before_training_naming_both(data, tmp_path):
    root, md5 = data
    config = write_config(str(tmp_path / 'glmc.py'), str(root), GLMC_CONFIG)
    result = run_tool([
        sys.executable, 'tools/train.py', config, '--work-dir',
        str(tmp_path / 'work'), '--cfg-options', 'model.head.num_classes=7'
    ], md5)
    assert result.returncode != 0
    assert ('model.head.num_classes=7 but the training set (CIFAR10LT) has 10 '
            'classes') in result.stderr
    assert 'Epoch(train)' not in result.stdout
    assert not osp.exists(tmp_path / 'work' / 'epoch_1.pth')
