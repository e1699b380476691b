"""MMPretrain's own analysis and visualisation tools on GLMC configs, and
our browser of GLMC's training streams."""
import importlib.util
import os
import os.path as osp
import pickle
import sys

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner
from tiny_run import REPO, Context, run_tool, tiny_fmnist_cfg

from glmc_mm.benchmark import write_jpeg_list
from glmc_mm.datasets import TrainingStreamDataset, get_class_counts
from glmc_mm.utils import mmpretrain_tool_path

GLMC_CIFAR = osp.join(REPO, 'configs', 'glmc',
                      'glmc_resnet32_1xb64-200e_cifar10-lt-if100.py')
GLMC_FASHION = osp.join(REPO, 'configs', 'glmc',
                        'glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py')
GLMC_IMAGENET = osp.join(REPO, 'configs', 'glmc',
                         'glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py')


def mmpretrain_tool(tool: str) -> list:
    """MMPretrain's own script, run as it is. Where ``pkg_resources`` is
    missing (setuptools >= 82), MMEngine cannot resolve the ``mmpretrain::``
    bases of our configs before their ``custom_imports`` (glmc_mm) are
    imported, so there it runs through tools/mmpretrain_tool.py, which
    imports glmc_mm first."""
    if importlib.util.find_spec('pkg_resources') is not None:
        return [mmpretrain_tool_path(tool)]
    return [osp.join(REPO, 'tools', 'mmpretrain_tool.py'), tool]


def run(args: list, cwd: str = REPO):
    return run_tool([sys.executable, *args], cwd=cwd, check=True)


def stream_dataset(cfg: Config, stream: str, epoch: int):
    loader = cfg.train_dataloader
    return TrainingStreamDataset(
        loader.dataset,
        loader.batch_size,
        loader.sampler,
        loader.get('batch_sampler'),
        stream=stream,
        seed=0,
        epoch=epoch)


