"""Command-line arguments of ``tools/train.py``, as MMPretrain's."""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction

from .cfg_options import check_cfg_options
from .value_checks import check_number


def add_runner_args(parser: argparse.ArgumentParser) -> None:
    """Add MMPretrain's ``--work-dir``, ``--cfg-options``, ``--launcher`` and
    ``--local-rank`` arguments.

    Args:
        parser (ArgumentParser): The tool's parser.
    """
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(args: argparse.Namespace) -> Config:
    """Read ``args.config`` and apply the shared arguments.

    ``--cfg-options`` are merged first, after
    :func:`~glmc_mm.utils.cfg_options.check_cfg_options` has refused any
    that nothing would read; the work dir defaults to
    ``./work_dirs/<config name>``; ``LOCAL_RANK`` is set for launchers that
    pass ``--local-rank``. A ``randomness.seed`` that NumPy cannot take is
    refused here, naming the field, before the runner seeds anything.

    Args:
        args (Namespace): Parsed arguments with ``config``.

    Returns:
        Config: The config.

    Raises:
        ValueError: for a ``--cfg-options`` key that nothing reads.
    """
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        check_cfg_options(cfg, args.cfg_options)
        cfg.merge_from_dict(args.cfg_options)
    seed = cfg.get('randomness', {}).get('seed')
    if seed is not None:
        check_number(
            'config',
            'randomness.seed',
            seed,
            minimum=0,
            maximum=2**32 - 1,
            integer=True)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    return cfg
