"""Browse a dataset: MMPretrain's own
``tools/visualization/browse_dataset.py`` (every argument and mode of it),
run after ``glmc_mm`` is imported, plus GLMC's training streams:

    --stream {uniform,rebalanced}  show the training images in the order in
                                   which that stream of GLMC's batches
                                   draws them (the per-class draws are
                                   logged); implies --phase train
    --epoch N                      the epoch whose draws are shown
                                   (default 0)

Both views of every image are in ``--mode pipeline`` (``MultiView0``,
``MultiView1``). Example::

    python tools/visualization/browse_dataset.py CONFIG --stream rebalanced \\
        --mode pipeline --not-show -o browse/rebalanced -n 16
"""
import argparse
import os.path as osp
import sys
import tempfile

from mmengine.config import Config, DictAction

import glmc_mm  # noqa: F401  (registers the components, applies compat)
from glmc_mm.compat import fix_matplotlib_adjust_bbox
from glmc_mm.datasets.training_stream_dataset import STREAMS
from glmc_mm.utils import run_mmpretrain_tool
from glmc_mm.visualization import browse_config

TOOL = 'visualization/browse_dataset.py'


def parse_args() -> tuple:
    """Our arguments, and the rest for MMPretrain's browser."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument('config')
    parser.add_argument('--stream', choices=STREAMS)
    parser.add_argument('--epoch', type=int, default=0)
    parser.add_argument('--phase', '-p', default='train')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_known_args()


def main() -> None:
    if {'-h', '--help'} & set(sys.argv[1:]):
        print(__doc__)
        run_mmpretrain_tool(TOOL, ['--help'])
    args, rest = parse_args()
    if args.stream is not None and args.phase != 'train':
        sys.exit(f'--stream {args.stream} shows training batches; it cannot '
                 f'be used with --phase {args.phase}')
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg = browse_config(cfg, args.stream, args.epoch)
    fix_matplotlib_adjust_bbox()
    with tempfile.TemporaryDirectory() as folder:
        path = osp.join(folder, osp.basename(args.config))
        cfg.dump(path)
        run_mmpretrain_tool(TOOL, [path, '--phase', args.phase, *rest])


if __name__ == '__main__':
    main()
