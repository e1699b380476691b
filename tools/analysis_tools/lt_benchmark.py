"""Benchmark long-tailed methods side by side: configs x seeds x schedule
lengths, resumable, with mean ± spread tables, learning curves and plots.

Each method is ``NAME=CONFIG``, or ``NAME=CONFIG@OTHER`` for a second stage
(cRT) that starts from the final checkpoint of ``OTHER`` with the same seed
and schedule. Runs go to ``<work-dir>/<name>_e<epochs>_s<seed>``, each with
its full options; a finished run is reused only with the same options, and
a stopped run continues from its last checkpoint. After every finished run
it writes ``results.md`` (last-epoch table, best-validated-epoch table,
differences within the spread over seeds), ``per_class_e<epochs>.png``,
``shot_groups_e<epochs>.png`` and ``curves_e<epochs>.png``. ``--parallel N``
trains up to N runs at once on this machine; ``--launcher slurm --partition
P`` submits each run as a Slurm job (``docs/distributed.md``).

Two starts may share a work dir, not a run: a start locks the runs it may
train while it lives, and a second start that needs one of them refuses,
naming the first one's process id (``--report`` takes no lock). Its
``train.py`` and ``test.py`` die with it, even where it alone is killed.
Every record a run keeps is checked before use, and a damaged one is named
with what to do.

Example::

    cd configs/glmc
    python ../../tools/analysis_tools/lt_benchmark.py \\
        --methods CE=ce_resnet32-w16_1xb64-30e_fashion-mnist-lt.py \\
                  GLMC=glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py \\
                  cRT=crt_resnet32-w16_1xb64-10e_fashion-mnist-lt.py@CE \\
        --seeds 0 1 2 --epochs 30 --work-dir ../../work_dirs/lt_benchmark
"""
import argparse
import os
import shlex
import signal
import sys
from contextlib import nullcontext

from mmengine.config import Config

from glmc_mm.benchmark.lt_benchmark import (check_run_dir, option_differences,
                                            parse_methods, plan_run)
from glmc_mm.benchmark.lt_benchmark_report import finished_runs, write_report
from glmc_mm.benchmark.run_locks import RunInUseError, RunLocks
from glmc_mm.benchmark.run_pool import local_runner, parallel_slots, run_all
from glmc_mm.benchmark.slurm_runs import (SlurmJobError, SlurmOptions,
                                          check_partition, slurm_runner)
from glmc_mm.evaluation import shot_group_options

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def at_least(minimum: int):
    """An argparse type: an int >= ``minimum``."""

    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f'must be an integer >= {minimum}, got {value}')
        return value

    return parse


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--methods', nargs='+', required=True, metavar='NAME=CONFIG[@OTHER]')
    parser.add_argument(
        '--seeds', type=at_least(0), nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--epochs',
        type=at_least(1),
        nargs='+',
        required=True,
        help='schedule lengths of the (first-stage) runs')
    parser.add_argument(
        '--val-interval',
        type=at_least(1),
        default=10,
        help='epochs between validations (and the last)')
    parser.add_argument(
        '--checkpoint-interval',
        type=at_least(1),
        default=1,
        help='epochs between checkpoints: a stopped run '
        'continues from the last one')
    parser.add_argument(
        '--dataloader-workers',
        type=at_least(0),
        default=0,
        help='worker processes per dataloader; 0 (the '
        'default) makes a resumed run train exactly as an '
        'uninterrupted one, more workers do not')
    parser.add_argument(
        '--parallel',
        type=at_least(1),
        help='train up to N runs at once: each pinned to its share of '
        "this process's CPUs (as many intra-op threads, at most "
        'OMP_NUM_THREADS where it is set), or given its '
        'own GPUs; with --launcher slurm, up to N jobs queued at once '
        '(default: all). Without it, one run at a time on the whole '
        'machine')
    parser.add_argument(
        '--gpus-per-run',
        type=at_least(1),
        help='GPUs of each run: with --parallel where there are GPUs '
        '(default 1); with --launcher slurm, as many tasks of one GPU '
        'each (default: a CPU job of one task)')
    parser.add_argument(
        '--launcher',
        choices=['local', 'slurm'],
        default='local',
        help='slurm: submit each run as a Slurm job (sbatch) to '
        '--partition; this process follows them and writes the report')
    parser.add_argument('--partition', help='the Slurm partition')
    parser.add_argument(
        '--cpus-per-run',
        type=at_least(1),
        default=1,
        help='with --launcher slurm: CPUs of each task, and its intra-op '
        'threads')
    parser.add_argument(
        '--sbatch-args',
        default='',
        help='with --launcher slurm: more sbatch options, e.g. '
        '"--time=4:00:00 --qos=normal"')
    parser.add_argument('--work-dir', default='work_dirs/lt_benchmark')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        help='key=value applied to every run')
    parser.add_argument(
        '--report',
        action='store_true',
        help='train nothing: write the report of the runs '
        'finished so far')
    args = parser.parse_args()
    slurm = args.launcher == 'slurm'
    if slurm != (args.partition is not None):
        parser.error('--partition goes with --launcher slurm, and '
                     '--launcher slurm needs it')
    if not slurm and (args.sbatch_args or args.cpus_per_run != 1):
        parser.error('--cpus-per-run and --sbatch-args go with --launcher '
                     "slurm; --parallel N splits this machine's CPUs")
    for name in ('seeds', 'epochs'):
        values = getattr(args, name)
        if len(set(values)) != len(values):
            parser.error(f'--{name} {" ".join(map(str, values))}: each value '
                         'may be given once')
    return args


