"""Benchmark GLMC's training step against its compute floor, plain
MMPretrain training and a plain-PyTorch re-statement of the authors' loop.

For each setting (CIFAR-shaped: ResNet-32 width 64, B = 64; 224x224:
ResNeXt-50 32x4d, B = 8 on CPU, 64 on GPU) it measures, each in a fresh
process on generated data in the real formats:

1. ``runner``: the full GLMC iteration through MMEngine's runner (data
   loading with the configured workers, preprocessor, two forward/backward
   passes, optimizer step, hooks);
2. ``floor``: the same two forward/backward passes and optimizer step on a
   batch already in memory;
3. ``plain``: a plain cross-entropy MMPretrain iteration, same backbone
   (NCHW weights) and loader settings, ``2B`` images of one view;
4. ``authors``: the authors' loop (two DataLoaders, one with a
   ``WeightedRandomSampler``, per-sample two-view torchvision transforms,
   PyTorch's default collate, NCHW weights) around the authors' step as
   :mod:`glmc_mm.testing.authors_step` states it;
5. ``data``: samples/s the GLMC train dataloader delivers with 0, 1, 2
   workers;
6. ``pipeline``: samples/s of the train pipeline on ONE core (one process,
   one thread: what one dataloader worker delivers), each transform's share
   of it from timing every transform, and the same for the authors'
   torchvision pipeline (two views of each ``PIL`` image) on the same files.
   For the 224-pixel setting the files are photo-like 500 x 375 JPEGs of
   quality 90;
7. ``max-batch`` (GPU only, not run by default): the largest ``B`` whose
   GLMC step (the floor's) fits in the GPU's memory;
8. peak resident memory of each process.

``--amp`` runs the steps under mixed precision (GPU only);
``--json-out FILE`` also writes the figures, and ``--table FILE ...``
prints one table from such files (``tools/benchmark/gpu_check.sh``).

Images/s count the ``2B`` images that go through the network per step.
Each figure is the median of several timed windows after warm-up.

Example::

    python tools/benchmark/benchmark_glmc.py --settings cifar imagenet
    python tools/benchmark/benchmark_glmc.py --settings cifar \
        --cfg-options model.channels_last=False
"""
import argparse
import json
import os
import os.path as osp
import resource
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace
from typing import Callable, Dict, List

import numpy as np
import torch
from mmengine.config import DictAction

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

SETTINGS = {
    'cifar':
    dict(config='configs/glmc/glmc_resnet32_1xb64-200e_cifar10-lt-if100.py',
         cpu_batch=64, gpu_batch=64),
    'imagenet':
    dict(config='configs/glmc/glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py',
         cpu_batch=8, gpu_batch=64),
    # the photometric augmentations on the batch (BatchPhotometricAugment)
    'imagenet-batchaug':
    dict(config='configs/glmc/'
         'glmc-batchaug_resnext50-32x4d_8xb15-135e_imagenet-lt.py',
         cpu_batch=8, gpu_batch=64),
}
MEASURES = ('runner', 'floor', 'plain', 'authors', 'data', 'pipeline',
            'max-batch')
DEFAULT_MEASURES = MEASURES[:-1]
PHOTOS = dict(num_images=64, size=(375, 500), photo_like=True, quality=90)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--settings', nargs='+', default=list(SETTINGS),
                        choices=list(SETTINGS))
    parser.add_argument('--measures', nargs='+',
                        default=list(DEFAULT_MEASURES), choices=MEASURES)
    parser.add_argument('--windows', type=int, default=3,
                        help='timed windows per figure')
    parser.add_argument('--window-steps', type=int, default=3,
                        help='steps per timed window')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--workers', type=int, default=2,
                        help='dataloader workers of the timed runs')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={},
        help='override settings of the GLMC config, e.g. '
        'model.channels_last=False')
    parser.add_argument('--pipeline-samples', type=int, default=60,
                        help='samples timed by the pipeline measure')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision (needs a GPU)')
    parser.add_argument('--json-out', help='also write the figures here')
    parser.add_argument('--table', nargs='+', metavar='JSON',
                        help='print one table from --json-out files, then '
                        'stop')
    parser.add_argument('--measure', choices=MEASURES, help=argparse.SUPPRESS)
    parser.add_argument('--setting', help=argparse.SUPPRESS)
    parser.add_argument('--data-root', help=argparse.SUPPRESS)
    return parser.parse_args()


