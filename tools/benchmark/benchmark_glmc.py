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
   :mod:`glmc_mm.benchmark.authors_step` states it;
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

Each measure runs in its own process, ``speed_measure.py`` beside this
script (the measures: :mod:`glmc_mm.benchmark.speed_measures`). ``--amp`` runs
the steps under mixed precision (GPU only);
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
import subprocess
import sys
import tempfile
from typing import Dict, List

import torch
from mmengine.config import DictAction

from glmc_mm.benchmark.speed_measures import (MEASURES, SETTINGS, make_data,
                                              setting_batch)

DEFAULT_MEASURES = MEASURES[:-1]
CHILD = osp.join(osp.dirname(osp.abspath(__file__)), 'speed_measure.py')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--settings',
        nargs='+',
        default=list(SETTINGS),
        choices=list(SETTINGS))
    parser.add_argument(
        '--measures',
        nargs='+',
        default=list(DEFAULT_MEASURES),
        choices=MEASURES)
    parser.add_argument(
        '--windows', type=int, default=3, help='timed windows per figure')
    parser.add_argument(
        '--window-steps', type=int, default=3, help='steps per timed window')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument(
        '--workers',
        type=int,
        default=2,
        help='dataloader workers of the timed runs')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='override settings of the GLMC config, e.g. '
        'model.channels_last=False')
    parser.add_argument(
        '--pipeline-samples',
        type=int,
        default=60,
        help='samples timed by the pipeline measure')
    parser.add_argument(
        '--amp', action='store_true', help='mixed precision (needs a GPU)')
    parser.add_argument(
        '--batch',
        type=int,
        help='B per stream instead of the setting\'s (e.g. a smaller one for '
        'a quick check that everything runs)')
    parser.add_argument('--json-out', help='also write the figures here')
    parser.add_argument(
        '--table',
        nargs='+',
        metavar='JSON',
        help='print one table from --json-out files, then '
        'stop')
    return parser.parse_args()


def run_measure(measure: str, setting: str, root: str,
                args: argparse.Namespace) -> dict:
    """The figures of one measure, from a fresh process."""
    overrides = [
        '--cfg-options', *(f'{k}={v}' for k, v in args.cfg_options.items())
    ] if args.cfg_options else []
    out = subprocess.run([
        sys.executable, CHILD, measure, setting, root, '--windows',
        str(args.windows), '--window-steps',
        str(args.window_steps), '--warmup',
        str(args.warmup), '--workers',
        str(args.workers), '--pipeline-samples',
        str(args.pipeline_samples), *(['--amp'] if args.amp else []),
        *(['--batch', str(args.batch)] if args.batch else []), *overrides
    ],
                         capture_output=True,
                         text=True)
    lines = [
        line for line in out.stdout.splitlines() if line.startswith('RESULT ')
    ]
    if out.returncode or not lines:
        raise SystemExit(f'{setting}/{measure} failed:\n'
                         f'{out.stderr[-3000:]}')
    return json.loads(lines[-1][len('RESULT '):])


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


def print_ratios(figures: dict) -> None:
    """The data loader's rates and the runner's ratios to the others."""
    data = figures['data']
    rates = ', '.join(f'{w} workers {r:.0f}'
                      for w, r in data['samples_per_s'].items())
    print(f'  data     {rates} samples/s   peak RSS '
          f'{data["peak_rss_mb"]} MB')
    full = figures['runner']['images_per_s']
    consumed = full  # one sample (U or R) per image through the network
    floor = figures['floor']['images_per_s']
    print(f'  ratios: runner/floor {full / floor:.3f}'
          f'  runner/plain {full / figures["plain"]["images_per_s"]:.3f}'
          f'  runner/authors {full / figures["authors"]["images_per_s"]:.3f}'
          f'  data(2 workers)/consumed '
          f'{data["samples_per_s"]["2"] / consumed:.2f}')


def print_setting(setting: str, figures: dict, batch: int) -> None:
    """Every figure of one setting, measured with ``B = batch``."""
    print(f'\n{setting}: {SETTINGS[setting]["config"]}, B = {batch}')
    for measure in [m for m in MEASURES[:4] if m in figures]:
        f = figures[measure]
        print(f'  {measure:<8} {f["images_per_s"]:8.2f} images/s   '
              f'peak RSS {f["peak_rss_mb"]} MB')
    if 'pipeline' in figures:
        print_pipeline(figures['pipeline'])
    if 'max-batch' in figures:
        print(f'  largest B that fits: {figures["max-batch"]["max_batch"]}')
    if {'runner', 'floor', 'plain', 'authors', 'data'} <= set(figures):
        print_ratios(figures)


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
            rate = {
                m: figures[m]['images_per_s']
                for m in ('runner', 'floor', 'authors') if m in figures
            }
            cells = [
                f'{rate[m]:.1f}' if m in rate else '-'
                for m in ('runner', 'floor', 'authors')
            ]
            for a, b in (('runner', 'floor'), ('runner', 'authors')):
                cells.append(f'{rate[a] / rate[b]:.3f}' if {a, b} <=
                             set(rate) else '-')
            pipe = figures.get('pipeline')
            cells.append(
                f'{pipe["ours"]["samples_per_s"]:.0f} / '
                f'{pipe["authors"]["samples_per_s"]:.0f}' if pipe else '-')
            cells.append(
                str(figures['max-batch']['max_batch']) if 'max-batch' in
                figures else '-')
            print(f'| {run["device"]} | {setting} | {run["options"]} | ' +
                  ' | '.join(cells) + ' |')


def main() -> None:
    args = parse_args()
    if args.table:
        print_table(args.table)
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
        every[setting] = {
            measure: run_measure(measure, setting, root, args)
            for measure in args.measures
        }
        print_setting(setting, every[setting], args.batch
                      or setting_batch(setting))
    if args.json_out:
        options = ' '.join([
            *(['amp'] if args.amp else []),
            *([f'B={args.batch}'] if args.batch else []),
            *(f'{k}={v}' for k, v in args.cfg_options.items())
        ]) or 'defaults'
        with open(args.json_out, 'w') as f:
            json.dump(
                dict(device=device, options=options, settings=every),
                f,
                indent=1)


if __name__ == '__main__':
    main()
