"""A tiny real training run on generated CIFAR-10-LT, for tools tests."""
import glob
import importlib.util
import json
import os
import os.path as osp
import runpy
import shutil
import socket
import subprocess
import sys
from typing import Callable, NamedTuple, Sequence

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from glmc_mm.benchmark import write_cifar

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
TESTS = osp.join(REPO, 'tests')
MIM = osp.join(osp.dirname(sys.executable), 'mim')
# openmim 0.3.9 imports pkg_resources, which setuptools >= 82 no longer ships
# (tools/setup_env.sh installs openmim only where it can run)
HAS_MIM = importlib.util.find_spec('pkg_resources') is not None and \
    osp.isfile(MIM)
needs_mim = pytest.mark.skipif(
    not HAS_MIM, reason='mim needs pkg_resources (setuptools < 82)')

PLAIN_CONFIG = """
_base_ = ['mmpretrain::_base_/default_runtime.py']
custom_imports = dict(imports=['glmc_mm', 'cifar_md5_from_env'],
                      allow_failed_imports=False)
data_root = {data_root!r}
pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
model = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet_CIFAR', depth=18, stem_channels=8,
                  base_channels=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64,
              loss=dict(type='CrossEntropyLoss')))
data_preprocessor = dict(num_classes=10, mean=[125.3, 123.0, 113.9],
                         std=[63.0, 62.1, 66.7], to_rgb=False)
train_dataloader = dict(
    batch_size=16, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='CIFAR10LT', data_root=data_root, imbalance_factor=10,
                 download=False, pipeline=pipeline))
val_dataloader = dict(
    batch_size=32, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='CIFAR10LT', data_root=data_root, split='test',
                 download=False, pipeline=[dict(type='PackInputs')]))
val_evaluator = dict(type='Accuracy', topk=(1, ))
model_wrapper_cfg = dict(type='AnyDeviceDistributedDataParallel')
test_dataloader = val_dataloader
test_evaluator = val_evaluator
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True, T_max=3)
train_cfg = dict(by_epoch=True, max_epochs=2, val_interval=1)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(logger=dict(type='LoggerHook', interval=5))
randomness = dict(seed=0)
"""

# A real config (``{base}``) shrunk to the tiny data: loaders, a small
# backbone, 2 epochs. The model override differs between GLMC and CE.
TINY_OVERRIDES = """
_base_ = [{{base!r}}]
custom_imports = dict(imports=['glmc_mm', 'cifar_md5_from_env'],
                      allow_failed_imports=False)
data_root = {{data_root!r}}
train_dataloader = dict(
    batch_size=16, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root, imbalance_factor=10, download=False))
val_dataloader = dict(
    batch_size=50, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root, download=False))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=2, val_interval=1)
param_scheduler = dict(T_max=2)
optim_wrapper = dict(optimizer=dict(lr=0.05))
default_hooks = dict(logger=dict(interval=5))
randomness = dict(seed=0)
{model}
"""
GLMC_CONFIG = TINY_OVERRIDES.format(model="""model = dict(
    backbone=dict(depth=8, base_channels=8),
    head=dict(in_channels=32, proj_channels=16))""")
CE_CONFIG = TINY_OVERRIDES.format(model="""model = dict(
    backbone=dict(depth=8, base_channels=8),
    head=dict(in_channels=32))""")
GLMC_BASE = osp.join(REPO, 'configs', 'glmc',
                     'glmc_resnet32_1xb64-200e_cifar10-lt-if100.py')
CE_BASE = osp.join(REPO, 'configs', 'glmc',
                   'ce_resnet32_1xb64-200e_cifar10-lt-if100.py')


def make_tiny_cifar(root: str, learnable: bool = False) -> str:
    """400 training and 100 test images; returns the md5 table's path."""
    return write_cifar(root, 'cifar10', 40, 10, seed=1, learnable=learnable)


def write_config(path: str,
                 data_root: str,
                 template: str = PLAIN_CONFIG,
                 base: str = GLMC_BASE) -> str:
    """Write a config from a template (``base``: the config it inherits)."""
    with open(path, 'w') as f:
        f.write(template.format(data_root=data_root, base=base))
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def tool_env(md5_table: str = '', extra_env: dict = None) -> dict:
    """The environment of a tool run: test plugins importable, the
    generated CIFAR's checksums accepted, one OpenMP thread per process."""
    env = dict(
        os.environ,
        PYTHONPATH=TESTS,
        GLMC_TEST_CIFAR_MD5=md5_table,
        PYTHON=sys.executable,
        PORT=str(free_port()),
        OMP_NUM_THREADS='1')
    env.update(extra_env or {})
    return env


