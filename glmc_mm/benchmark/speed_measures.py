"""The speed measures of ``tools/benchmark/benchmark_glmc.py``: each runs
in a fresh process (``tools/benchmark/speed_measure.py``) on generated data
in the real on-disk formats and returns its figures as a dict.

- ``runner``: the full GLMC iteration through MMEngine's runner;
- ``floor``: the same passes and optimizer step on a batch in memory;
- ``plain``: plain cross-entropy MMPretrain training of the same backbone
  on ``2B`` one-view images;
- ``authors``: the authors' loop (:class:`~glmc_mm.benchmark.AuthorsLoop`);
- ``data``: samples/s of the train dataloader with 0, 1 and 2 workers;
- ``pipeline``: samples/s of the train pipeline on one core, with each
  transform's share, ours and the authors';
- ``max-batch`` (GPU): the largest ``B`` whose step fits in memory.
"""
import os
import os.path as osp
import resource
import tempfile
import time
from types import SimpleNamespace
from typing import Callable, List, Optional

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import default_collate
from mmengine.hooks import Hook
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmpretrain.registry import DATASETS, MODELS
from torch.utils.data import default_collate as torch_collate

from ..datasets import get_class_counts
from ..models import record_class_counts
from ..utils.package_files import package_path
from .authors_loop import AuthorsLoop, PILDecode, authors_sample, authors_view
from .generated_data import register_cifar_md5, write_cifar, write_jpeg_list
from .pipeline_profile import profile_samples

SETTINGS = {
    'cifar':
    dict(
        config='configs/glmc/glmc_resnet32_1xb64-200e_cifar10-lt-if100.py',
        cpu_batch=64,
        gpu_batch=64),
    'imagenet':
    dict(
        config='configs/glmc/glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py',
        cpu_batch=8,
        gpu_batch=64),
    # the photometric augmentations on the batch (BatchPhotometricAugment)
    'imagenet-batchaug':
    dict(
        config='configs/glmc/'
        'glmc-batchaug_resnext50-32x4d_8xb15-135e_imagenet-lt.py',
        cpu_batch=8,
        gpu_batch=64),
}
MEASURES = ('runner', 'floor', 'plain', 'authors', 'data', 'pipeline',
            'max-batch')
PHOTOS = dict(num_images=64, size=(375, 500), photo_like=True, quality=90)


def setting_batch(setting: str) -> int:
    """``B`` of a setting on this machine (per stream)."""
    return SETTINGS[setting]['gpu_batch' if torch.cuda.is_available(
    ) else 'cpu_batch']


def median_rate(stamps: List[float], images: int, warmup: int,
                window: int) -> float:
    """Median images/s over windows of ``window`` steps after warm-up."""
    stamps = stamps[warmup:]
    rates = [
        images * window / (stamps[i + window] - stamps[i])
        for i in range(0,
                       len(stamps) - window, window)
    ]
    return float(np.median(rates))


