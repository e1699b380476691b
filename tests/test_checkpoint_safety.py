"""No checkpoint is lost: atomic saves, the oldest removed only after the
newest is complete, and ``--resume`` from the newest intact checkpoint; and
what a checkpoint holds is checked before it is used."""
import glob
import math
import os.path as osp
import random
import shutil
import signal
import sys
import time
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from mmpretrain.structures import DataSample
from tiny_run import (Context, copy_of_run, run_tool, start_tool,
                      tiny_fmnist_cfg)

from glmc_mm.engine import (NonFinitePredictionHook, RandomStateHook,
                            checkpoint_problem)
from glmc_mm.engine.hooks.random_state_hook import (global_random_states,
                                                    random_state_problems)
from glmc_mm.utils.checkpoint_contents import check_checkpoint_contents

# Runs tools/train.py, but stops for good inside the fsync of the first
# save of epoch_2.pth (the bytes written, the rename not done yet), after
# touching a marker file, so that the test can SIGKILL it there.
STOP_IN_SAVE = """
import os, runpy, sys, time
marker, sys.argv = sys.argv[1], sys.argv[1:]
fsync = os.fsync
def stop_in_epoch_2_save(fd):
    fsync(fd)
    if '.epoch_2.pth.' in os.readlink(f'/proc/self/fd/{fd}'):
        open(marker, 'w').close()
        time.sleep(600)
os.fsync = stop_in_epoch_2_save
sys.argv[0] = 'tools/train.py'
runpy.run_path('tools/train.py', run_name='__main__')
"""


def two_epoch_config(ctx: Context, keep: int) -> str:
    cfg = tiny_fmnist_cfg(
        'ce', ctx, **{
            'train_cfg.max_epochs': 2,
            'param_scheduler.T_max': 2,
            'default_hooks.checkpoint.max_keep_ckpts': keep,
        })
    path = osp.join(ctx.tmp, 'ce.py')
    cfg.dump(path)
    return path


def train(config: str, work: str, *args: str) -> str:
    return run_tool(
        [sys.executable, 'tools/train.py', config, '--work-dir', work, *args],
        check=True).stdout


def test_sigkill_while_saving_keeps_the_previous_checkpoint(fmnist, tmp_path):
    ctx = Context(fmnist, str(tmp_path))
    config = two_epoch_config(ctx, keep=1)
    work, marker = str(tmp_path / 'work'), str(tmp_path / 'in_save')
    child = start_tool([
        sys.executable, '-c', STOP_IN_SAVE, marker, config, '--work-dir', work
    ])
    try:
        deadline = time.time() + 300
        while not osp.exists(marker) and child.poll() is None:
            assert time.time() < deadline, 'epoch 2 was never saved'
            time.sleep(0.1)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    # MMEngine's CheckpointHook would have removed epoch_1.pth already.
    assert checkpoint_problem(osp.join(work, 'epoch_1.pth')) is None
    assert not osp.exists(osp.join(work, 'epoch_2.pth'))
    assert len(glob.glob(osp.join(work, '.epoch_2.pth.*.partial'))) == 1

    log = train(config, work, '--resume')
    assert 'left by a killed save' in log
    assert 'resumed epoch: 1' in log
    assert glob.glob(osp.join(work, '.*.partial')) == []
    assert checkpoint_problem(osp.join(work, 'epoch_2.pth')) is None
    assert not osp.exists(osp.join(work, 'epoch_1.pth'))  # keep 1, after


def resume_log(ctx: Context) -> str:
    """Resume the two-epoch run in ``ctx.tmp/work``; its log."""
    cfg = tiny_fmnist_cfg(
        'ce',
        ctx,
        resume=True,
        **{
            'train_cfg.max_epochs': 2,
            'param_scheduler.T_max': 2
        })
    runner = Runner.from_cfg(cfg)
    runner.train()
    with open(osp.join(runner.log_dir, f'{runner.timestamp}.log')) as f:
        return f.read()


