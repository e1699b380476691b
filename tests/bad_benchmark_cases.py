"""Rows of ``test_bad_inputs.py``'s tables: the benchmark tool: its work
dir, method names and records.

The tool rows turn their copy of the finished tiny run into the finished
run ``CE_e1_s0`` of a benchmark (:func:`benchmark_of`: the records
``lt_benchmark.py`` keeps, written as it writes them), damage one record,
and run ``lt_benchmark.py`` on it: ``--report``, or a training start that
finds every run finished or is refused before it trains."""
import json
import os
import os.path as osp
import shutil
from typing import Callable, Dict, List

from tiny_run import Case, FinishedRun, ToolCase

from glmc_mm.benchmark.lt_benchmark import (CLASS_COUNTS_FILE, RECORD_FILE,
                                            THREADS_NOTE, WALL_TIME_FILE,
                                            Method, plan_run, write_json)
from glmc_mm.benchmark.run_records import RunRecordError
from glmc_mm.benchmark.slurm_runs import JOB_FILE, read_job_file

TOOL = 'tools/analysis_tools/lt_benchmark.py'
TEST_FILE = osp.join('test', '20260101_000000', '20260101_000000.json')
METRICS = {
    'lt/top1': 30.0,
    'lt/mean_class': 30.0,
    'lt/few': 30.0,
    'lt/per_class': [30.0] * 10
}
COUNTS = dict(
    class_counts=[24, 19, 15, 12, 10, 8, 6, 5, 4, 3],
    classes=[f'c{i}' for i in range(10)])


def benchmark_of(run: FinishedRun, seeds=(0, ), report: bool = True) -> list:
    """Make ``run`` the finished run ``CE_e1_s<seed>`` of the benchmark
    ``<tmp>/bench`` (a copy of it for each of ``seeds``) and return the
    tool's command line on it: ``--report``, or a training start."""
    work = osp.join(osp.dirname(run.work_dir), 'bench')
    os.makedirs(work)
    for seed in seeds:
        planned = plan_run(Method('CE', run.config), 1, seed, work)
        shutil.copytree(run.work_dir, planned.run_dir)
        write_json(osp.join(planned.run_dir, RECORD_FILE), planned.record)
        write_json(
            osp.join(planned.run_dir, WALL_TIME_FILE),
            dict(segments=[['train', 6.0], ['test', 1.0]]))
        write_json(osp.join(planned.run_dir, CLASS_COUNTS_FILE), COUNTS)
        os.makedirs(osp.dirname(osp.join(planned.run_dir, TEST_FILE)))
        with open(osp.join(planned.run_dir, TEST_FILE), 'w') as f:
            json.dump(METRICS, f)
    return [
        *(['--report'] if report else []), '--methods', f'CE={run.config}',
        '--seeds', *map(str, seeds), '--epochs', '1', '--work-dir', work
    ]


def run_file(run: FinishedRun, name: str, seed: int = 0) -> str:
    """The path of ``name`` in the benchmark run of ``seed``."""
    return osp.join(osp.dirname(run.work_dir), 'bench', f'CE_e1_s{seed}', name)


def edited(changes: Dict[str, Callable],
           seeds=(0, ),
           report: bool = True,
           seed: int = 0) -> Callable[[FinishedRun], list]:
    """``argv`` of a row: :func:`benchmark_of`, then each JSON record
    ``name`` of the run of ``seed`` replaced by ``change(record)``, for
    every ``name: change`` of ``changes``."""

    def argv(run: FinishedRun) -> list:
        args = benchmark_of(run, seeds, report)
        for name, change in changes.items():
            path = run_file(run, name, seed)
            with open(path) as f:
                record = json.load(f)
            with open(path, 'w') as f:  # one line: a JSON-lines file too
                json.dump(change(record), f)
        return args

    return argv


def written(name: str, text: Callable[[str],
                                      str]) -> Callable[[FinishedRun], list]:
    """``argv`` of a row: :func:`benchmark_of`, then the file ``name`` of
    the run replaced by ``text(its text)``."""

    def argv(run: FinishedRun) -> list:
        args = benchmark_of(run)
        path = run_file(run, name)
        with open(path) as f:
            old = f.read()
        with open(path, 'w') as f:
            f.write(text(old))
        return args

    return argv


def named(name: str) -> Callable[[FinishedRun], list]:
    """``argv`` of a row: a benchmark of the method ``name``."""
    return lambda run: [
        '--methods', f'{name}={run.config}', '--epochs', '1', '--work-dir',
        osp.join(osp.dirname(run.work_dir), 'a', 'b', 'bench')
    ]


def scalars_damaged(run: FinishedRun) -> list:
    """The run's validation history with a damaged first line."""
    args = benchmark_of(run)
    folder = run_file(run, '')
    path, = [
        osp.join(folder, entry, 'vis_data', 'scalars.json')
        for entry in os.listdir(folder)
        if osp.isfile(osp.join(folder, entry, 'vis_data', 'scalars.json'))
    ]
    with open(path) as f:
        lines = f.read().splitlines(keepends=True)
    with open(path, 'w') as f:
        f.write(''.join(['{"lt/top1": 1\n', *lines]))
    return args


def damaged_job_file(ctx) -> None:
    path = osp.join(ctx.tmp, JOB_FILE)
    with open(path, 'w') as f:
        json.dump(dict(job_id=1234, run={}), f)
    read_job_file(path)


def with_key(key, value) -> Callable[[dict], dict]:
    return lambda record: {**record, key: value}