def run_tool(args: list,
             md5_table: str = '',
             *,
             cwd: str = REPO,
             timeout: int = 600,
             extra_env: dict = None,
             check: bool = False) -> subprocess.CompletedProcess:
    """Run a command as a user would: from the repository root (or
    ``cwd``), in :func:`tool_env`. With ``check``, assert that it succeeded,
    showing the end of its output where it did not."""
    result = subprocess.run(
        args,
        cwd=cwd,
        env=tool_env(md5_table, extra_env),
        capture_output=True,
        text=True,
        timeout=timeout)
    if check:
        assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return result


def load_tool(path: str):
    """The tool at ``path`` (from the repository root) as a module, to call
    its ``main`` without starting Python."""
    spec = importlib.util.spec_from_file_location(
        osp.splitext(osp.basename(path))[0], osp.join(REPO, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def start_tool(args: list, md5_table: str = '', **popen) -> subprocess.Popen:
    """Start a command as :func:`run_tool` runs it, in the background, its
    output discarded unless ``popen`` says where it goes (for tests that
    kill it)."""
    popen.setdefault('stdout', subprocess.DEVNULL)
    popen.setdefault('stderr', subprocess.DEVNULL)
    return subprocess.Popen(args, cwd=REPO, env=tool_env(md5_table), **popen)


class Context(NamedTuple):
    """Where a test's data lie (``root``) and where it writes (``tmp``)."""
    root: str
    tmp: str


def tiny_fmnist_cfg(kind: str, ctx: Context, **options) -> Config:
    """The real Fashion-MNIST-LT config of method ``kind`` (``ce``, ``glmc``,
    ...) on the tiny generated data of ``ctx.root``: depth 8, batch 8, one
    epoch, a checkpoint after it, the work dir ``ctx.tmp/work``."""
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'glmc',
                 f'{kind}_resnet32-w16_1xb64-30e_fashion-mnist-lt.py'))
    loader = dict(num_workers=0, persistent_workers=False)
    cfg.merge_from_dict({
        'work_dir':
        osp.join(ctx.tmp, 'work'),
        'experiment_name':
        f'{kind}_{osp.basename(ctx.tmp)}',
        'model.backbone.depth':
        8,
        'train_dataloader':
        dict(
            batch_size=8,
            **loader,
            dataset=dict(
                max_per_class=24,
                imbalance_factor=4,
                dataset=dict(data_root=ctx.root))),
        'val_dataloader':
        dict(batch_size=25, **loader, dataset=dict(data_root=ctx.root)),
        'test_dataloader':
        dict(batch_size=25, **loader, dataset=dict(data_root=ctx.root)),
        'train_cfg.max_epochs':
        1,
        'train_cfg.val_interval':
        1,
        'param_scheduler.T_max':
        1,
        'default_hooks.checkpoint.interval':
        1,
        'default_hooks.logger.interval':
        1,
        **options
    })
    return cfg


def image_folder(root: str, classes: Sequence[str], odd: Sequence = ()) -> str:
    """Class folders of three 28 x 28 grey PNGs each, plus ``odd``:
    ``(relative path, bytes)`` files."""
    rng = np.random.default_rng(0)
    for name in classes:
        os.makedirs(osp.join(root, name))
        for i in range(3):
            cv2.imwrite(
                osp.join(root, name, f'{i}.png'),
                rng.integers(0, 256, (28, 28), dtype=np.uint8))
    for path, content in odd:
        with open(osp.join(root, path), 'wb') as f:
            f.write(content)
    return root


def folder_dataset(root: str) -> dict:
    return dict(
        type='CustomDataset',
        data_root=root,
        pipeline=[
            dict(type='LoadImageFromFile', color_type='grayscale'),
            dict(type='PackInputs')
        ])


def bad_image_on_rank_1(ctx: Context) -> tuple:
    """A CE config training on 10 class folders of 3 PNGs
    (:func:`image_folder`), whose second file (``class0/1.png``, index 1:
    what rank 1 of 2 checks) is empty; its path and the folders' root."""
    cfg = tiny_fmnist_cfg(
        'ce', ctx, val_dataloader=None, val_cfg=None, val_evaluator=None)
    root = image_folder(
        osp.join(ctx.tmp, 'train'), [f'class{i}' for i in range(10)],
        [('class0/1.png', b'')])
    cfg.train_dataloader.dataset = folder_dataset(root)
    config = osp.join(ctx.tmp, 'ce.py')
    cfg.dump(config)
    return config, root