@pytest.mark.parametrize('epoch', [0, 1])
def test_training_stream_dataset_is_what_the_runner_draws(
        fmnist, tmp_path, epoch):
    cfg = tiny_fmnist_cfg('glmc', Context(fmnist, str(tmp_path)))
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    loader.batch_sampler.sampler.set_epoch(epoch)
    batches = list(loader.batch_sampler)
    uniform = stream_dataset(cfg, 'uniform', epoch)
    rebalanced = stream_dataset(cfg, 'rebalanced', epoch)
    assert uniform.indices == [i for b in batches for i in b[:len(b) // 2]]
    assert rebalanced.indices == [i for b in batches for i in b[len(b) // 2:]]
    # one epoch of the uniform stream is every training image once
    assert sorted(uniform.indices) == list(range(len(uniform.dataset)))
    assert rebalanced.indices != uniform.indices
    assert uniform[0]['data_samples'].gt_label.item() == \
        uniform.dataset.get_gt_labels()[uniform.indices[0]]


def test_class_balanced_stream_draws_the_rare_classes_more(fmnist, tmp_path):
    cfg = tiny_fmnist_cfg(
        'glmc', Context(fmnist, str(tmp_path)),
        **{'train_dataloader.batch_sampler.resample_weighting': 1.0})
    rebalanced = stream_dataset(cfg, 'rebalanced', 0)
    # 24 ... 6 images, 128 in all
    counts = get_class_counts(rebalanced.dataset)
    labels = rebalanced.dataset.get_gt_labels()
    draws = np.bincount(labels[rebalanced.indices], minlength=10)
    assert draws.sum() == counts.sum() == 128
    # q = 1: every class is drawn with probability 1/10, 12.8 draws each;
    # the tail (6 to 8 images) is drawn more often than it has images
    assert (draws[7:] > counts[7:]).all() and draws[0] < counts[0]


def test_stream_needs_the_rebalanced_batch_sampler(fmnist, tmp_path):
    cfg = tiny_fmnist_cfg('ce', Context(fmnist, str(tmp_path)))
    assert len(stream_dataset(cfg, 'uniform', 0)) == 128
    with pytest.raises(ValueError, match="batch_sampler=dict.*Rebalanced"):
        stream_dataset(cfg, 'rebalanced', 0)


def test_browse_dataset_shows_both_views_and_the_rebalanced_stream(
        fmnist, tmp_path):
    options = [
        '--cfg-options',
        f'train_dataloader.dataset.dataset.data_root={fmnist}',
        'train_dataloader.dataset.imbalance_factor=10'
    ]
    result = run([
        'tools/visualization/browse_dataset.py', GLMC_FASHION, '--stream',
        'rebalanced', '--mode', 'pipeline', '-n', '3', '--not-show', '-o',
        str(tmp_path / 'rebalanced'), *options
    ])
    assert 'the rebalanced stream of epoch 0 draws' in result.stdout
    assert sorted(os.listdir(tmp_path / 'rebalanced')) == \
        ['0.jpg', '1.jpg', '2.jpg']
    refused = run_tool([
        sys.executable, 'tools/visualization/browse_dataset.py', GLMC_FASHION,
        '--stream', 'uniform', '--phase', 'val'
    ])
    assert refused.returncode != 0
    assert '--stream uniform shows training batches' in refused.stderr


def break_image(root: str, index: int) -> str:
    """Overwrite the ``index``-th listed image with bytes that are no
    JPEG; return its path."""
    line = open(osp.join(root, 'train.txt')).read().splitlines()[index]
    path = osp.join(root, line.split()[0])
    with open(path, 'wb') as f:
        f.write(b'not a jpeg')
    return path


def test_verify_dataset_names_the_broken_image(tmp_path):
    """MMPretrain's own script on the ImageNet-LT GLMC config."""
    root = str(tmp_path / 'imagenet')
    write_jpeg_list(root, num_images=12, size=(8, 8))
    broken = break_image(root, 5)
    out = tmp_path / 'broken.txt'
    result = run([
        *mmpretrain_tool('misc/verify_dataset.py'), GLMC_IMAGENET,
        '--out-path',
        str(out), '--cfg-options',
        f'train_dataloader.dataset.data_root={root}',
        'train_dataloader.dataset.ann_file=train.txt'
    ])
    assert '1 broken files found' in result.stdout
    assert out.read_text().split() == [broken]


def test_verify_dataset_on_a_long_tailed_image_folder(tmp_path):
    """A user's own folder through the ``LongTailDataset`` wrapper, the
    pipeline given to the wrapper; through ``tools/mmpretrain_tool.py``."""
    root = str(tmp_path / 'folder')
    write_jpeg_list(root, num_images=12, size=(8, 8))
    broken = break_image(root, 0)  # class 0, the head: always kept
    config = tmp_path / 'folder_lt.py'
    config.write_text(
        "custom_imports = dict(imports=['glmc_mm'])\n"
        'train_dataloader = dict(dataset=dict(\n'
        "    type='LongTailDataset', imbalance_factor=2,\n"
        f"    dataset=dict(type='CustomDataset', data_root={root!r},\n"
        "                 data_prefix='train'),\n"
        "    pipeline=[dict(type='LoadImageFromFile'),\n"
        "              dict(type='PackInputs')]))\n")
    out = tmp_path / 'broken.txt'
    result = run([
        'tools/mmpretrain_tool.py', 'misc/verify_dataset.py',
        str(config), '--out-path',
        str(out)
    ])
    assert '1 broken files found' in result.stdout
    assert out.read_text().split() == [broken]


def test_mmpretrain_get_flops_on_the_glmc_cifar_config():
    result = run([
        *mmpretrain_tool('analysis_tools/get_flops.py'), GLMC_CIFAR, '--shape',
        '32'
    ])
    assert 'Input shape: (3, 32, 32)' in result.stdout
    ours = run(
        ['tools/analysis_tools/get_flops.py', GLMC_CIFAR, '--shape', '32'])
    flops = [
        line for line in result.stdout.splitlines()
        if line.startswith('Flops:')
    ]
    assert flops and flops[0] in ours.stdout  # Flops: 1.099G


def test_mmpretrain_confusion_matrix_agrees_with_the_test_accuracy(
        fmnist, tmp_path):
    cfg = tiny_fmnist_cfg(
        'glmc', Context(fmnist, str(tmp_path)), **{
            'train_cfg.max_epochs': 2,
            'param_scheduler.T_max': 2
        })
    runner = Runner.from_cfg(cfg)
    runner.train()
    top1 = runner.test()['lt/top1']
    config = str(tmp_path / 'glmc.py')
    cfg.dump(config)
    out = str(tmp_path / 'cm.pkl')
    run([
        *mmpretrain_tool('analysis_tools/confusion_matrix.py'), config,
        str(tmp_path / 'work' / 'epoch_2.pth'), '--out', out
    ])
    with open(out, 'rb') as f:
        matrix = np.asarray(pickle.load(f))
    assert matrix.shape == (10, 10)
    assert matrix.sum() == 50  # 5 test images per class
    assert 100 * np.trace(matrix) / 50 == pytest.approx(top1)


def test_mmpretrain_vis_scheduler_runs_on_a_glmc_config(tmp_path):
    """MMPretrain's tool runs the config's hooks on a stand-in model and
    loader; ClassCountsHook and CumulativeLearningHook leave them alone."""
    run([
        *mmpretrain_tool('visualization/vis_scheduler.py'), GLMC_FASHION,
        '--dataset-size', '2974', '--ngpus', '1', '--save-path',
        str(tmp_path / 'lr.png'), '--not-show'
    ],
        cwd=str(tmp_path))
    assert osp.getsize(tmp_path / 'lr.png') > 0
