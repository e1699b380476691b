"""``tools/slurm_train.sh`` and ``tools/slurm_test.sh`` on a real Slurm.

They run in the partition that ``GLMC_SLURM_PARTITION`` names, and are
skipped where it is not set; where it is, a Slurm that does not answer, or
has no idle node there, fails them. A one-machine cluster (as root)::

    tools/slurm_local_cluster.sh up
    GLMC_SLURM_PARTITION=debug python -m pytest tests/test_slurm.py
    tools/slurm_local_cluster.sh down

Each job is a CPU job (``GPUS_PER_NODE=0``) of two 1-CPU tasks.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
from typing import Optional

import pytest
from tiny_run import (CE_BASE, CE_CONFIG, GLMC_BASE, GLMC_CONFIG, Context,
                      assert_same_run, assert_stopped_on_every_rank,
                      bad_image_on_rank_1, free_port, make_tiny_cifar,
                      run_tool, start_tool, write_config)

PARTITION = os.environ.get('GLMC_SLURM_PARTITION', '')
pytestmark = pytest.mark.skipif(
    not PARTITION,
    reason='GLMC_SLURM_PARTITION is not set: to run these on a one-machine '
    'Slurm, run (as root) tools/slurm_local_cluster.sh up, then pytest with '
    'GLMC_SLURM_PARTITION=debug')


def partition_problem(partition: str) -> Optional[str]:
    """Why no job would start in ``partition`` now, or None."""
    if shutil.which('sinfo') is None:
        return 'there is no sinfo on PATH: Slurm is not installed'
    result = subprocess.run(
        ['sinfo', '--noheader', f'--partition={partition}', '--format=%a %T'],
        capture_output=True,
        text=True,
        timeout=60)
    if result.returncode != 0:
        return f'sinfo failed: {result.stderr.strip()}'
    states = [line.split() for line in result.stdout.splitlines()]
    if not states:
        return f'Slurm has no partition {partition!r}'
    if not any(avail == 'up' and state in ('idle', 'mixed')
               for avail, state in states):
        return (f'partition {partition!r} has no idle node up (sinfo: '
                f'{result.stdout.strip()!r})')
    return None


def slurm_run(script: str,
              args: list,
              md5: str,
              check: bool = True) -> subprocess.CompletedProcess:
    """Run ``tools/<script>`` as two 1-CPU tasks in the partition, with
    ``check``, asserting that it succeeded."""
    result = run_tool(
        ['bash', f'tools/{script}', PARTITION, 'glmc_test'] + args,
        md5,
        timeout=300,
        extra_env=dict(
            GPUS='2',
            GPUS_PER_NODE='0',
            CPUS_PER_TASK='1',
            MASTER_PORT=str(free_port())),
        check=check)
    command = [line for line in result.stderr.splitlines() if 'srun' in line]
    assert '--ntasks=2 --ntasks-per-node=2 --cpus-per-task=1' in command[0]
    assert '--gres' not in command[0]
    return result


@pytest.fixture(scope='module')
def slurm_up():
    problem = partition_problem(PARTITION)
    if problem is not None:
        pytest.fail(
            f'GLMC_SLURM_PARTITION={PARTITION}, but {problem}. On one '
            'machine: tools/slurm_local_cluster.sh up (as root)',
            pytrace=False)


@pytest.fixture(scope='module')
def trained(slurm_up, tmp_path_factory):
    root = tmp_path_factory.mktemp('slurm')
    md5 = make_tiny_cifar(str(root), learnable=True)
    config = write_config(str(root / 'glmc.py'), str(root), GLMC_CONFIG)
    work = root / 'work'
    log = slurm_run('slurm_train.sh', [config, str(work)], md5).stdout
    return dict(md5=md5, config=config, work=work, log=log)


def test_slurm_train_runs_two_gloo_ranks(trained):
    log = trained['log']
    assert 'Distributed launcher: slurm' in log
    assert 'GPU number: 2' in log  # the world size
    # 159 training images, 16 per rank and step: 5 steps (10 on one rank)
    assert 'Epoch(train) [2][5/5]' in log
    assert (trained['work'] / 'epoch_2.pth').exists()


def test_slurm_test_evaluates_the_checkpoint(trained, tmp_path):
    log = slurm_run('slurm_test.sh', [
        trained['config'],
        str(trained['work'] / 'epoch_2.pth'), '--work-dir',
        str(tmp_path)
    ], trained['md5']).stdout
    assert 'GPU number: 2' in log
    # 100 test images, 50 per rank and batch: one step
    tested = re.search(r'Epoch\(test\) \[1/1\]\s+lt/top1: ([\d.]+)', log)
    validated = re.search(r'Epoch\(val\) \[2\]\[1/1\]\s+lt/top1: ([\d.]+)',
                          trained['log'])
    assert tested and validated
    # the same checkpoint on the same images as the last validation
    assert tested.group(1) == validated.group(1)


def test_a_bad_image_on_rank_1_stops_the_job(slurm_up, fmnist, tmp_path):
    """As under ``dist_train.sh``: under ``srun --kill-on-bad-exit``, both
    tasks refuse the file only rank 1 checks, and rank 0's log names it."""
    config, root = bad_image_on_rank_1(Context(fmnist, str(tmp_path)))
    start = time.time()
    result = slurm_run(
        'slurm_train.sh', [config, str(tmp_path / 'work')], '', check=False)
    assert_stopped_on_every_rank(result,
                                 time.time() - start, root, tmp_path / 'work')