def plan(args: argparse.Namespace) -> tuple:
    """``(start, slots, runs, shot options)`` of the benchmark, every
    option checked, nothing written.

    Raises:
        ValueError: Naming the option that is wrong.
    """
    if args.launcher == 'slurm':
        check_partition(args.partition)
        options = SlurmOptions(args.partition, args.cpus_per_run,
                               args.gpus_per_run or 0,
                               tuple(shlex.split(args.sbatch_args)))
        start = slurm_runner(TOOLS, options)
        slots = [None] * (
            args.parallel
            or len(args.methods) * len(args.seeds) * len(args.epochs))
        threads = args.cpus_per_run
    else:
        start = local_runner(TOOLS)
        slots = [None] if args.parallel is None else parallel_slots(
            args.parallel, args.gpus_per_run or 1)
        threads = slots[0].threads if slots[0] else None
    methods = parse_methods(args.methods)
    runs = [
        plan_run(method, epochs, seed, args.work_dir, args.cfg_options,
                 args.val_interval, args.checkpoint_interval,
                 args.dataloader_workers, threads) for epochs in args.epochs
        for method in methods for seed in args.seeds
    ]
    return start, slots, runs, shot_group_options(
        Config.fromfile(methods[0].config))


def benchmark(args: argparse.Namespace) -> None:
    """Train (unless ``--report``) and report, holding the runs' locks
    while training."""
    try:
        start, slots, runs, shot_options = plan(args)
    except ValueError as error:
        raise SystemExit(f'lt_benchmark: {error}') from None
    # --report trains nothing and reads finished runs only: it needs no lock
    locks = nullcontext() if args.report else RunLocks(
        args.work_dir, [run.run_dir for run in runs])
    try:
        with locks:
            # every record of every run read and checked before any training;
            # --report reads finished runs as they were made, naming those
            # the configs now give other options
            other_options = {}
            for run in runs:
                if args.report:
                    differences = option_differences(run, training=False)
                    if differences:
                        other_options[run.run_dir] = differences
                else:
                    check_run_dir(run)
            finished_runs(runs)
            os.makedirs(args.work_dir, exist_ok=True)
            if not args.report:
                # seed by seed: the first seed of every method is finished
                # first
                try:
                    run_all(
                        sorted(
                            runs, key=lambda run: args.seeds.index(run.seed)),
                        start, slots, lambda _: write_report(
                            runs, args.work_dir, shot_options))
                except SlurmJobError:
                    write_report(runs, args.work_dir, shot_options)
                    raise
            print(
                write_report(runs, args.work_dir, shot_options, other_options))
    except (ValueError, RunInUseError, SlurmJobError) as error:
        raise SystemExit(f'lt_benchmark: {error}') from None


def main() -> None:
    args = parse_args()
    # a SIGTERM stops the run in progress as Ctrl-C does: its time is kept
    previous = signal.signal(signal.SIGTERM,
                             lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        benchmark(args)
    finally:
        signal.signal(signal.SIGTERM, previous or signal.SIG_DFL)


if __name__ == '__main__':
    main()
