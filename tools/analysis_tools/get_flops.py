"""FLOPs and parameters of a config's model, as MMPretrain's
``tools/analysis_tools/get_flops.py``, with the input channels taken from the
config (1 for the grey Fashion-MNIST configs)."""
import argparse

from mmengine.config import Config

import glmc_mm  # noqa: F401  (registers the components)
from glmc_mm.utils.model_complexity import model_complexity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--shape',
        type=int,
        nargs='+',
        default=[224, 224],
        help='input image size: H W, or one number')
    args = parser.parse_args()
    if len(args.shape) not in (1, 2):
        raise SystemExit(f'--shape takes 1 or 2 numbers, got {args.shape}')
    size = args.shape * 2 if len(args.shape) == 1 else args.shape
    results = model_complexity(Config.fromfile(args.config), size)
    print(f'Input shape: {results["input_shape"]}\n'
          f'Flops: {results["flops_str"]}\n'
          f'Params: {results["params_str"]}\n'
          f'{results["out_table"]}')


if __name__ == '__main__':
    main()
