"""The launch scripts and tools, as a user calls them."""
import glob
import hashlib
import os
import os.path as osp
import sys

import pytest
from mmengine.config import Config
from tiny_run import (GLMC_CONFIG, MIM, call_tool, copy_of_run,
                      make_tiny_cifar, needs_mim, run_tool, write_config)

from glmc_mm.utils import check_cfg_options, prepare_work_dir
from glmc_mm.utils.previous_run import move_previous_run


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


def folder_digests(folder: str) -> dict:
    """The md5 of every file under ``folder``, by relative path."""
    digests = {}
    for path in glob.glob(osp.join(folder, '**'), recursive=True):
        if osp.isfile(path):
            with open(path, 'rb') as f:
                digests[osp.relpath(path, folder)] = hashlib.md5(
                    f.read()).hexdigest()
    return digests


def test_train_into_a_finished_run_is_refused_and_changes_nothing(
        finished_run, tmp_path, capsys):
    run = copy_of_run(finished_run, str(tmp_path))
    before = folder_digests(run.work_dir)
    code, message = call_tool('tools/train.py', [run.config], capsys)
    assert code == 1
    assert message.startswith(
        f'FileExistsError: the work dir {run.work_dir} holds the checkpoints '
        'of an earlier run: epoch_1.pth, last_checkpoint. ')
    assert f'files move to {run.work_dir}/previous_<time>/' in message
    assert folder_digests(run.work_dir) == before  # no log folder either


def test_restart_moves_the_earlier_run_aside_whole(finished_run, tmp_path,
                                                   capsys):
    run = copy_of_run(finished_run, str(tmp_path))
    before = folder_digests(run.work_dir)
    code, message = call_tool('tools/train.py', [run.config, '--restart'],
                              capsys)
    assert code == 0, message
    previous, = glob.glob(osp.join(run.work_dir, 'previous_*'))
    assert folder_digests(previous) == before
    with open(osp.join(run.work_dir, 'last_checkpoint')) as f:
        assert f.read() == osp.join(run.work_dir, 'epoch_1.pth')
    # the new run's checkpoint, log folder and config dump, beside the move
    new = set(os.listdir(run.work_dir)) - {osp.basename(previous)}
    assert {'epoch_1.pth', 'last_checkpoint', 'config.py'} < new
    assert len(new) == 4


def test_a_second_restart_keeps_both_earlier_runs(tmp_path):
    work = tmp_path / 'work'
    work.mkdir()
    (work / 'epoch_1.pth').write_bytes(b'first')
    first = move_previous_run(str(work))
    (work / 'epoch_1.pth').write_bytes(b'second')
    second = move_previous_run(str(work))
    assert first != second and sorted(os.listdir(work)) == sorted(
        osp.basename(p) for p in (first, second))
    assert (tmp_path / 'work' / osp.basename(first) /
            'epoch_1.pth').read_bytes() == b'first'
    assert (tmp_path / 'work' / osp.basename(second) /
            'epoch_1.pth').read_bytes() == b'second'


def work_dir_cfg(work, **fields) -> Config:
    return Config(dict(dict(work_dir=str(work), launcher='none'), **fields))


def test_only_rank_0_moves_the_earlier_run(tmp_path, monkeypatch):
    (tmp_path / 'last_checkpoint').write_text('x')
    monkeypatch.setenv('RANK', '1')
    cfg = work_dir_cfg(tmp_path, launcher='pytorch')
    assert prepare_work_dir(cfg, restart=True) is None
    assert os.listdir(tmp_path) == ['last_checkpoint']
    monkeypatch.setenv('RANK', '0')
    moved = prepare_work_dir(cfg, restart=True)
    assert os.listdir(tmp_path) == [osp.basename(moved)]
    assert os.listdir(moved) == ['last_checkpoint']


def test_work_dir_without_checkpoints_or_resumed_is_left_alone(tmp_path):
    assert prepare_work_dir(work_dir_cfg(tmp_path / 'new'), False) is None
    (tmp_path / '20240101_000000').mkdir()  # logs of a run that saved none
    assert prepare_work_dir(work_dir_cfg(tmp_path), False) is None
    (tmp_path / 'epoch_3.pth').write_bytes(b'')
    assert prepare_work_dir(work_dir_cfg(tmp_path, resume=True), False) is None
    assert sorted(os.listdir(tmp_path)) == ['20240101_000000', 'epoch_3.pth']


def test_restart_that_would_move_its_own_start_is_refused(tmp_path):
    (tmp_path / 'epoch_3.pth').write_bytes(b'')
    load_from = str(tmp_path / 'epoch_3.pth')
    with pytest.raises(
            ValueError,
            match=f'load_from={load_from} lies in the work dir {tmp_path}, '
            'whose files --restart moves aside'):
        prepare_work_dir(work_dir_cfg(tmp_path, load_from=load_from), True)
    with pytest.raises(
            ValueError,
            match=f'--restart starts {tmp_path} over, but the config sets '
            'resume=True'):
        prepare_work_dir(work_dir_cfg(tmp_path, resume=True), True)
    assert os.listdir(tmp_path) == ['epoch_3.pth']


def test_every_unread_option_is_named_at_once(tmp_path):
    (tmp_path / 'my_config.py').write_text(
        "data_root = 'data/x'\n"
        'train_dataloader = dict(dataset=dict(data_root=data_root))\n'
        "custom_hooks = [dict(type='A'), dict(type='B', delay=0)]\n")
    cfg = Config.fromfile(tmp_path / 'my_config.py')
    # read keys, list items of read keys and new keys under read keys pass
    check_cfg_options(
        cfg, {
            'custom_hooks.1.delay': 0.3,
            'train_dataloader.dataset.data_root': '/y',
            'compile': True
        })
    with pytest.raises(ValueError) as raised:
        check_cfg_options(cfg, {'data_root': '/y', 'batch_size': 8})
    assert str(raised.value) == (
        '--cfg-options data_root=/y: data_root is a variable of '
        f'{tmp_path}/my_config.py, read only while the file is parsed; '
        'nothing reads it afterwards, so setting it changes nothing. Set the '
        'fields that use it instead: train_dataloader.dataset.data_root; or '
        'edit data_root in the config file.\n'
        '--cfg-options batch_size=8: the config has no top-level batch_size '
        'and nothing reads one; the top-level keys that are read are '
        'activation_checkpointing, auto_scale_lr, compile, custom_hooks, '
        'data_preprocessor, default_hooks, default_scope, '
        'efficient_conv_bn_eval, env_cfg, experiment_name, '
        'find_unused_parameters, launcher, load_from, log_level, '
        'log_processor, model, model_wrapper_cfg, optim_wrapper, '
        'param_scheduler, randomness, resume, runner_type, strategy, '
        'sync_bn, test_cfg, test_dataloader, test_evaluator, train_cfg, '
        'train_dataloader, tta_model, tta_pipeline, val_cfg, '
        'val_dataloader, val_evaluator, visualizer, work_dir.')