def test_resume_falls_back_to_the_newest_intact_checkpoint(fmnist, tmp_path):
    ctx = Context(fmnist, str(tmp_path))
    work = str(tmp_path / 'work')
    train(two_epoch_config(ctx, keep=2), work)
    last = osp.join(work, 'last_checkpoint')
    first, second = (osp.join(work, f'epoch_{e}.pth') for e in (1, 2))
    assert open(last).read() == second

    open(last, 'w').close()  # killed while writing last_checkpoint
    log = resume_log(ctx)
    assert f'{last} is empty; resuming from {second}' in log
    assert 'resumed epoch: 2' in log

    with open(second, 'r+b') as f:  # the file it names is truncated
        f.truncate(osp.getsize(second) // 3)
    log = resume_log(ctx)
    assert (f'{second} is not a complete checkpoint: the zip archive has no '
            f'end record') in log
    assert f'resuming from {first}, the newest intact checkpoint' in log
    assert 'resumed epoch: 1' in log
    assert open(last).read() == second  # saved again, complete
    assert checkpoint_problem(second) is None


def fake_runner(**cfg) -> SimpleNamespace:
    """What the hooks read of a runner: its config (and work dir)."""
    return SimpleNamespace(cfg=Config(cfg), work_dir='/nowhere')


def test_random_states_are_checked_part_by_part():
    assert random_state_problems(global_random_states()) == []
    states = global_random_states()
    states['python'][1][-1] = 625  # the position, at most 624
    states['numpy'][2] = 2  # has_gauss: 0 or 1
    states.pop('torch')
    assert random_state_problems(states) == [
        'random_states.python[1][624] is 625, expected an integer in '
        '[0, 625)',
        'random_states.numpy[2] is 2, expected an integer in [0, 2)',
        'random_states.torch is missing'
    ]


def test_damaged_random_states_leave_every_generator_alone():
    saved = global_random_states()
    random.seed(1)  # what the damaged checkpoint's Python state would undo
    before = global_random_states()
    saved['numpy'][0] = saved['numpy'][0][:10]
    with pytest.raises(ValueError) as error:
        RandomStateHook().after_load_checkpoint(
            fake_runner(resume=True, load_from='/x/epoch_3.pth'),
            {'random_states': saved})
    assert str(error.value) == (
        'Cannot resume from /x/epoch_3.pth: its global random states, which '
        'RandomStateHook saved and would restore, are damaged: '
        'random_states.numpy[0] holds 10 items, expected a list of 624 '
        'integers. Nothing was restored.')
    after = global_random_states()
    assert after['python'] == before['python']
    assert after['numpy'] == before['numpy']
    assert torch.equal(after['torch'], before['torch'])


def test_what_a_run_saves_passes_the_content_checks(finished_run):
    checkpoint = torch.load(finished_run.checkpoint, weights_only=True)
    check_checkpoint_contents('x', checkpoint, 10, with_optimizer=True)
    checkpoint['state_dict']['train_class_counts'].zero_()  # as converted
    check_checkpoint_contents('x', checkpoint, 10)
    checkpoint['optimizer']['state'][0]['momentum_buffer'].view(-1)[0] = \
        math.inf
    check_checkpoint_contents('x', checkpoint, 10)  # not read by a test
    with pytest.raises(
            ValueError,
            match=r'^x cannot be used: 1 tensors hold NaN or infinite '
            r'values: optimizer.state.0.momentum_buffer \(1 of 144 values\)'):
        check_checkpoint_contents('x', checkpoint, 10, with_optimizer=True)
    checkpoint['meta']['dataset_meta']['class_counts'] = (24, 20)
    with pytest.raises(
            ValueError,
            match=r'meta.dataset_meta.class_counts holds 2 counts in 1 '
            r'dimensions, \[24, 20\]; expected 10 \(one per class of the '
            r'model\)'):
        check_checkpoint_contents('x', checkpoint, 10)


def test_a_non_finite_validation_score_names_the_epoch():
    scores = DataSample(metainfo=dict(sample_idx=7)).set_pred_score(
        torch.tensor([0.5, math.nan]))
    runner = SimpleNamespace(
        cfg=Config(dict(load_from=None)), epoch=2, iter=32)
    with pytest.raises(FloatingPointError) as error:
        NonFinitePredictionHook().after_val_iter(
            runner,
            2,
            outputs=[scores.clone().set_pred_score(torch.ones(2)), scores])
    assert str(error.value).startswith(
        'The predicted scores of val batch 3 are not finite for 1 samples '
        '(dataset indices 7): the model trained for 2 epochs (32 '
        'iterations) gives NaN or infinite logits for them.')


def test_a_resume_after_the_data_moved_continues(finished_run, tmp_path):
    run = copy_of_run(finished_run, str(tmp_path))
    moved = shutil.copytree(run.root, str(tmp_path / 'moved'))
    cfg = Config.fromfile(run.config)
    cfg.merge_from_dict({
        'resume': True,
        'load_from': run.checkpoint,
        'train_dataloader.dataset.dataset.data_root': moved
    })
    runner = Runner.from_cfg(cfg)
    runner.train()
    with open(osp.join(runner.log_dir, f'{runner.timestamp}.log')) as f:
        assert 'resumed epoch: 1, iter: 16' in f.read()
