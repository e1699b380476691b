"""ThreadSettlingHook: thread counts from the usable CPUs, fixed for the
run by default, re-settled under other processes' load as an opt-in."""
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MMLogger
from tiny_run import (CE_BASE, CE_CONFIG, make_tiny_cifar, run_tool,
                      write_config)

from glmc_mm.engine.hooks import ThreadSettlingHook, thread_settling_hook
from glmc_mm.utils.cpu_share import (CpuSample, cpus_busy_elsewhere,
                                     sample_cpus, usable_cpus)

# a process that keeps two CPUs busy
BUSY = """import torch
torch.set_num_threads(2)
x = torch.randn(256, 256)
while True:
    x @ x
"""


@pytest.fixture
def threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_busy_elsewhere_is_the_busy_time_not_ours_per_elapsed_tick():
    before = CpuSample(busy=1000, ours=300, elapsed=5000)
    # 200 ticks: the CPUs were busy 330 ticks, 130 of them ours
    after = CpuSample(busy=1330, ours=430, elapsed=5200)
    assert cpus_busy_elsewhere(before, after, 2) == pytest.approx(1.0)
    assert cpus_busy_elsewhere(before, before, 2) == 0.0
    # never more than the CPUs, never negative
    assert cpus_busy_elsewhere(before, after._replace(busy=9999), 2) == 2.0
    assert cpus_busy_elsewhere(before, after._replace(ours=9999), 2) == 0.0


def test_usable_cpus_follow_the_affinity_and_the_cgroup_quota(tmp_path):
    affinity = sorted(os.sched_getaffinity(0))
    assert usable_cpus(str(tmp_path / 'none')) == affinity
    quota = tmp_path / 'cpu.max'
    quota.write_text('max 100000\n')
    assert usable_cpus(str(quota)) == affinity
    quota.write_text('50000 100000\n')  # half a CPU: still one
    assert usable_cpus(str(quota)) == affinity[:1]


def test_sample_counts_this_process():
    cpus = usable_cpus()
    first = sample_cpus(cpus)
    x = torch.randn(400, 400)
    end = os.times().elapsed + 0.3
    while os.times().elapsed < end:
        x @ x
    second = sample_cpus(cpus)
    ours = second.ours - first.ours
    assert ours > 0
    # the CPUs' busy time includes ours (a tick or two apart in accounting)
    assert second.busy - first.busy >= ours - 2


def runner_at(iteration: int):
    return SimpleNamespace(
        iter=iteration, logger=MMLogger.get_instance('thread_test'))


def test_default_count_is_the_usable_cpus_and_never_measured(
        monkeypatch, threads):
    monkeypatch.delenv('OMP_NUM_THREADS', raising=False)
    hook = ThreadSettlingHook(interval=10)
    hook.cpus, hook.most = [0, 1, 2], 3
    monkeypatch.setattr(thread_settling_hook, 'sample_cpus',
                        lambda cpus: pytest.fail('measured'))
    hook.before_run(runner_at(0))
    for iteration in (9, 19, 29):
        hook.after_train_iter(runner_at(iteration), iteration)
    assert torch.get_num_threads() == 3


def test_follow_load_starts_with_the_usable_cpus_and_follows_other_load(
        monkeypatch, threads):
    monkeypatch.delenv('OMP_NUM_THREADS', raising=False)
    hook = ThreadSettlingHook(follow_load=True, interval=10)
    hook.cpus, hook.most = [0, 1, 2, 3], 4
    samples = iter([
        CpuSample(0, 0, 0),  # before_run
        CpuSample(400, 100, 100),  # 3 CPUs busy elsewhere
        CpuSample(800, 400, 200),  # 1 CPU busy elsewhere
        CpuSample(1000, 600, 300),  # none
    ])
    monkeypatch.setattr(thread_settling_hook, 'sample_cpus',
                        lambda cpus: next(samples))
    hook.before_run(runner_at(0))
    assert torch.get_num_threads() == 4
    hook.after_train_iter(runner_at(4), 4)  # not a 10th iteration
    assert torch.get_num_threads() == 4
    settled = []
    for iteration in (9, 19, 29):
        hook.after_train_iter(runner_at(iteration), iteration)
        settled.append(torch.get_num_threads())
    assert settled == [1, 3, 4]


def test_omp_num_threads_caps_the_count(monkeypatch, threads):
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    hook = ThreadSettlingHook(follow_load=True)
    monkeypatch.setattr(thread_settling_hook, 'sample_cpus',
                        lambda cpus: CpuSample(0, 0, 0))
    hook.before_run(runner_at(0))
    assert torch.get_num_threads() == 1
    hook.after_train_iter(runner_at(19), 19)  # nothing busy elsewhere
    assert torch.get_num_threads() == 1


def test_fixed_count_is_set_and_never_measured(monkeypatch, threads):
    hook = ThreadSettlingHook(intra_op_threads=1)
    monkeypatch.setattr(thread_settling_hook, 'sample_cpus',
                        lambda cpus: pytest.fail('measured'))
    hook.before_run(runner_at(0))
    hook.after_train_iter(runner_at(19), 19)
    assert torch.get_num_threads() == 1


@pytest.mark.parametrize('kwargs, match', [
    (dict(intra_op_threads=0), "intra_op_threads must be 'auto' or an int"),
    (dict(intra_op_threads='all'), "'all'"),
    (dict(interval=0),
     'ThreadSettlingHook: interval must be an integer >= 1, got 0'),
    (dict(follow_load='yes'), "follow_load must be True or False, got 'yes'"),
    (dict(intra_op_threads=2, follow_load=True),
     "follow_load=True re-settles the count, so it needs "
     "intra_op_threads='auto', got 2"),
])
def test_bad_settings_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ThreadSettlingHook(**kwargs)


def test_a_default_run_beside_a_busy_process_keeps_its_threads_and_numbers(
        tmp_path):
    """The same run alone and beside a process that keeps both CPUs busy:
    two threads from start to end, and the same weights to the bit."""
    if len(usable_cpus()) < 2:
        pytest.skip('needs 2 usable CPUs')
    md5 = make_tiny_cifar(str(tmp_path), learnable=True)
    config = write_config(
        str(tmp_path / 'ce.py'), str(tmp_path), CE_CONFIG, CE_BASE)
    options = [
        '--cfg-options', 'train_cfg.max_epochs=1', 'param_scheduler.T_max=1'
    ]

    def train(name):
        work = tmp_path / name
        result = run_tool([
            sys.executable, 'tools/train.py', config, '--work-dir',
            str(work), *options
        ],
                          md5,
                          extra_env=dict(OMP_NUM_THREADS='2'),
                          check=True)
        settled = [
            line for line in result.stdout.splitlines()
            if 'ThreadSettlingHook:' in line
        ]
        assert len(settled) == 2 and '2 intra-op thread(s)' in settled[0]
        # glmc_mm.openmp's default, set before tools/train.py imports torch
        assert 'OpenMP threads wait with GOMP_SPINCOUNT=1000' in settled[1]
        return torch.load(
            work / 'epoch_1.pth', weights_only=True)['state_dict']

    quiet = train('quiet')
    busy = subprocess.Popen([sys.executable, '-c', BUSY])
    try:
        beside = train('beside')
    finally:
        busy.kill()
        busy.wait()
    assert quiet.keys() == beside.keys()
    for key in quiet:
        assert torch.equal(quiet[key], beside[key]), key
