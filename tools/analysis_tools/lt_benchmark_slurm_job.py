"""The body of one Slurm job of ``lt_benchmark.py --launcher slurm``: the
run's remaining commands as job steps. ``lt_benchmark.py`` submits it; it
is not meant to be started by hand.

Usage: lt_benchmark_slurm_job.py RUN_DIR
"""
import argparse
import os

from glmc_mm.benchmark.slurm_runs import run_slurm_job

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'run_dir', help='the run folder, with its '
        'slurm_job.json')
    run_slurm_job(parser.parse_args().run_dir, TOOLS)


if __name__ == '__main__':
    main()
