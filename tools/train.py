"""Train a model with MMEngine's runner, as MMPretrain's ``tools/train.py``."""
import argparse

# first: it sets OpenMP's wait (glmc_mm.openmp) before torch is imported
import glmc_mm  # noqa: F401  isort:skip
import torch
from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from glmc_mm.utils import add_runner_args, load_config, prepare_work_dir
from glmc_mm.utils.process_group import destroy_process_group


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a classifier')
    parser.add_argument('config', help='train config file path')
    start = parser.add_mutually_exclusive_group()
    start.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint, or from the latest checkpoint in '
        'the work dir when no path is given')
    start.add_argument(
        '--restart',
        action='store_true',
        help='start over in a work dir that holds the checkpoints of an '
        'earlier run, after moving its files to '
        '<work-dir>/previous_<time>/ (without it, such a work dir is '
        'refused)')
    parser.add_argument(
        '--amp', action='store_true', help='mixed precision training')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate with the total batch size')
    parser.add_argument(
        '--no-pin-memory',
        action='store_true',
        help='do not pin memory in the dataloaders')
    parser.add_argument(
        '--no-persistent-workers',
        action='store_true',
        help='do not keep dataloader workers alive between epochs')
    add_runner_args(parser)
    return parser.parse_args()


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the training arguments to the config."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    if args.amp:
        if not torch.cuda.is_available():
            raise SystemExit('--amp needs a CUDA GPU; this machine has none')
        optim_wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if optim_wrapper == 'AmpOptimWrapper':
            print('AMP is already enabled in the config.')
        else:
            assert optim_wrapper == 'OptimWrapper', (
                '`--amp` only works with OptimWrapper, but got '
                f'{optim_wrapper}.')
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    for field in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(field, None)
        if loader is None:
            continue
        defaults = {
            'persistent_workers':
            loader.get('num_workers', 0) > 0 and not args.no_persistent_workers
        }
        if args.no_pin_memory:
            defaults['pin_memory'] = False
        cfg[field] = {**defaults, **loader}
        if args.no_persistent_workers:
            cfg[field]['persistent_workers'] = False
    return cfg


def main() -> None:
    args = parse_args()
    cfg = merge_args(load_config(args), args)
    moved_to = prepare_work_dir(cfg, args.restart)
    if moved_to is not None:
        print(f'--restart: the earlier run in {cfg.work_dir} moved to '
              f'{moved_to}')
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(
        cfg)
    runner.train()
    destroy_process_group()


if __name__ == '__main__':
    main()
