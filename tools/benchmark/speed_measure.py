"""Run one speed measure of ``benchmark_glmc.py`` in this process and print
its figures as one ``RESULT {json}`` line (the benchmark starts this script
in a fresh process for every measure; see
:func:`glmc_mm.benchmark.speed_measures.measure`)."""
import argparse
import json

from mmengine.config import DictAction

from glmc_mm.benchmark.speed_measures import MEASURES, SETTINGS, measure


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('measure', choices=MEASURES)
    parser.add_argument('setting', choices=list(SETTINGS))
    parser.add_argument('data_root')
    parser.add_argument('--warmup', type=int, required=True)
    parser.add_argument('--windows', type=int, required=True)
    parser.add_argument('--window-steps', type=int, required=True)
    parser.add_argument('--workers', type=int, required=True)
    parser.add_argument('--pipeline-samples', type=int, required=True)
    parser.add_argument('--amp', action='store_true')
    parser.add_argument('--batch', type=int)
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={})
    return parser.parse_args()


if __name__ == '__main__':
    args = parse_args()
    print('RESULT ' + json.dumps(
        measure(args.measure, args.setting, args.data_root, args.warmup, args.
                windows, args.window_steps, args.workers, args.cfg_options,
                args.pipeline_samples, args.amp, args.batch)))