# a pause per iteration, so that a job can be cancelled mid-run
PAUSED = """
custom_imports = dict(imports=['glmc_mm', 'cifar_md5_from_env',
                               'stream_recorder'], allow_failed_imports=False)
custom_hooks = [*_base_.custom_hooks,
                dict(type='StreamRecorderHook', delay=0.2)]
"""


def job_id(run_dir) -> str:
    return json.loads((run_dir / 'slurm_job.json').read_text())['job_id']


def job_state(job: str) -> str:
    return subprocess.run(['squeue', '-h', '-t', 'all', '-j', job, '-o', '%T'],
                          capture_output=True,
                          text=True).stdout.strip()


def wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, f'waited {timeout} s for {what}'
        time.sleep(0.1)


def test_benchmark_jobs_survive_scancel_and_a_killed_tool(slurm_up, tmp_path):
    """``lt_benchmark.py --launcher slurm``: a job cancelled after its first
    epoch ends the tool with an error naming it; a tool killed while its
    jobs run leaves them running, and its next start follows them instead
    of submitting again; the rows, weights and test results are those of
    the same benchmark run here, one run at a time, to the bit."""
    md5 = make_tiny_cifar(str(tmp_path), learnable=True)
    configs = []
    for name, template, base in (('CE', CE_CONFIG, CE_BASE),
                                 ('GLMC', GLMC_CONFIG, GLMC_BASE)):
        path = write_config(
            str(tmp_path / f'{name}.py'), str(tmp_path), template, base)
        with open(path, 'a') as f:
            f.write(PAUSED)
        configs.append(f'{name}={path}')
    args = [
        sys.executable, 'tools/analysis_tools/lt_benchmark.py', '--methods',
        *configs, '--seeds', '0', '--epochs', '3', '--val-interval', '1'
    ]
    here, slurm = tmp_path / 'here', tmp_path / 'slurm'
    on_slurm = [
        *args, '--work-dir',
        str(slurm), '--launcher', 'slurm', '--partition', PARTITION
    ]
    refused = run_tool([*on_slurm[:-1], 'nosuch'], md5)
    assert refused.returncode == 1 and (
        f'lt_benchmark: --partition nosuch: Slurm knows {PARTITION}'
        in refused.stderr)
    run_tool([*args, '--work-dir', str(here)], md5, check=True)
    glmc = slurm / 'GLMC_e3_s0'

    with open(tmp_path / 'first.log', 'w') as log:
        tool = start_tool(on_slurm, md5, stderr=log)
        wait_for(lambda: (glmc / 'epoch_1.pth').exists(), 'epoch 1')
        cancelled = job_id(glmc)
        subprocess.run(['scancel', cancelled], check=True)
        assert tool.wait(timeout=120) == 1
    error = (tmp_path / 'first.log').read_text()
    assert (f'lt_benchmark: Slurm job {cancelled} of {glmc} ended '
            '(CANCELLED) without finishing the run; the next start of '
            'lt_benchmark.py continues it from its last checkpoint') in error
    assert f'slurm-{cancelled}.out' in error
    assert job_state(job_id(slurm / 'CE_e3_s0')) in ('CANCELLED', 'COMPLETED')

    tool = start_tool(on_slurm, md5)
    wait_for(
        lambda: job_id(glmc) not in
        (None, cancelled) and job_state(job_id(glmc)) == 'RUNNING',
        'the second job')
    tool.kill()
    tool.wait()
    followed = job_id(glmc)
    assert job_state(followed) == 'RUNNING'
    result = run_tool(on_slurm, md5, timeout=300, check=True)
    assert (f'following Slurm job {followed} of {glmc}, submitted by an '
            'earlier start') in result.stdout
    assert sorted(p.name for p in glmc.glob('slurm-*.out')) == sorted(
        [f'slurm-{cancelled}.out', f'slurm-{followed}.out'])
    assert 'resumed epoch: 1' in (glmc / f'slurm-{followed}.out').read_text()

    for name in ('CE', 'GLMC'):
        a, b = here / f'{name}_e3_s0', slurm / f'{name}_e3_s0'
        assert_same_run(a, b, 3)

    def rows(work_dir):
        return [
            line.split('|')[:9]
            for line in (work_dir / 'results.md').read_text().splitlines()
            if line.startswith(('| CE |', '| GLMC |'))
        ]

    assert len(rows(here)) == 4 and rows(here) == rows(slurm)