OTHER_THREADS = with_key('intra_op_threads', 1000)
MOVE = 'away (or delete it) and the next start of lt_benchmark.py runs it'
# in-process rows (test_bad_input_is_named)
CASES: List[Case] = [
    Case('slurm_job.json with a number as job id', damaged_job_file,
         RunRecordError, [
             'slurm_job.json: job_id must be a Slurm job id (a string) or '
             'null, got 1234 (number)', MOVE
         ]),
]
RULE = ("must be a plain folder name: letters, digits and + - _ . only, not "
        "starting with '.' nor holding '..'")
# tool rows (test_bad_tool_input_is_named)
TOOL_CASES: List[ToolCase] = [
    # the method names make the run folders
    ToolCase('lt_benchmark method ../../escape', TOOL, named('../../escape'),
             1, ["--methods '../../escape=", f"'../../escape' {RULE}"]),
    ToolCase('lt_benchmark method CE/x', TOOL, named('CE/x'), 1,
             [f"the method name 'CE/x' {RULE}"]),
    ToolCase('lt_benchmark method .', TOOL, named('.'), 1,
             [f"the method name '.' {RULE}"]),
    # every record read is checked, and against the others
    ToolCase(
        'lt_benchmark class_counts.json of 2 classes', TOOL,
        edited({
            CLASS_COUNTS_FILE:
            lambda _: dict(class_counts=[5, 10], classes=['a', 'b'])
        }), 1, [
            f'CE_e1_s0/{TEST_FILE}: lt/per_class holds 10 per-class '
            'accuracies, but ',
            'CE_e1_s0/class_counts.json holds 2 class counts', MOVE
        ]),
    ToolCase(
        'lt_benchmark class_counts.json names 9 of 10 classes', TOOL,
        edited({CLASS_COUNTS_FILE:
                with_key('classes', COUNTS['classes'][:9])}), 1, [
                    'class_counts.json: classes names 9 classes and '
                    'class_counts holds 10 counts'
                ]),
    ToolCase('lt_benchmark class_counts.json with a negative count', TOOL,
             edited({CLASS_COUNTS_FILE: with_key('class_counts', [-1] * 10)}),
             1, [
                 'class_counts.json: class_counts must be a non-empty '
                 'list of integers >= 0, got [-1, -1'
             ]),
    ToolCase(
        'lt_benchmark two seeds with other class counts', TOOL,
        edited(
            {
                CLASS_COUNTS_FILE:
                with_key('class_counts', [99] + COUNTS['class_counts'][1:])
            },
            seeds=(0, 1),
            seed=1), 1, [
                'CE_e1_s1/class_counts.json and ',
                "CE_e1_s0/class_counts.json differ: class 0 is 'c0' of "
                "99 images vs 'c0' of 24 images"
            ]),
    ToolCase('lt_benchmark benchmark_run.json cut short', TOOL,
             written(RECORD_FILE, lambda text: text[:300]), 1, [
                 'CE_e1_s0/benchmark_run.json is not valid JSON '
                 '(Unterminated string starting at: line', MOVE
             ]),
    ToolCase(
        'lt_benchmark benchmark_run.json with seed "0"', TOOL,
        edited({RECORD_FILE: with_key('seed', '0')}), 1,
        ["benchmark_run.json: seed must be an integer >= 0, got '0' "
         '(str)']),
    ToolCase('lt_benchmark wall_time.json garbage', TOOL,
             written(WALL_TIME_FILE, lambda _: 'garbage'), 1, [
                 'CE_e1_s0/wall_time.json is not valid JSON (Expecting value:'
                 ' line 1 column 1 of its 7 bytes', MOVE
             ]),
    ToolCase(
        'lt_benchmark wall_time.json seconds as text', TOOL,
        edited({WALL_TIME_FILE: lambda _: dict(segments=[['train', '6 s']])}),
        1, [
            'wall_time.json: segments[0][1] (seconds) must be a finite '
            "number >= 0, got '6 s' (str)"
        ]),
    ToolCase('lt_benchmark test results cut short', TOOL,
             written(TEST_FILE, lambda text: text[:20]), 1, [
                 f'CE_e1_s0/{TEST_FILE}, line 1: not a JSON record '
                 '(Unterminated string', 'CE_e1_s0/test and the next start '
                 'of lt_benchmark.py tests the run again'
             ]),
    ToolCase('lt_benchmark test top-1 of 250 %', TOOL,
             edited({TEST_FILE: with_key('lt/top1', 250)}), 1, [
                 f'{TEST_FILE}: lt/top1 must be a finite number >= 0 and <= '
                 '100, got 250'
             ]),
    ToolCase('lt_benchmark test per-class accuracy as text', TOOL,
             edited({TEST_FILE: with_key('lt/per_class', '30 30')}), 1, [
                 f'{TEST_FILE}: lt/per_class must be a non-empty list of '
                 "percentages (0 to 100) or null, got '30 30' (string)"
             ]),
    ToolCase('lt_benchmark scalars.json with a damaged line', TOOL,
             scalars_damaged, 1,
             ['vis_data/scalars.json, line 1: not a JSON record', MOVE]),
    # a finished run's thread count changes nothing still to do
    ToolCase('lt_benchmark --report of runs of another thread count', TOOL,
             edited({RECORD_FILE: OTHER_THREADS}), 0, []),
    ToolCase('lt_benchmark start on finished runs of another thread count',
             TOOL, edited({RECORD_FILE: OTHER_THREADS}, report=False), 0, []),
    ToolCase(
        'lt_benchmark start on an unfinished run of another thread count',
        TOOL,
        edited(
            {
                RECORD_FILE: OTHER_THREADS,
                WALL_TIME_FILE: lambda _: dict(segments=[['train', None]])
            },
            report=False), 1, [
                'CE_e1_s0 holds a run made with other options',
                'intra_op_threads: 1000 (stored) vs ', THREADS_NOTE
            ]),
]
