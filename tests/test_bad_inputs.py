"""Bad input, one row each: what is given, the error it must raise, and the
words its message must hold (the field, the value, the file). Runs build
MMEngine runners in this process on a tiny generated Fashion-MNIST-LT."""
import gzip
import os
import os.path as osp
from typing import Callable, NamedTuple, Sequence

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import DefaultSampler
from mmengine.runner import Runner
from mmpretrain.registry import DATASETS, HOOKS, MODELS

from glmc_mm.compat import DamagedCheckpointError, load_from_local
from glmc_mm.datasets import RebalancedBatchSampler
from glmc_mm.testing import write_jpeg_list
from tiny_run import Context, tiny_fmnist_cfg

GLMC_PRE = dict(type='GLMCDataPreprocessor', num_classes=10)
GLMC_HEAD = dict(type='GLMCHead', num_classes=10, in_channels=16)


class Case(NamedTuple):
    """A bad input: ``make(ctx)`` raises ``error`` with ``words``."""
    name: str
    make: Callable
    error: type
    words: Sequence[str]


def run(cfg: Config, mode: str = 'train'):
    runner = Runner.from_cfg(cfg)
    return getattr(runner, mode)()


def glmc_without_rebalanced_sampler(ctx):
    cfg = tiny_fmnist_cfg('glmc', ctx, **{'train_dataloader.drop_last': True})
    cfg.train_dataloader.pop('batch_sampler')
    run(cfg)


def glmc_with_rebalanced_stream_alone(ctx):
    run(tiny_fmnist_cfg(
        'glmc', ctx, **{'train_dataloader.batch_sampler.with_uniform': False}))


def nan_loss(ctx):
    # std 0: the normalised images, and so the loss, are not finite
    run(tiny_fmnist_cfg('ce', ctx, **{'data_preprocessor.std': [0.]}))


def five_class_checkpoint(ctx) -> str:
    """A checkpoint of the Fashion-MNIST CE model with 5 classes."""
    cfg = tiny_fmnist_cfg('ce', ctx)
    cfg.model.head.num_classes = 5
    path = osp.join(ctx.tmp, 'five_classes.pth')
    torch.save({'state_dict': MODELS.build(cfg.model).state_dict(),
                'meta': {}}, path)
    return path


def load_unfit_checkpoint(mode: str, resume: bool = False):
    def make(ctx):
        cfg = tiny_fmnist_cfg('ce', ctx, resume=resume,
                              load_from=five_class_checkpoint(ctx))
        run(cfg, mode)
    return make


def damaged_file(content: bytes) -> Callable:
    def make(ctx):
        path = osp.join(ctx.tmp, 'damaged.pth')
        with open(path, 'wb') as f:
            f.write(content)
        load_from_local(path)
    return make