def make_data(setting: str, root: str) -> None:
    """Generated data in the real on-disk formats."""
    if setting == 'cifar':
        write_cifar(root, 'cifar10', 1000, 10, learnable=True)
        return
    write_jpeg_list(osp.join(root, 'photos'), **PHOTOS)
    rng = np.random.default_rng(0)
    # every class present, then a long tail
    labels = list(
        range(10)) + [min(int(rng.exponential(2.0)), 9) for _ in range(86)]
    lines = []
    for index, label in enumerate(labels):
        path = f'train/{label}/{index}.JPEG'
        os.makedirs(osp.join(root, osp.dirname(path)), exist_ok=True)
        cv2.imwrite(
            osp.join(root, path),
            rng.integers(0, 256, (256, 320, 3), dtype=np.uint8))
        lines.append(f'{path} {label}')
    with open(osp.join(root, 'train.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


def glmc_config(setting: str, root: str, batch: int, workers: int,
                options: dict):
    """The setting's GLMC config on the generated data, without
    validation, checkpoints or a schedule."""
    cfg = Config.fromfile(package_path(SETTINGS[setting]['config']))
    cfg.merge_from_dict(options)
    loader = cfg.train_dataloader
    loader.batch_size = batch
    loader.num_workers = workers
    loader.persistent_workers = workers > 0
    loader.dataset.data_root = root
    if setting != 'cifar':
        loader.dataset.ann_file = 'train.txt'
        loader.dataset.metainfo = dict(classes=[str(i) for i in range(10)])
        loader.dataset.type = 'LabelListDataset'
        cfg.model.head.num_classes = 10
        cfg.data_preprocessor.num_classes = 10
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    cfg.param_scheduler = None
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.logger.interval = 10**6
    cfg.work_dir = tempfile.mkdtemp()
    return cfg


def plain_config(cfg):
    """Cross-entropy MMPretrain training (``ImageClassifier``, NCHW) of the
    same backbone on ``2B`` images of one view, same loader settings."""
    multiview = [
        t for t in cfg.train_dataloader.dataset.pipeline
        if t.type == 'MultiView'
    ][0]
    pipeline = [
        t for t in cfg.train_dataloader.dataset.pipeline
        if t.type not in ('MultiView', 'PackInputs')
    ]
    cfg.train_dataloader.dataset.pipeline = [
        *pipeline, *multiview.transforms[0],
        dict(type='PackInputs')
    ]
    cfg.train_dataloader.batch_size *= 2
    cfg.train_dataloader.pop('batch_sampler')
    head = cfg.model.head
    cfg.model = dict(
        type='ImageClassifier',
        backbone=cfg.model.backbone,
        neck=cfg.model.get('neck'),
        head=dict(
            type='LinearClsHead',
            num_classes=head.num_classes,
            in_channels=head.in_channels))
    preprocessor = {
        k: v
        for k, v in cfg.data_preprocessor.items()
        if k in ('num_classes', 'mean', 'std', 'to_rgb')
    }
    cfg.data_preprocessor = dict(type='ClsDataPreprocessor', **preprocessor)
    cfg.custom_hooks = []
    return cfg


def now() -> float:
    """The time, after the GPU's queued work is done."""
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter()


def run_steps(step: Callable[[], None], count: int) -> List[float]:
    """The time before the first of ``count`` steps and after each."""
    stamps = [now()]
    for _ in range(count):
        step()
        stamps.append(now())
    return stamps


def measure_runner(cfg, steps: int) -> List[float]:
    """Time stamps of ``steps`` iterations of MMEngine's runner."""
    stamps: List[float] = []

    class Stamp(Hook):

        def before_train(self, runner):
            stamps.append(now())

        def after_train_iter(self, runner, *args, **kwargs):
            stamps.append(now())

    cfg.train_cfg = dict(by_epoch=False, max_iters=steps, val_interval=10**9)
    runner = Runner.from_cfg(cfg)
    runner.register_hook(Stamp(), priority='LOWEST')
    runner.train()
    return stamps


def floor_step(cfg) -> tuple:
    """The GLMC step on one preprocessed batch held in memory, and that
    batch."""
    runner = Runner.from_cfg(cfg)
    loader = runner.build_dataloader(cfg.train_dataloader)
    model = runner.model
    model.train()
    record_class_counts(model, get_class_counts(loader.dataset), 'benchmark')
    model.head.alpha = 0.5
    batch = model.data_preprocessor(next(iter(loader)), True)
    optim = runner.build_optim_wrapper(cfg.optim_wrapper)

    def step(batch=batch):
        with optim.optim_context(model):
            loss, _ = model.parse_losses(model.loss(**batch))
        optim.update_params(loss)

    return step, batch


def measure_max_batch(cfg) -> int:
    """The largest ``B`` (per stream) whose step fits in GPU memory:
    doubling from the setting's ``B``, then halving the gap."""
    step, batch = floor_step(cfg)
    base = len(batch['data_samples']) // 2

    def fits(size: int) -> bool:
        repeat = -(-size // base)
        inputs = batch['inputs'].chunk(2)
        grown = dict(
            inputs=torch.cat(
                [torch.cat([half] * repeat)[:size] for half in inputs]),
            data_samples=[
                s for half in (batch['data_samples'][:base],
                               batch['data_samples'][base:])
                for s in (half * repeat)[:size]
            ])
        try:
            step(grown)
            torch.cuda.synchronize()
            return True
        except torch.cuda.OutOfMemoryError:
            return False
        finally:
            torch.cuda.empty_cache()

    good, bad = 0, None
    size = base
    while bad is None and size <= 2**14:
        if fits(size):
            good, size = size, 2 * size
        else:
            bad = size
    while bad is not None and bad - good > max(1, good // 16):
        middle = (good + bad) // 2
        good, bad = (middle, bad) if fits(middle) else (good, middle)
    return good


def measure_data(cfg, workers: int, batches: int) -> float:
    """Samples/s of the train dataloader with ``workers`` workers."""
    init_default_scope('mmpretrain')
    cfg.train_dataloader.num_workers = workers
    cfg.train_dataloader.persistent_workers = workers > 0
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    iterator = iter(loader)
    next(iterator)
    samples, start = 0, time.perf_counter()
    for _ in range(batches):
        try:
            samples += len(next(iterator)['data_samples'])
        except StopIteration:
            iterator = iter(loader)
    return samples / (time.perf_counter() - start)


def measure_pipeline(cfg, setting: str, root: str, samples: int) -> dict:
    """Samples/s on one core and each transform's share: our pipeline and
    the authors' on the same files."""
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    init_default_scope('mmpretrain')
    dataset_cfg = cfg.train_dataloader.dataset
    if setting != 'cifar':
        dataset_cfg.data_root = osp.join(root, 'photos')
    batch = cfg.train_dataloader.batch_size
    dataset = DATASETS.build(dataset_cfg)
    count = min(samples, len(dataset) - 4)
    ours = profile_samples(dataset.__getitem__, dataset.pipeline, count,
                           default_collate, batch)
    # the authors' steps, in a holder whose transforms the profile times
    steps = SimpleNamespace(
        transforms=[PILDecode(), authors_view(cfg, setting)])
    authors = profile_samples(
        lambda index: authors_sample(
            dataset.get_data_info(index), *steps.transforms), steps, count,
        torch_collate, batch)
    result = dict(ours=ours, authors=authors, samples=count)
    photometric = cfg.data_preprocessor.get('photometric')
    if photometric:
        # its cost per sample (two views) on this device, one thread
        module = MODELS.build(photometric)
        views = torch.rand(4 * batch, 3, 224, 224) * 255
        module(views)
        start = time.perf_counter()
        for _ in range(3):
            module(views)
        result['batch_stage_ms_per_sample'] = 1000 * (time.perf_counter() -
                                                      start) / (3 * 2 * batch)
    return result


def peak_rss_mb() -> int:
    """The peak resident memory of this process or its children, in MB."""
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(usage, children) / 1024)


def measure(name: str,
            setting: str,
            data_root: str,
            warmup: int,
            windows: int,
            window_steps: int,
            workers: int = 2,
            options: Optional[dict] = None,
            pipeline_samples: int = 60,
            amp: bool = False,
            batch: Optional[int] = None) -> dict:
    """Run the measure ``name`` of ``setting`` on the data that
    :func:`make_data` wrote to ``data_root``.

    Args:
        name (str): One of :data:`MEASURES`.
        setting (str): One of :data:`SETTINGS`.
        data_root (str): The generated data.
        warmup (int): Untimed steps first.
        windows (int): Timed windows; the figure is their median.
        window_steps (int): Steps per timed window.
        workers (int): Dataloader workers of the timed runs.
        options (dict, optional): Overrides of the GLMC config.
        pipeline_samples (int): Samples timed by ``pipeline``.
        amp (bool): Mixed precision (needs a GPU).
        batch (int, optional): ``B`` per stream; None for the setting's
            (:func:`setting_batch`).

    Returns:
        dict: ``images_per_s`` (``runner``, ``floor``, ``plain``,
        ``authors``), ``samples_per_s`` per number of workers (``data``),
        the pipeline's figures, or ``max_batch``; and ``peak_rss_mb``.
    """
    if setting == 'cifar':
        register_cifar_md5(osp.join(data_root, 'cifar10_md5.json'))
    batch = batch or setting_batch(setting)
    cfg = glmc_config(setting, data_root, batch, workers, options or {})
    if amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
    steps = warmup + windows * window_steps
    timed = {
        'runner': lambda: measure_runner(cfg, steps),
        'floor': lambda: run_steps(floor_step(cfg)[0], steps),
        'plain': lambda: measure_runner(plain_config(cfg), steps),
        'authors':
        lambda: run_steps(AuthorsLoop(cfg, setting, amp).step, steps),
    }
    if name in timed:
        result = dict(
            images_per_s=median_rate(timed[name](), 2 *
                                     batch, warmup, window_steps))
    elif name == 'data':
        result = dict(
            samples_per_s={
                workers:
                float(
                    np.median([
                        measure_data(cfg.copy(), workers, 10) for _ in range(2)
                    ]))
                for workers in (0, 1, 2)
            })
    elif name == 'pipeline':
        result = measure_pipeline(cfg, setting, data_root, pipeline_samples)
    elif name == 'max-batch':
        result = dict(max_batch=measure_max_batch(cfg))
    else:
        raise ValueError(f'unknown measure {name!r}; the measures are '
                         f'{", ".join(MEASURES)}')
    return dict(result, peak_rss_mb=peak_rss_mb())
