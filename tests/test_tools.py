"""The launch scripts and tools, as a user calls them."""
import os
import os.path as osp
import sys

import pytest
from tiny_run import (GLMC_CONFIG, MIM, make_tiny_cifar, needs_mim, run_tool,
                      write_config)


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp('tools')
    md5 = make_tiny_cifar(str(root), learnable=True)
    return root, md5, write_config(
        str(root / 'glmc.py'), str(root), GLMC_CONFIG)


def test_slurm_scripts_build_the_srun_command(tiny, tmp_path):
    root, md5, config = tiny
    stub = tmp_path / 'bin'
    stub.mkdir()
    (stub / 'srun').write_text('#!/bin/sh\necho "$@" > "$SRUN_LOG"\n')
    os.chmod(stub / 'srun', 0o755)
    env = dict(
        PATH=f'{stub}:{os.environ["PATH"]}',
        GPUS='16',
        SRUN_LOG=str(tmp_path / 'train.txt'))
    run_tool([
        'bash', 'tools/slurm_train.sh', 'gpu', 'glmc', config, 'work_dirs/x',
        '--cfg-options', 'a=1'
    ],
             md5,
             extra_env=env,
             check=True)
    args = (tmp_path / 'train.txt').read_text().split()
    assert args[:3] == ['-p', 'gpu', '--job-name=glmc']
    assert '--ntasks=16' in args and '--gres=gpu:8' in args
    assert args[-7] == '-u' and args[-6].endswith('tools/train.py')
    assert args[-5:] == [
        config, '--work-dir=work_dirs/x', '--cfg-options', 'a=1',
        '--launcher=slurm'
    ]
    env['SRUN_LOG'] = str(tmp_path / 'test.txt')
    run_tool(['bash', 'tools/slurm_test.sh', 'gpu', 'glmc', config, 'c.pth'],
             md5,
             extra_env=env)
    args = (tmp_path / 'test.txt').read_text().split()
    assert args[-4].endswith('tools/test.py')
    assert args[-3:] == [config, 'c.pth', '--launcher=slurm']
    # a CPU job (run on a real Slurm in tests/test_slurm.py): GPUS tasks,
    # all on one node unless TASKS_PER_NODE says otherwise, no GPU asked for
    for tasks_per_node, expected in (('', '16'), ('4', '4')):
        env.update(GPUS_PER_NODE='0', TASKS_PER_NODE=tasks_per_node)
        run_tool(
            ['bash', 'tools/slurm_test.sh', 'cpu', 'glmc', config, 'c.pth'],
            md5,
            extra_env=env)
        args = (tmp_path / 'test.txt').read_text().split()
        assert args[:5] == [
            '-p', 'cpu', '--job-name=glmc', '--ntasks=16',
            f'--ntasks-per-node={expected}'
        ]
        assert not any(arg.startswith('--gres') for arg in args)


@needs_mim
def test_mim_train_runs_a_glmc_config(tiny, tmp_path):
    root, md5, config = tiny
    result = run_tool([
        MIM, 'train', 'mmpretrain', config, '--gpus', '0', '--work-dir',
        str(tmp_path / 'work')
    ],
                      md5,
                      check=True)
    assert 'loss_consistency' in result.stdout
    assert osp.exists(tmp_path / 'work' / 'epoch_1.pth')


def test_amp_without_a_gpu_says_so_before_any_work(tiny, tmp_path):
    root, md5, config = tiny
    result = run_tool([
        sys.executable, 'tools/train.py', config, '--amp', '--work-dir',
        str(tmp_path / 'work')
    ], md5)
    assert result.returncode != 0
    assert '--amp needs a CUDA GPU; this machine has none' in result.stderr
    assert not osp.exists(tmp_path / 'work')
