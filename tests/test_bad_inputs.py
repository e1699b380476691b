"""Bad input, one row each: what is given, the error it must raise, and the
words its message must hold (the field, the value, the file). Runs build
MMEngine runners in this process on a tiny generated Fashion-MNIST-LT."""
import argparse
import gzip
import os
import os.path as osp
import struct
import zlib
from typing import Callable, Sequence

import bad_benchmark_cases
import bad_checkpoint_cases
import bad_image_cases
import bad_run_cases
import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import DefaultSampler
from mmengine.runner import Runner
from mmpretrain.registry import DATASETS, HOOKS, MODELS
from tiny_run import (REPO, Case, Context, call_tool, copy_of_run,
                      folder_dataset, image_folder, tiny_fmnist_cfg)

from glmc_mm.benchmark import write_idx, write_jpeg_list
from glmc_mm.compat import DamagedCheckpointError, load_from_local
from glmc_mm.datasets import RebalancedBatchSampler
from glmc_mm.models import attach_class_counts, record_class_counts
from glmc_mm.utils import load_config

GLMC_PRE = dict(type='GLMCDataPreprocessor', num_classes=10)
GLMC_HEAD = dict(type='GLMCHead', num_classes=10, in_channels=16)


def run(cfg: Config, mode: str = 'train'):
    runner = Runner.from_cfg(cfg)
    return getattr(runner, mode)()


def glmc_without_rebalanced_sampler(ctx):
    cfg = tiny_fmnist_cfg('glmc', ctx, **{'train_dataloader.drop_last': True})
    cfg.train_dataloader.pop('batch_sampler')
    run(cfg)


def glmc_with_rebalanced_stream_alone(ctx):
    run(
        tiny_fmnist_cfg(
            'glmc', ctx,
            **{'train_dataloader.batch_sampler.with_uniform': False}))


def nan_loss(ctx):
    # std 0: the normalised images, and so the loss, are not finite
    run(tiny_fmnist_cfg('ce', ctx, **{'data_preprocessor.std': [0.]}))


def five_class_checkpoint(ctx) -> str:
    """A checkpoint of the Fashion-MNIST CE model with 5 classes."""
    cfg = tiny_fmnist_cfg('ce', ctx)
    cfg.model.head.num_classes = 5
    path = osp.join(ctx.tmp, 'five_classes.pth')
    torch.save({
        'state_dict': MODELS.build(cfg.model).state_dict(),
        'meta': {}
    }, path)
    return path


def load_unfit_checkpoint(mode: str, resume: bool = False):

    def make(ctx):
        cfg = tiny_fmnist_cfg(
            'ce', ctx, resume=resume, load_from=five_class_checkpoint(ctx))
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
        DATASETS.build(
            dict(
                type='ImageNetLT',
                data_root=ctx.tmp,
                ann_file='train.txt',
                **kwargs))

    return make


def listed_images_missing(ctx):
    list_path = write_jpeg_list(ctx.tmp, num_images=12, size=(8, 8))
    for index in (3, 7):
        label = open(list_path).read().splitlines()[index].split()[1]
        os.remove(osp.join(ctx.tmp, 'train', label, f'{index}.JPEG'))
    DATASETS.build(
        dict(type='ImageNetLT', data_root=ctx.tmp, ann_file='train.txt'))


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
        DATASETS.build(
            dict(
                type='LongTailDataset',
                **kwargs,
                dataset=dict(type='FashionMNISTIDX', data_root=ctx.root)))

    return make


def sampler_smaller_than_batch(ctx):
    dataset = DATASETS.build(
        dict(
            type='LongTailDataset',
            max_per_class=4,
            imbalance_factor=4,
            dataset=dict(type='FashionMNISTIDX', data_root=ctx.root)))
    RebalancedBatchSampler(
        DefaultSampler(dataset), batch_size=64, drop_last=True)