def assert_stopped_on_every_rank(result: subprocess.CompletedProcess,
                                 elapsed: float, root: str,
                                 work_dir: str) -> None:
    """The two-rank run of :func:`bad_image_on_rank_1` failed within a
    minute, both ranks raised the refusal (two tracebacks: neither waited
    for the other), and rank 0's log in ``work_dir`` names the file."""
    assert result.returncode != 0 and elapsed < 60, elapsed
    assert result.stderr.count(
        f'ValueError: train_dataloader.dataset (CustomDataset, {root}): 1 of '
        'the 30 image files checked cannot be used'
    ) == 2, result.stderr[-3000:]
    log, = glob.glob(osp.join(work_dir, '*', '*.log'))
    with open(log) as f:
        assert f'{root}/class0/1.png is empty (0 bytes)' in f.read()


class Case(NamedTuple):
    """A bad input, one row of the in-process table: ``make(ctx)`` (a
    :class:`Context`) raises ``error`` with every one of ``words``."""
    name: str
    make: Callable
    error: type
    words: Sequence[str]


class FinishedRun(NamedTuple):
    """A finished 1-epoch tiny Fashion-MNIST-LT CE run that a test may
    change: its data, its config file and its work dir (``epoch_1.pth``,
    ``last_checkpoint``, the logs)."""
    root: str
    config: str
    work_dir: str

    @property
    def checkpoint(self) -> str:
        return osp.join(self.work_dir, 'epoch_1.pth')


def copy_of_run(run: FinishedRun, tmp: str) -> FinishedRun:
    """A copy of ``run`` in ``tmp``, its config naming the copy's work dir
    and an experiment of its own (MMEngine keys its global instances by the
    experiment's name)."""
    work_dir = osp.join(tmp, 'work')
    shutil.copytree(run.work_dir, work_dir)
    cfg = Config.fromfile(run.config)
    cfg.work_dir = work_dir
    cfg.experiment_name = f'copy_{osp.basename(tmp)}'
    config = osp.join(tmp, 'config.py')
    cfg.dump(config)
    return FinishedRun(run.root, config, work_dir)


class ToolCase(NamedTuple):
    """A bad input to a tool, one row of the table: ``argv(run)`` is the
    command line after the tool's path (``run``: the case's own copy of a
    :class:`FinishedRun`, which ``argv`` may change first). The tool must
    exit with ``returncode`` and its message (the ``SystemExit`` text or the
    exception, and stderr) must hold every one of ``words``."""
    name: str
    tool: str
    argv: Callable[[FinishedRun], list]
    returncode: int
    words: Sequence[str]


def call_tool(tool: str, argv: list, capsys) -> tuple:
    """``(exit code, message)`` of the tool at ``tool`` (from the repository
    root) run as ``__main__`` in this process with ``argv``, as Python would
    end it: 0, the code of a ``SystemExit``, or 1 for an exception (the
    message is then ``Type: text``); the message has what it wrote to
    stderr after it."""
    saved = sys.argv
    sys.argv = [tool, *map(str, argv)]
    code, message = 0, ''
    try:
        runpy.run_path(osp.join(REPO, tool), run_name='__main__')
    except SystemExit as error:
        if isinstance(error.code, int) or error.code is None:
            code = error.code or 0
        else:
            code, message = 1, str(error.code)
    except Exception as error:  # as the interpreter reports it
        code, message = 1, f'{type(error).__name__}: {error}'
    finally:
        sys.argv = saved
    return code, f'{message}\n{capsys.readouterr().err}'


def assert_same_run(a, b, epochs: int) -> None:
    """The run folders ``a`` and ``b`` end alike: the final checkpoint's
    weights equal to the bit, and the same top-1 and per-class accuracy in
    their last test results."""
    import torch
    weights = [
        torch.load(d / f'epoch_{epochs}.pth', weights_only=True)['state_dict']
        for d in (a, b)
    ]
    for key in weights[0]:
        assert torch.equal(weights[0][key], weights[1][key]), (a, key)
    metrics = [
        json.loads(
            next((d / 'test').glob('*/*.json')).read_text().splitlines()[-1])
        for d in (a, b)
    ]
    for key in ('lt/top1', 'lt/per_class'):
        assert metrics[0][key] == metrics[1][key], (a, key)