def truncated_checkpoint(ctx):
    path = osp.join(ctx.tmp, 'truncated.pth')
    torch.save({'state_dict': {'w': torch.zeros(1000)}, 'meta': {}}, path)
    with open(path, 'r+b') as f:
        f.truncate(osp.getsize(path) // 2)
    run(tiny_fmnist_cfg('ce', ctx, load_from=path), 'test')


def label_list(content: bytes, **kwargs) -> Callable:
    def make(ctx):
        path = osp.join(ctx.tmp, 'train.txt')
        with open(path, 'wb') as f:
            f.write(content)
        DATASETS.build(dict(type='ImageNetLT', data_root=ctx.tmp,
                            ann_file='train.txt', **kwargs))
    return make


def listed_images_missing(ctx):
    list_path = write_jpeg_list(ctx.tmp, num_images=12, size=(8, 8))
    for index in (3, 7):
        label = open(list_path).read().splitlines()[index].split()[1]
        os.remove(osp.join(ctx.tmp, 'train', label, f'{index}.JPEG'))
    DATASETS.build(dict(type='ImageNetLT', data_root=ctx.tmp,
                        ann_file='train.txt'))


def damaged_idx(cut: Callable[[bytes], bytes]) -> Callable:
    def make(ctx):
        for name in os.listdir(ctx.root):
            with open(osp.join(ctx.root, name), 'rb') as f:
                data = f.read()
            if name.startswith('train-images'):
                data = cut(data)
            with open(osp.join(ctx.tmp, name), 'wb') as f:
                f.write(data)
        DATASETS.build(dict(type='FashionMNISTIDX', data_root=ctx.tmp))
    return make


def gzip_of(data: bytes) -> bytes:
    return gzip.compress(gzip.decompress(data)[:1000])


def lt_dataset(**kwargs) -> Callable:
    def make(ctx):
        DATASETS.build(dict(type='LongTailDataset', **kwargs, dataset=dict(
            type='FashionMNISTIDX', data_root=ctx.root)))
    return make


def sampler_smaller_than_batch(ctx):
    dataset = DATASETS.build(dict(
        type='LongTailDataset', max_per_class=4, imbalance_factor=4,
        dataset=dict(type='FashionMNISTIDX', data_root=ctx.root)))
    RebalancedBatchSampler(DefaultSampler(dataset), batch_size=64,
                           drop_last=True)


def build(registry, **cfg) -> Callable:
    return lambda ctx: registry.build(cfg)


CASES = [
    # 1. no silent wrong training
    Case('glmc without RebalancedBatchSampler',
         glmc_without_rebalanced_sampler, ValueError,
         ['train_dataloader.batch_sampler is BatchSampler',
          'RebalancedBatchSampler']),
    Case('glmc with the re-balanced stream alone',
         glmc_with_rebalanced_stream_alone, ValueError,
         ['batch_sampler is RebalancedBatchSampler(with_uniform=False)']),
    Case('label_weighting nan',
         build(MODELS, **GLMC_PRE, label_weighting=float('nan')),
         ValueError, ['GLMCDataPreprocessor', 'label_weighting', 'nan']),
    Case('label_weighting negative',
         build(MODELS, **GLMC_PRE, label_weighting=-1), ValueError,
         ['label_weighting must be a finite number >= 0, got -1']),
    Case('mix_alpha str', build(MODELS, **GLMC_PRE, mix_alpha='abc'),
         TypeError, ['mix_alpha', "'abc'"]),
    Case('mix_alpha zero', build(MODELS, **GLMC_PRE, mix_alpha=0),
         ValueError, ['mix_alpha must be a finite number > 0, got 0']),
    Case('preprocessor num_classes str',
         build(MODELS, type='GLMCDataPreprocessor', num_classes='ten'),
         TypeError, ['GLMCDataPreprocessor: num_classes', "'ten'"]),
    Case('head num_classes str',
         build(MODELS, **{**GLMC_HEAD, 'num_classes': 'ten'}), TypeError,
         ['GLMCHead: num_classes must be an integer >= 1', "'ten'"]),
    Case('head num_classes 2.5',
         build(MODELS, **{**GLMC_HEAD, 'num_classes': 2.5}), ValueError,
         ['GLMCHead: num_classes', '2.5']),
    Case('lambda_c inf',
         build(MODELS, type='GLMCConsistencyLoss', loss_weight=float('inf')),
         ValueError, ['lambda_c', 'inf']),
    Case('MaxNorm thresh 1.5', build(HOOKS, type='MaxNormHook', thresh=1.5),
         ValueError, ['MaxNormHook: thresh must be a finite number >= 0 and '
                      '<= 1, got 1.5']),
    Case('MaxNorm thresh nan',
         build(HOOKS, type='MaxNormHook', thresh=float('nan')), ValueError,
         ['thresh', 'nan']),
    Case('max_per_class str', lt_dataset(max_per_class='3'), TypeError,
         ['LongTailDataset: max_per_class', "'3' (str)"]),
    Case('max_per_class 0', lt_dataset(max_per_class=0), ValueError,
         ['max_per_class must be an integer >= 1, got 0']),
    Case('imbalance_factor 0.5', lt_dataset(imbalance_factor=0.5),
         ValueError, ['LongTailDataset: imbalance_factor', '0.5']),
    Case('imbalance_factor str', lt_dataset(imbalance_factor='100'),
         TypeError, ['imbalance_factor', "'100'"]),
    Case('resample_weighting inf',
         lambda ctx: RebalancedBatchSampler(
             DefaultSampler(list(range(4))), 2, resample_weighting=np.inf),
         ValueError, ['resample_weighting (q)', 'inf']),
    Case('loss becomes nan', nan_loss, FloatingPointError,
         ['not finite at iteration 1 (epoch 1, batch 1)', 'loss=nan',
          'nothing of this iteration was saved']),
    # 2. a checkpoint that does not fit the model
    Case('test with a 5-class checkpoint', load_unfit_checkpoint('test'),
         ValueError, ['five_classes.pth does not fit the model',
                      '2 mis-shaped keys', 'head.fc.weight (checkpoint '
                      '(5, 64), model (10, 64))', 'allow_partial=True']),
    Case('load_from a 5-class checkpoint', load_unfit_checkpoint('train'),
         ValueError, ['five_classes.pth does not fit', 'head.fc.bias']),
    Case('resume a 5-class checkpoint', load_unfit_checkpoint('train', True),
         ValueError, ['five_classes.pth does not fit', 'head.fc.bias']),
    # 3. damaged checkpoints
    Case('empty checkpoint', damaged_file(b''), DamagedCheckpointError,
         ['damaged.pth is not a complete checkpoint: the file is empty']),
    Case('text checkpoint', damaged_file(b'epoch 3, loss 0.2\n'),
         DamagedCheckpointError,
         ['damaged.pth is not a complete checkpoint', 'neither a zip archive '
          "nor a pickle", "b'epoc'"]),
    Case('truncated checkpoint in tools/test.py', truncated_checkpoint,
         DamagedCheckpointError,
         ['truncated.pth is not a complete checkpoint', 'truncated']),
    # 5. datasets name their bad files
    Case('empty list', label_list(b'\n\n'), ValueError,
         ['train.txt lists no image']),
    Case('non-UTF-8 list', label_list(b'a.jpg 1\nb\xff.jpg 2\n'), ValueError,
         ['train.txt, line 2: not UTF-8']),
    Case('missing images', listed_images_missing, FileNotFoundError,
         ['2 of the 12 images listed in', 'train.txt do not exist',
          '3.JPEG', '7.JPEG', 'check_files=False']),
    Case('truncated IDX', damaged_idx(lambda data: data[:len(data) // 2]),
         ValueError, ['train-images-idx3-ubyte.gz is not a complete IDX']),
    Case('IDX with too few images', damaged_idx(gzip_of), ValueError,
         ['train-images-idx3-ubyte.gz is not a complete IDX']),
    Case('IDX not gzip', damaged_idx(lambda data: b'not an idx file'),
         ValueError, ['train-images-idx3-ubyte.gz is not a complete IDX']),
    Case('empty IDX', damaged_idx(lambda data: b''), ValueError,
         ['train-images-idx3-ubyte.gz is not a complete IDX']),
    # 6. edge sizes
    # int(4 * 4 ** (-i / 9)) for i = 0..9: 4 + 3 + 2 + 2 + 2 + 1 * 5 = 18
    Case('set smaller than a batch', sampler_smaller_than_batch, ValueError,
         ['(LongTailDataset) gives this process 18 images',
          'batch_size=64 with drop_last=True']),
]


@pytest.mark.parametrize('case', CASES, ids=[c.name for c in CASES])
def test_bad_input_is_named(case, fmnist, tmp_path):
    ctx = Context(fmnist, str(tmp_path))
    with pytest.raises(case.error) as raised:
        case.make(ctx)
    for words in case.words:
        assert words in str(raised.value)
    # nothing trained or saved
    assert not osp.exists(osp.join(ctx.tmp, 'work', 'epoch_1.pth'))


def test_list_check_can_be_skipped(tmp_path):
    list_path = write_jpeg_list(str(tmp_path), num_images=12, size=(8, 8))
    os.remove(osp.join(str(tmp_path), 'train', '0', '0.JPEG'))
    dataset = DATASETS.build(dict(type='ImageNetLT', data_root=str(tmp_path),
                                  ann_file=osp.basename(list_path),
                                  check_files=False))
    assert len(dataset) == 12


def test_partial_load_is_allowed_when_asked(fmnist, tmp_path):
    ctx = Context(fmnist, str(tmp_path))
    cfg = tiny_fmnist_cfg('ce', ctx, load_from=five_class_checkpoint(ctx))
    cfg.custom_hooks = [
        dict(type='StrictLoadHook', allow_partial=True) if hook.type ==
        'StrictLoadHook' else hook for hook in cfg.custom_hooks
    ]
    metrics = run(cfg, 'test')
    assert 'lt/top1' in metrics


def test_backbone_pretrained_init_cfg_dict_loads(tmp_path):
    """``CIFARResNet(init_cfg=dict(type='Pretrained', ...))``, as its
    docstring says."""
    source = MODELS.build(dict(type='CIFARResNet', depth=8, base_channels=4))
    path = str(tmp_path / 'backbone.pth')
    torch.save({'state_dict': source.state_dict()}, path)
    backbone = MODELS.build(dict(
        type='CIFARResNet', depth=8, base_channels=4,
        init_cfg=dict(type='Pretrained', checkpoint=path)))
    backbone.init_weights()
    for key, value in source.state_dict().items():
        torch.testing.assert_close(backbone.state_dict()[key], value)