CLASSES = [f'class{i}' for i in range(10)]


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` grey pixels and holds
    none: its header reads as that size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack('>I', len(data)) + kind + data +
                struct.pack('>I', zlib.crc32(kind + data)))

    return (
        b'\x89PNG\r\n\x1a\n' +
        chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0)) +
        chunk(b'IDAT', zlib.compress(b'')) + chunk(b'IEND', b''))


def png_bytes(size: int) -> bytes:
    return cv2.imencode('.png', np.zeros((size, size), np.uint8))[1].tobytes()


def evaluate_folder(classes: Sequence[str] = CLASSES, odd: Sequence = ()):
    """``tools/test.py`` of a 10-class checkpoint (classes ``class0`` ...)
    on a class-folder test set."""

    def make(ctx):
        cfg = tiny_fmnist_cfg('ce', ctx)
        path = osp.join(ctx.tmp, 'ten_classes.pth')
        model = MODELS.build(cfg.model)
        attach_class_counts(model, len(CLASSES))
        record_class_counts(model, [10] * len(CLASSES), 'a trained set')
        torch.save(
            {
                'state_dict': model.state_dict(),
                'meta': {
                    'dataset_meta': {
                        'classes': CLASSES
                    }
                }
            }, path)
        cfg.load_from = path
        cfg.test_dataloader.dataset = folder_dataset(
            image_folder(osp.join(ctx.tmp, 'test'), classes, odd))
        run(cfg, 'test')

    return make


def train_folder(odd: Sequence) -> Callable:
    """Training, without validation, on a long-tailed class folder holding
    ``odd`` files."""

    def make(ctx):
        cfg = tiny_fmnist_cfg(
            'ce', ctx, val_dataloader=None, val_cfg=None, val_evaluator=None)
        cfg.train_dataloader.dataset.dataset = folder_dataset(
            image_folder(osp.join(ctx.tmp, 'train'), CLASSES, odd))
        run(cfg)

    return make


def trained_then_tested_on_renamed_folder(ctx):
    """Train on class folders, then test the checkpoint on folders with the
    same number of classes, one renamed: the names come from the checkpoint
    the run wrote."""
    cfg = tiny_fmnist_cfg(
        'ce',
        ctx,
        val_dataloader=None,
        val_cfg=None,
        val_evaluator=None,
        **{'train_dataloader.dataset.imbalance_factor': 3})
    cfg.train_dataloader.dataset.dataset = folder_dataset(
        image_folder(osp.join(ctx.tmp, 'train'), CLASSES))
    run(cfg)
    saved = torch.load(
        osp.join(ctx.tmp, 'work', 'epoch_1.pth'), weights_only=True)
    assert saved['meta']['dataset_meta']['classes'] == tuple(CLASSES)
    os.remove(osp.join(ctx.tmp, 'work', 'epoch_1.pth'))
    cfg = tiny_fmnist_cfg('ce', ctx, load_from=osp.join(ctx.tmp, 'saved.pth'))
    torch.save(saved, cfg.load_from)
    cfg.test_dataloader.dataset = folder_dataset(
        image_folder(
            osp.join(ctx.tmp, 'test'),
            [*CLASSES[:3], 'class3b', *CLASSES[4:]]))
    run(cfg, 'test')


def glmc_for_one_epoch(ctx):
    run(tiny_fmnist_cfg('glmc', ctx))


def seed_from_command_line(ctx):
    load_config(
        argparse.Namespace(
            config=osp.join(REPO, 'configs', 'glmc',
                            'ce_resnet32-w16_1xb64-30e_fashion-mnist-lt.py'),
            cfg_options={'randomness.seed': 'abc'},
            launcher='none',
            work_dir=None,
            local_rank=0))


def factor_of_n_max(ctx):
    """LongTailDataset with imbalance_factor = n_max = 49."""
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 49)
    for prefix, labels in (('train', labels), ('t10k', labels[:10])):
        write_idx(ctx.tmp, prefix,
                  rng.integers(0, 256, (len(labels), 28, 28), dtype=np.uint8),
                  labels)
    DATASETS.build(
        dict(
            type='LongTailDataset',
            imbalance_factor=49,
            dataset=dict(type='FashionMNISTIDX', data_root=ctx.tmp)))


def build(registry, **cfg) -> Callable:
    return lambda ctx: registry.build(cfg)


CASES = [
    # 1. no silent wrong training
    Case('glmc without RebalancedBatchSampler',
         glmc_without_rebalanced_sampler, ValueError, [
             'train_dataloader.batch_sampler is BatchSampler',
             'RebalancedBatchSampler'
         ]),
    Case('glmc with the re-balanced stream alone',
         glmc_with_rebalanced_stream_alone, ValueError,
         ['batch_sampler is RebalancedBatchSampler(with_uniform=False)']),
    Case('label_weighting nan',
         build(MODELS, **GLMC_PRE, label_weighting=float('nan')), ValueError,
         ['GLMCDataPreprocessor', 'label_weighting', 'nan']),
    Case('label_weighting negative',
         build(MODELS, **GLMC_PRE, label_weighting=-1), ValueError,
         ['label_weighting must be a finite number >= 0, got -1']),
    Case('mix_alpha str', build(MODELS, **GLMC_PRE, mix_alpha='abc'),
         TypeError, ['mix_alpha', "'abc'"]),
    Case('mix_alpha zero', build(MODELS, **GLMC_PRE, mix_alpha=0), ValueError,
         ['mix_alpha must be a finite number > 0, got 0']),
    Case('preprocessor num_classes str',
         build(MODELS, type='GLMCDataPreprocessor', num_classes='ten'),
         TypeError, ['GLMCDataPreprocessor: num_classes', "'ten'"]),
    Case('head num_classes str',
         build(MODELS, **{
             **GLMC_HEAD, 'num_classes': 'ten'
         }), TypeError,
         ['GLMCHead: num_classes must be an integer >= 1', "'ten'"]),
    Case('head num_classes 2.5',
         build(MODELS, **{
             **GLMC_HEAD, 'num_classes': 2.5
         }), ValueError, ['GLMCHead: num_classes', '2.5']),
    Case('lambda_c inf',
         build(MODELS, type='GLMCConsistencyLoss', loss_weight=float('inf')),
         ValueError, ['lambda_c', 'inf']),
    Case('MaxNorm thresh 1.5', build(HOOKS, type='MaxNormHook', thresh=1.5),
         ValueError, [
             'MaxNormHook: thresh must be a finite number >= 0 and '
             '<= 1, got 1.5'
         ]),
    Case('MaxNorm thresh nan',
         build(HOOKS, type='MaxNormHook', thresh=float('nan')), ValueError,
         ['thresh', 'nan']),
    Case('max_per_class str', lt_dataset(max_per_class='3'), TypeError,
         ['LongTailDataset: max_per_class', "'3' (str)"]),
    Case('max_per_class 0', lt_dataset(max_per_class=0), ValueError,
         ['max_per_class must be an integer >= 1, got 0']),
    Case('imbalance_factor 0.5', lt_dataset(imbalance_factor=0.5), ValueError,
         ['LongTailDataset: imbalance_factor', '0.5']),
    Case('imbalance_factor str', lt_dataset(imbalance_factor='100'), TypeError,
         ['imbalance_factor', "'100'"]),
    Case(
        'resample_weighting inf', lambda ctx: RebalancedBatchSampler(
            DefaultSampler(list(range(4))), 2, resample_weighting=np.inf),
        ValueError, ['resample_weighting (q)', 'inf']),
    Case('loss becomes nan', nan_loss, FloatingPointError, [
        'not finite at iteration 1 (epoch 1, batch 1)', 'loss=nan',
        'nothing of this iteration was saved'
    ]),
    # 2. a checkpoint that does not fit the model
    Case('test with a 5-class checkpoint', load_unfit_checkpoint('test'),
         ValueError, [
             'five_classes.pth does not fit the model', '2 mis-shaped keys',
             'head.fc.weight (checkpoint '
             '(5, 64), model (10, 64))', 'allow_partial=True'
         ]),
    Case('load_from a 5-class checkpoint', load_unfit_checkpoint('train'),
         ValueError, ['five_classes.pth does not fit', 'head.fc.bias']),
    Case('resume a 5-class checkpoint', load_unfit_checkpoint('train', True),
         ValueError, ['five_classes.pth does not fit', 'head.fc.bias']),
    # 3. damaged checkpoints
    Case('empty checkpoint', damaged_file(b''), DamagedCheckpointError,
         ['damaged.pth is not a complete checkpoint: the file is empty']),
    Case('text checkpoint', damaged_file(b'epoch 3, loss 0.2\n'),
         DamagedCheckpointError, [
             'damaged.pth is not a complete checkpoint',
             'neither a zip archive '
             "nor a pickle", "b'epoc'"
         ]),
    Case('truncated checkpoint in tools/test.py', truncated_checkpoint,
         DamagedCheckpointError,
         ['truncated.pth is not a complete checkpoint', 'truncated']),
    # 5. datasets name their bad files
    Case('empty list', label_list(b'\n\n'), ValueError,
         ['train.txt lists no image']),
    Case('non-UTF-8 list', label_list(b'a.jpg 1\nb\xff.jpg 2\n'), ValueError,
         ['train.txt, line 2: not UTF-8']),
    Case('missing images', listed_images_missing, FileNotFoundError, [
        '2 of the 12 images listed in', 'train.txt do not exist', '3.JPEG',
        '7.JPEG', 'check_files=False'
    ]),
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
    Case('set smaller than a batch', sampler_smaller_than_batch, ValueError, [
        '(LongTailDataset) gives this process 18 images',
        'batch_size=64 with drop_last=True'
    ]),
    Case('imbalance_factor = n_max = 49', factor_of_n_max, ValueError, [
        'imbalance_factor=49 leaves class 9', 'with 0 images (n_max=49)',
        'the largest integer factor that keeps every class is 48'
    ]),
    # 7. the evaluation set against the checkpoint, the schedule
    Case('test folder without class3',
         evaluate_folder([c for c in CLASSES if c != 'class3']), ValueError, [
             'test_dataloader.dataset (CustomDataset', 'it has 9 classes, the '
             "model 10; 1 trained classes missing: 'class3'"
         ]),
    Case('test folder with a class renamed',
         evaluate_folder([*CLASSES[:9], 'klass9']), ValueError, [
             "1 trained classes missing: 'class9'",
             "1 classes not trained on: 'klass9'"
         ]),
    Case('test folder with a class renamed after training on folders',
         trained_then_tested_on_renamed_folder, ValueError, [
             "1 trained classes missing: 'class3'",
             "1 classes not trained on: 'class3b'"
         ]),
    Case('glmc for one epoch', glmc_for_one_epoch, ValueError,
         ['GLMC with max_epochs=1', 'fc_cb', 'which is 0 for the whole run']),
    Case('randomness.seed abc', seed_from_command_line, TypeError, [
        "config: randomness.seed must be an integer >= 0 and <= "
        "4294967295, got 'abc' (str)"
    ]),
    # 8. image files, named before the run reads them
    Case('0-byte PNG', evaluate_folder(odd=[('class1/empty.png', b'')]),
         ValueError, [
             'test_dataloader.dataset (CustomDataset',
             '1 of the 31 image files checked cannot be used',
             'class1/empty.png is empty (0 bytes)'
         ]),
    Case('text named .png', train_folder([('class0/notes.png', b'hello')]),
         ValueError, [
             'train_dataloader.dataset (LongTailDataset)',
             'class0/notes.png is not an image (5 bytes'
         ]),
    Case('40000 x 40000 PNG',
         train_folder([('class0/huge.png', png_header(40000,
                                                      40000))]), ValueError,
         ["class0/huge.png is larger than PIL's decompression-bomb limit"]),
    Case('10000 x 10000 PNG',
         train_folder([('class0/large.png', png_header(10000, 10000))]),
         ValueError, [
             'class0/large.png is 10000 x 10000 = 100000000 pixels, above '
             'max_pixels=89478485', 'ImageFileCheckHook.max_pixels'
         ]),
    Case('112 px image among 28 px',
         evaluate_folder(odd=[('class4/big.png', png_bytes(112))]), ValueError,
         [
             'The images of one batch differ in size', 'class4/big.png is 1 x '
             '112 x 112, the other 24 are 1 x 28 x 28'
         ]),
]

CASES += [
    *bad_checkpoint_cases.CASES, *bad_run_cases.CASES,
    *bad_benchmark_cases.CASES, *bad_image_cases.CASES
]
# the tools' rows: each runs on its own copy of one finished tiny run
TOOL_CASES = [
    *bad_checkpoint_cases.TOOL_CASES, *bad_run_cases.TOOL_CASES,
    *bad_benchmark_cases.TOOL_CASES, *bad_image_cases.TOOL_CASES
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


@pytest.mark.parametrize('case', TOOL_CASES, ids=[c.name for c in TOOL_CASES])
def test_bad_tool_input_is_named(case, finished_run, tmp_path, capsys):
    run = copy_of_run(finished_run, str(tmp_path))
    code, message = call_tool(case.tool, case.argv(run), capsys)
    assert code == case.returncode, message
    for words in case.words:
        assert words in message, message


def test_list_check_can_be_skipped(tmp_path):
    list_path = write_jpeg_list(str(tmp_path), num_images=12, size=(8, 8))
    os.remove(osp.join(str(tmp_path), 'train', '0', '0.JPEG'))
    dataset = DATASETS.build(
        dict(
            type='ImageNetLT',
            data_root=str(tmp_path),
            ann_file=osp.basename(list_path),
            check_files=False))
    assert len(dataset) == 12


def test_partial_load_is_allowed_when_asked(fmnist, tmp_path):
    ctx = Context(fmnist, str(tmp_path))
    cfg = tiny_fmnist_cfg('ce', ctx, load_from=five_class_checkpoint(ctx))
    cfg.custom_hooks = [
        dict(type='StrictLoadHook', allow_partial=True)
        if hook.type == 'StrictLoadHook' else hook for hook in cfg.custom_hooks
    ]
    metrics = run(cfg, 'test')
    assert 'lt/top1' in metrics


def test_backbone_pretrained_init_cfg_dict_loads(tmp_path):
    """``CIFARResNet(init_cfg=dict(type='Pretrained', ...))``, as its
    docstring says."""
    source = MODELS.build(dict(type='CIFARResNet', depth=8, base_channels=4))
    path = str(tmp_path / 'backbone.pth')
    torch.save({'state_dict': source.state_dict()}, path)
    backbone = MODELS.build(
        dict(
            type='CIFARResNet',
            depth=8,
            base_channels=4,
            init_cfg=dict(type='Pretrained', checkpoint=path)))
    backbone.init_weights()
    for key, value in source.state_dict().items():
        torch.testing.assert_close(backbone.state_dict()[key], value)


@pytest.fixture(scope='module')
def two_epoch_run(fmnist, tmp_path_factory) -> str:
    """The tiny CE run for 2 epochs (cosine, T_max=2): its work dir."""
    ctx = Context(fmnist, str(tmp_path_factory.mktemp('resume')))
    run(
        tiny_fmnist_cfg(
            'ce', ctx, **{
                'train_cfg.max_epochs': 2,
                'param_scheduler.T_max': 2
            }))
    return osp.join(ctx.tmp, 'work')


def resumed_cfg(work: str, ctx: Context, **options) -> Config:
    """Resume the 2-epoch run from its first epoch, with ``options``."""
    return tiny_fmnist_cfg(
        'ce', ctx, **{
            'resume': True,
            'load_from': osp.join(work, 'epoch_1.pth'),
            'train_cfg.max_epochs': 2,
            'param_scheduler.T_max': 2,
            **options
        })


@pytest.mark.parametrize(
    'options, words',
    [
        # longer: MMEngine would keep the cosine's end=2 and train epochs 3-4
        # at a constant lr while alpha and DRW follow the new length
        ({
            'train_cfg.max_epochs': 4,
            'param_scheduler.T_max': 4
        }, [
            'train_cfg.max_epochs: checkpoint 2, config 4',
            'param_scheduler[0].T_max: checkpoint 2, config 4',
            'param_scheduler[0].end: checkpoint 2, config 4'
        ]),
        # shorter: the loop would end at once, after a 2-epoch cosine's epoch 1
        ({
            'train_cfg.max_epochs': 1,
            'param_scheduler.T_max': 1
        }, [
            'train_cfg.max_epochs: checkpoint 2, config 1',
            'param_scheduler[0].T_max: checkpoint 2, config 1'
        ]),
        ({
            'optim_wrapper.optimizer.weight_decay': 1e-3
        }, [
            'optim_wrapper.param_groups[0].weight_decay: checkpoint 0.0005, '
            'config 0.001'
        ]),
        ({
            'optim_wrapper.optimizer.lr': 0.1
        }, [
            'optim_wrapper.param_groups[0].initial_lr: checkpoint 0.05, '
            'config 0.1',
            'param_scheduler[0].base_values: checkpoint [0.05], config [0.1]'
        ]),
        ({
            'randomness.seed': 1
        }, ['randomness.seed: checkpoint 0, config 1']),
        # 128 images: 16 batches of 8, 8 of 16
        ({
            'train_dataloader.batch_size': 16
        }, ['iterations per epoch: checkpoint 16, config 8']),
    ],
    ids=['longer', 'shorter', 'weight_decay', 'lr', 'seed', 'batch_size'])
def test_resume_with_another_config_is_refused(two_epoch_run, fmnist, tmp_path,
                                               options, words):
    ctx = Context(fmnist, str(tmp_path))
    with pytest.raises(
            ValueError,
            match='Cannot resume from .*epoch_1.pth: '
            'MMEngine would take these from the checkpoint') as e:
        run(resumed_cfg(two_epoch_run, ctx, **options))
    for word in words:
        assert word in str(e.value)
    assert not osp.exists(osp.join(ctx.tmp, 'work', 'epoch_2.pth'))


def test_resume_with_the_same_config_continues(two_epoch_run, fmnist,
                                               tmp_path):
    ctx = Context(fmnist, str(tmp_path))
    runner = Runner.from_cfg(resumed_cfg(two_epoch_run, ctx))
    runner.train()
    assert runner.epoch == 2
    # the cosine's second epoch: 0.05 * (1 + cos(pi * 1 / 2)) / 2
    assert runner.optim_wrapper.get_lr()['lr'] == [pytest.approx(0.025)]
    expected = torch.load(
        osp.join(two_epoch_run, 'epoch_2.pth'),
        weights_only=True)['state_dict']
    for key, value in runner.model.state_dict().items():
        torch.testing.assert_close(value, expected[key], rtol=0, atol=0)