def median_rate(stamps: List[float], images: int, warmup: int,
                window: int) -> float:
    """Median images/s over windows of ``window`` steps after warm-up."""
    stamps = stamps[warmup:]
    rates = [
        images * window / (stamps[i + window] - stamps[i])
        for i in range(0, len(stamps) - window, window)
    ]
    return float(np.median(rates))


def make_data(setting: str, root: str) -> None:
    """Generated data in the real on-disk formats."""
    if setting == 'cifar':
        from glmc_mm.testing import write_cifar
        write_cifar(root, 'cifar10', 1000, 10, learnable=True)
        return
    from glmc_mm.testing import write_jpeg_list
    write_jpeg_list(osp.join(root, 'photos'), **PHOTOS)
    import cv2
    rng = np.random.default_rng(0)
    # every class present, then a long tail
    labels = list(range(10)) + [min(int(rng.exponential(2.0)), 9)
                                for _ in range(86)]
    lines = []
    for index, label in enumerate(labels):
        path = f'train/{label}/{index}.JPEG'
        os.makedirs(osp.join(root, osp.dirname(path)), exist_ok=True)
        cv2.imwrite(osp.join(root, path),
                    rng.integers(0, 256, (256, 320, 3), dtype=np.uint8))
        lines.append(f'{path} {label}')
    with open(osp.join(root, 'train.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


def glmc_config(setting: str, root: str, batch: int, workers: int,
                options: dict):
    """The setting's GLMC config on the generated data, without
    validation, checkpoints or a schedule."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO, SETTINGS[setting]['config']))
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
    multiview = [t for t in cfg.train_dataloader.dataset.pipeline
                 if t.type == 'MultiView'][0]
    pipeline = [t for t in cfg.train_dataloader.dataset.pipeline
                if t.type not in ('MultiView', 'PackInputs')]
    cfg.train_dataloader.dataset.pipeline = [
        *pipeline, *multiview.transforms[0], dict(type='PackInputs')]
    cfg.train_dataloader.batch_size *= 2
    cfg.train_dataloader.pop('batch_sampler')
    head = cfg.model.head
    cfg.model = dict(
        type='ImageClassifier', backbone=cfg.model.backbone,
        neck=cfg.model.get('neck'),
        head=dict(type='LinearClsHead', num_classes=head.num_classes,
                  in_channels=head.in_channels))
    preprocessor = {k: v for k, v in cfg.data_preprocessor.items()
                    if k in ('num_classes', 'mean', 'std', 'to_rgb')}
    cfg.data_preprocessor = dict(type='ClsDataPreprocessor', **preprocessor)
    cfg.custom_hooks = []
    return cfg


def now() -> float:
    """The time, after the GPU's queued work is done."""
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter()


def run_steps(step: Callable[[], None], count: int) -> List[float]:
    stamps = [now()]
    for _ in range(count):
        step()
        stamps.append(now())
    return stamps


def measure_runner(cfg, steps: int) -> List[float]:
    from mmengine.hooks import Hook
    from mmengine.runner import Runner
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


def floor_step(cfg):
    """The GLMC step on one preprocessed batch held in memory, and that
    batch."""
    from mmengine.runner import Runner
    from glmc_mm.datasets import get_class_counts
    from glmc_mm.models import record_class_counts
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


def measure_floor(cfg, steps: int) -> List[float]:
    step, _ = floor_step(cfg)
    return run_steps(step, steps)


def measure_max_batch(cfg) -> int:
    """The largest ``B`` (per stream) whose step fits in GPU memory:
    doubling from the setting's ``B``, then halving the gap."""
    step, batch = floor_step(cfg)
    base = len(batch['data_samples']) // 2

    def fits(size: int) -> bool:
        repeat = -(-size // base)
        inputs = batch['inputs'].chunk(2)
        grown = dict(
            inputs=torch.cat([torch.cat([half] * repeat)[:size]
                              for half in inputs]),
            data_samples=[s for half in (batch['data_samples'][:base],
                                         batch['data_samples'][base:])
                          for s in (half * repeat)[:size]])
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


def authors_view(cfg, setting: str):
    """The authors' torchvision transforms of one view."""
    from torchvision import transforms as T
    pre = cfg.data_preprocessor
    normalize = T.Normalize([m / 255 for m in pre.mean],
                            [s / 255 for s in pre.std])
    if setting == 'cifar':
        return T.Compose([T.RandomCrop(32, padding=4),
                          T.RandomHorizontalFlip(), T.ToTensor(), normalize])
    return T.Compose([
        T.RandomResizedCrop(224), T.ColorJitter(0.4, 0.4, 0.4, 0.0),
        T.RandomGrayscale(p=0.2),
        T.RandomApply([T.GaussianBlur(23, sigma=(0.1, 2.0))], p=0.5),
        T.RandomHorizontalFlip(), T.ToTensor(), normalize])


class PILDecode:
    """The authors' image loading: ``PIL`` open and convert to RGB."""

    def __call__(self, path: str):
        from PIL import Image
        with open(path, 'rb') as f:
            return Image.open(f).convert('RGB')


def authors_sample(info: dict, decode: Callable, view: Callable) -> tuple:
    """A sample as the authors' dataset gives it: the image (``decode``d
    from its file, or the array in memory), two ``view`` s of it, the label.
    """
    from PIL import Image
    image = Image.fromarray(info['img']) if 'img' in info else \
        decode(info['img_path'])
    return [view(image), view(image)], int(info['gt_label'])


def measure_authors(cfg, steps: int, setting: str,
                    amp: bool = False) -> List[float]:
    """The authors' loop in plain PyTorch around the authors' step."""
    import torch.nn.functional as F
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS, MODELS
    from torch.utils.data import DataLoader, Dataset, WeightedRandomSampler
    from glmc_mm.datasets import get_class_counts
    from glmc_mm.testing import (authors_box, authors_label_weights,
                                 authors_loss, authors_mix)
    init_default_scope('mmpretrain')
    source = DATASETS.build(dict(cfg.train_dataloader.dataset, pipeline=[]))
    counts = get_class_counts(source).astype(np.float64)
    labels = source.get_gt_labels()
    pre = cfg.data_preprocessor
    view = authors_view(cfg, setting)

    class TwoViews(Dataset):

        def __len__(self):
            return len(source)

        def __getitem__(self, index):
            return authors_sample(source.get_data_info(index), PILDecode(),
                                  view)

    batch = cfg.train_dataloader.batch_size
    workers = cfg.train_dataloader.num_workers
    weights = torch.from_numpy(counts[labels]**(
        -cfg.train_dataloader.batch_sampler.resample_weighting))
    uniform = DataLoader(TwoViews(), batch, shuffle=True, num_workers=workers,
                         drop_last=True, persistent_workers=workers > 0)
    rebalanced = DataLoader(
        TwoViews(), batch, num_workers=workers, drop_last=True,
        persistent_workers=workers > 0,
        sampler=WeightedRandomSampler(weights, len(source), replacement=True))
    # the authors' model keeps PyTorch's default NCHW weights
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    model = MODELS.build(
        dict(cfg.model, data_preprocessor=pre, channels_last=False))
    model.to(device).train()
    scaler = torch.amp.GradScaler(device, enabled=amp)
    head = model.head
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9,
                                weight_decay=5e-3)
    w = authors_label_weights(counts, pre.label_weighting)

    def forward(x):
        feature = model.neck(model.backbone(x))[-1] if model.neck else \
            model.backbone(x)[-1]
        z = head.projector(feature)
        return head.fc(feature), head.fc_cb(feature), z, head.predictor(z)

    def batches():
        while True:
            for u, r in zip(uniform, rebalanced):
                yield u, r

    stream = batches()

    def step():
        ((u1, u2), yu), ((r1, r2), yr) = next(stream)
        u1, u2, r1, r2, yu, yr = (t.to(device, non_blocking=True)
                                  for t in (u1, u2, r1, r2, yu, yr))
        eu = F.one_hot(yu, len(counts)).float()
        er = F.one_hot(yr, len(counts)).float()
        lam = np.random.beta(1.0, 1.0)
        x_g, x_l, t = authors_mix(u1, u2, r1, r2, eu, er, lam,
                                  authors_box(u2.shape[-2:], lam))
        with torch.autocast(device, enabled=amp):
            loss = authors_loss(forward(x_g), forward(x_l), t,
                                w.to(device), 0.5,
                                head.consistency_loss.loss_weight)
        optimizer.zero_grad()
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()

    return run_steps(step, steps)


def measure_data(cfg, workers: int, batches: int) -> float:
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner
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
    import cv2
    from mmengine.dataset import default_collate
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS, MODELS
    from torch.utils.data import default_collate as torch_collate
    from glmc_mm.utils.pipeline_profile import profile_samples
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
    steps = SimpleNamespace(transforms=[PILDecode(), authors_view(cfg,
                                                                  setting)])

    authors = profile_samples(
        lambda index: authors_sample(dataset.get_data_info(index),
                                     *steps.transforms), steps, count,
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
        result['batch_stage_ms_per_sample'] = 1000 * (
            time.perf_counter() - start) / (3 * 2 * batch)
    return result


def child(args: argparse.Namespace) -> None:
    """Run one measure in this process and print its figures as JSON."""
    import glmc_mm  # noqa: F401
    from glmc_mm.testing import register_cifar_md5
    setting = args.setting
    if setting == 'cifar':
        register_cifar_md5(osp.join(args.data_root, 'cifar10_md5.json'))
    batch = SETTINGS[setting][
        'gpu_batch' if torch.cuda.is_available() else 'cpu_batch']
    cfg = glmc_config(setting, args.data_root, batch, args.workers,
                      args.cfg_options)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
    steps = args.warmup + args.windows * args.window_steps
    images = 2 * batch
    result: Dict[str, object] = {}
    if args.measure == 'runner':
        stamps = measure_runner(cfg, steps)
    elif args.measure == 'floor':
        stamps = measure_floor(cfg, steps)
    elif args.measure == 'plain':
        stamps = measure_runner(plain_config(cfg), steps)
    elif args.measure == 'authors':
        stamps = measure_authors(cfg, steps, setting, args.amp)
    if args.measure == 'max-batch':
        result['max_batch'] = measure_max_batch(cfg)
    elif args.measure == 'pipeline':
        result.update(measure_pipeline(cfg, setting, args.data_root,
                                       args.pipeline_samples))
    elif args.measure != 'data':
        result['images_per_s'] = median_rate(stamps, images, args.warmup,
                                             args.window_steps)
    else:
        result['samples_per_s'] = {
            workers: float(np.median([
                measure_data(cfg.copy(), workers, 10) for _ in range(2)
            ]))
            for workers in (0, 1, 2)
        }
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result['peak_rss_mb'] = round(max(usage, children) / 1024)
    print('RESULT ' + json.dumps(result))


def print_pipeline(figures: dict) -> None:
    """One core's samples/s and the shares, ours beside the authors'."""
    print(f'  pipeline, one core, {figures["samples"]} samples:')
    for name in ('ours', 'authors'):
        f = figures[name]
        shares = ', '.join(f'{k} {100 * v:.1f}%'
                           for k, v in f['shares'].items())
        print(f'    {name:<8} {f["samples_per_s"]:7.1f} samples/s '
              f'({f["ms_per_sample"]:.2f} ms each): {shares}')
    if 'batch_stage_ms_per_sample' in figures:
        print('    + the batch photometric stage in the preprocessor: '
              f'{figures["batch_stage_ms_per_sample"]:.2f} ms per sample on '
              'this device, one thread')


def print_table(paths: List[str]) -> None:
    """One table from ``--json-out`` files: a row per file and setting."""
    print('| device | setting | options | runner | floor | authors | '
          'runner/floor | runner/authors | pipeline per core, ours / '
          "authors' (samples/s) | largest B |")
    print('|---|---|---|---|---|---|---|---|---|---|')
    for path in paths:
        with open(path) as f:
            run = json.load(f)
        for setting, figures in run['settings'].items():
            rate = {m: figures[m]['images_per_s'] for m in
                    ('runner', 'floor', 'authors') if m in figures}
            cells = [f'{rate[m]:.1f}' if m in rate else '-'
                     for m in ('runner', 'floor', 'authors')]
            for a, b in (('runner', 'floor'), ('runner', 'authors')):
                cells.append(f'{rate[a] / rate[b]:.3f}'
                             if {a, b} <= set(rate) else '-')
            pipe = figures.get('pipeline')
            cells.append(f'{pipe["ours"]["samples_per_s"]:.0f} / '
                         f'{pipe["authors"]["samples_per_s"]:.0f}'
                         if pipe else '-')
            cells.append(str(figures['max-batch']['max_batch'])
                         if 'max-batch' in figures else '-')
            print(f'| {run["device"]} | {setting} | {run["options"]} | '
                  + ' | '.join(cells) + ' |')


def main() -> None:
    args = parse_args()
    if args.table:
        print_table(args.table)
        return
    if args.measure:
        child(args)
        return
    gpu = torch.cuda.is_available()
    if not gpu and (args.amp or 'max-batch' in args.measures):
        raise SystemExit('--amp and the max-batch measure need a CUDA GPU; '
                         'this machine has none')
    device = torch.cuda.get_device_name() if gpu \
        else f'CPU, {os.cpu_count()} cores'
    print(f'device: {device}; median of {args.windows} windows of '
          f'{args.window_steps} steps after {args.warmup} warm-up steps')
    every: Dict[str, dict] = {}
    for setting in args.settings:
        root = tempfile.mkdtemp()
        make_data(setting, root)
        figures = {}
        overrides = ['--cfg-options', *(
            f'{k}={v}' for k, v in args.cfg_options.items())
                     ] if args.cfg_options else []
        for measure in args.measures:
            out = subprocess.run(
                [sys.executable, __file__, '--measure', measure, '--setting',
                 setting, '--data-root', root, '--windows', str(args.windows),
                 '--window-steps', str(args.window_steps), '--warmup',
                 str(args.warmup), '--workers', str(args.workers),
                 '--pipeline-samples', str(args.pipeline_samples),
                 *(['--amp'] if args.amp else []), *overrides],
                cwd=REPO, capture_output=True, text=True)
            lines = [l for l in out.stdout.splitlines()
                     if l.startswith('RESULT ')]
            if out.returncode or not lines:
                raise SystemExit(f'{setting}/{measure} failed:\n'
                                 f'{out.stderr[-3000:]}')
            figures[measure] = json.loads(lines[-1][len('RESULT '):])
        every[setting] = figures
        batch = SETTINGS[setting]['gpu_batch' if torch.cuda.is_available()
                                  else 'cpu_batch']
        print(f'\n{setting}: {SETTINGS[setting]["config"]}, B = {batch}')
        for measure in [m for m in MEASURES[:4] if m in figures]:
            f = figures[measure]
            print(f'  {measure:<8} {f["images_per_s"]:8.2f} images/s   '
                  f'peak RSS {f["peak_rss_mb"]} MB')
        if 'pipeline' in figures:
            print_pipeline(figures['pipeline'])
        if 'max-batch' in figures:
            print(f'  largest B that fits: {figures["max-batch"]["max_batch"]}')
        if not {'runner', 'floor', 'plain', 'authors', 'data'} <= set(figures):
            continue
        data = figures['data']
        rates = ', '.join(f'{w} workers {r:.0f}'
                          for w, r in data['samples_per_s'].items())
        print(f'  data     {rates} samples/s   peak RSS '
              f'{data["peak_rss_mb"]} MB')
        full = figures['runner']['images_per_s']
        consumed = full  # one sample (U or R) per image through the network
        print(f'  ratios: runner/floor {full / figures["floor"]["images_per_s"]:.3f}'
              f'  runner/plain {full / figures["plain"]["images_per_s"]:.3f}'
              f'  runner/authors {full / figures["authors"]["images_per_s"]:.3f}'
              f'  data(2 workers)/consumed '
              f'{data["samples_per_s"]["2"] / consumed:.2f}')

    if args.json_out:
        options = ' '.join([*(['amp'] if args.amp else []), *(
            f'{k}={v}' for k, v in args.cfg_options.items())]) or 'defaults'
        with open(args.json_out, 'w') as f:
            json.dump(dict(device=device, options=options, settings=every),
                      f, indent=1)


if __name__ == '__main__':
    main()
