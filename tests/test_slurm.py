"""``tools/slurm_train.sh`` and ``tools/slurm_test.sh`` on a real Slurm.

They run in the partition that ``GLMC_SLURM_PARTITION`` names, and are
skipped where it is not set; where it is, a Slurm that does not answer, or
has no idle node there, fails them. A one-machine cluster (as root)::

    tools/slurm_local_cluster.sh up
    GLMC_SLURM_PARTITION=debug python -m pytest tests/test_slurm.py
    tools/slurm_local_cluster.sh down

Each job is a CPU job (``GPUS_PER_NODE=0``) of two 1-CPU tasks.
"""
import os
import re
import shutil
import subprocess
import time
from typing import Optional

import pytest
from tiny_run import (GLMC_CONFIG, Context, assert_stopped_on_every_rank,
                      bad_image_on_rank_1, free_port, make_tiny_cifar,
                      run_tool, write_config)

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
