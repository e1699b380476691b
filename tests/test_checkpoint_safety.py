"""No checkpoint is lost: atomic saves, the oldest removed only after the
newest is complete, and ``--resume`` from the newest intact checkpoint."""
import glob
import os.path as osp
import signal
import sys
import time

from mmengine.runner import Runner
from tiny_run import Context, run_tool, start_tool, tiny_fmnist_cfg

from glmc_mm.engine import checkpoint_problem

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
