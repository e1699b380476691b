"""Distributed GLMC training with gloo: one node, two nodes, a bad image
on one rank, a rank that stops answering."""
import json
import os
import signal
import subprocess
import time

import pytest
import torch
from mmengine.config import Config
from stream_recorder import read_records
from tiny_run import (CE_BASE, CE_CONFIG, GLMC_CONFIG, REPO, Context,
                      assert_stopped_on_every_rank, bad_image_on_rank_1,
                      free_port, make_tiny_cifar, run_tool, start_tool,
                      tool_env, write_config)

RECORDED = GLMC_CONFIG.replace(
    "custom_imports = dict(imports=['glmc_mm', 'cifar_md5_from_env'],",
    "custom_imports = dict(imports=['glmc_mm', 'cifar_md5_from_env', "
    "'stream_recorder'],") + """
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='CumulativeLearningHook'),
    dict(type='StreamRecorderHook', delay={delay}),
    dict(type='RankHeartbeatHook', interval=0.5),
]
val_evaluator = [dict(type='Accuracy', topk=(1, )),
                 dict(type='SampleIndexMetric', out_file={out_file!r})]
test_evaluator = val_evaluator
"""


def recorded_config(path, data_root, delay=0., out_file='/dev/null'):
    text = RECORDED.replace('{delay}',
                            str(delay)).replace('{out_file!r}', repr(out_file))
    return write_config(str(path), data_root, text)


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp('dist')
    return root, make_tiny_cifar(str(root), learnable=True)


@pytest.fixture(scope='module')
def two_ranks(data, tmp_path_factory):
    """``tools/dist_train.sh CONFIG 2``: two processes on one node."""
    root, md5 = data
    tmp = tmp_path_factory.mktemp('two_ranks')
    gathered = tmp / 'gathered.json'
    config = recorded_config(
        tmp / 'glmc.py', str(root), out_file=str(gathered))
    work = tmp / 'work'
    result = run_tool(
        ['bash', 'tools/dist_train.sh', config, '2', '--work-dir',
         str(work)],
        md5,
        check=True)
    return config, work, gathered, result


def test_two_gloo_ranks_share_the_subset_and_draw_differently(two_ranks):
    """``tools/dist_train.sh`` with 2 processes on a machine without an
    accelerator (compat's ``dist_without_accelerator`` starts gloo)."""
    assert not torch.cuda.is_available()
    _, work, gathered, result = two_ranks
    assert 'Distributed training: True' in result.stdout
    assert 'Epoch(train) [2][5/5]' in result.stdout
    assert (work / 'epoch_2.pth').exists()
    ranks = [read_records(work / f'streams_rank{r}.jsonl') for r in (0, 1)]
    # 159 training images, 16 per rank and step: ceil(80 / 16) = 5 steps.
    assert ranks[0][0] == ranks[1][0] and ranks[0][0]['size'] == 159
    first, second = ranks[0][1], ranks[1][1]
    assert len(first['uniform']) == len(second['uniform']) == 80
    # DefaultSampler shards the uniform pass (rounded up to 160 with one
    # repeated index); the re-balanced streams are drawn per rank.
    assert len(set(first['uniform']) | set(second['uniform'])) == 159
    assert len(first['rebalanced']) == len(second['rebalanced']) == 80
    assert first['rebalanced'] != second['rebalanced']
    # every rank holds the same training counts and alpha
    assert ranks[0][0]['class_counts'] == ranks[1][0]['class_counts']
    assert sum(ranks[0][0]['class_counts']) == 159
    assert [r['alpha']
            for r in ranks[0][1:]] == [r['alpha']
                                       for r in ranks[1][1:]] == [1.0, 0.75]
    # The evaluator gathered each of the 100 test images exactly once.
    indices = json.loads(gathered.read_text())
    assert sorted(indices) == list(range(100))
    assert 'gathered/count: 100' in result.stdout


def test_two_nodes_train_the_same_weights_as_one(data, two_ranks, tmp_path):
    """``NNODES=2 NODE_RANK=0|1 tools/dist_train.sh CONFIG 1``, two nodes of
    one process on this machine, ends with the weights of one node with two
    processes, to the bit: the same world size, ranks and seed."""
    config, one_node, _, _ = two_ranks
    _, md5 = data
    work = tmp_path / 'work'
    port = str(free_port())
    nodes = []
    for rank in (0, 1):
        env = tool_env(md5, dict(NNODES='2', NODE_RANK=str(rank), PORT=port))
        with open(tmp_path / f'node{rank}.log', 'w') as out:
            nodes.append(
                subprocess.Popen([
                    'bash', 'tools/dist_train.sh', config, '1', '--work-dir',
                    str(work)
                ],
                                 cwd=REPO,
                                 env=env,
                                 stdout=out,
                                 stderr=subprocess.STDOUT))
    try:
        for rank, node in enumerate(nodes):
            assert node.wait(
                timeout=120) == 0, (tmp_path /
                                    f'node{rank}.log').read_text()[-3000:]
    finally:
        for node in nodes:
            node.kill()
    log = (tmp_path / 'node0.log').read_text()
    assert 'Distributed training: True' in log and 'GPU number: 2' in log
    two = torch.load(work / 'epoch_2.pth', weights_only=True)['state_dict']
    one = torch.load(one_node / 'epoch_2.pth', weights_only=True)['state_dict']
    assert list(two) == list(one)
    assert all(torch.equal(two[key], one[key]) for key in one)


def test_a_bad_image_on_rank_1_stops_every_rank(fmnist, tmp_path):
    """A file that only rank 1 checks (index 1 of 2 ranks), under
    ``dist_train.sh``: both ranks refuse it, the job ends at once, and rank
    0's log names it."""
    config, root = bad_image_on_rank_1(Context(fmnist, str(tmp_path)))
    start = time.time()
    result = run_tool([
        'bash', 'tools/dist_train.sh', config, '2', '--work-dir',
        str(tmp_path / 'work')
    ],
                      timeout=120)
    assert_stopped_on_every_rank(result,
                                 time.time() - start, root, tmp_path / 'work')


def child_of_rank(parent: int, rank: int) -> int:
    """The pid of the child of ``parent`` that runs ``rank`` (its ``RANK``
    variable), waiting for it to start."""
    deadline = time.time() + 60
    while time.time() < deadline:
        for pid in filter(str.isdigit, os.listdir('/proc')):
            try:
                with open(f'/proc/{pid}/stat') as f:
                    ppid = int(f.read().rsplit(')', 1)[1].split()[1])
                with open(f'/proc/{pid}/environ', 'rb') as f:
                    env = f.read().split(b'\0')
            except OSError:  # ended meanwhile
                continue
            if ppid == parent and f'RANK={rank}'.encode() in env:
                return int(pid)
        time.sleep(0.2)
    raise AssertionError(f'no rank {rank} under pid {parent}')


def running(pid: int) -> bool:
    """Whether ``pid`` exists and has not exited (a zombie has)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def test_a_stopped_rank_is_named_and_the_others_end(data, tmp_path):
    """``SIGSTOP`` of rank 1 mid-training under ``dist_train.sh``: rank 0
    names it and exits within RankHeartbeatHook's ``interval + timeout``
    (2 + 10 s here), instead of waiting silently for the process group's
    30 minutes. (torchrun then gives the stopped rank 30 s to end before it
    kills it; here the test kills it.)"""
    root, md5 = data
    cfg = Config.fromfile(
        write_config(tmp_path / 'ce.py', str(root), CE_CONFIG, CE_BASE))
    for hook in cfg.custom_hooks:
        if hook.type == 'RankHeartbeatHook':
            hook.update(interval=2, timeout=10)
    cfg.merge_from_dict({
        'train_cfg.max_epochs': 100,
        'param_scheduler.T_max': 100,
        'default_hooks.logger.interval': 1
    })
    cfg.dump(tmp_path / 'ce.py')
    log = tmp_path / 'run.log'
    with open(log, 'w') as out:
        job = start_tool([
            'bash', 'tools/dist_train.sh',
            str(tmp_path / 'ce.py'), '2', '--work-dir',
            str(tmp_path / 'work')
        ],
                         md5,
                         stdout=out,
                         stderr=subprocess.STDOUT)
    ranks = [child_of_rank(job.pid, rank) for rank in (0, 1)]
    try:
        while 'Epoch(train)' not in log.read_text():
            assert job.poll() is None, log.read_text()[-3000:]
            time.sleep(0.1)
        os.kill(ranks[1], signal.SIGSTOP)
        stopped = time.time()
        while running(ranks[0]) and time.time() < stopped + 60:
            time.sleep(0.1)
        elapsed = time.time() - stopped
    finally:
        for pid in ranks:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
    assert job.wait(timeout=60) == 1
    text = log.read_text()
    assert ('RankHeartbeatHook: rank 0 ends the run: a process did not '
            'answer the heartbeat within 10 s: [Rank 0]: Ranks 1 failed to '
            'pass monitoredBarrier in 10000 ms.') in text, text[-3000:]
    # 12 s at most to the heartbeat's error, and a margin for this busy
    # machine
    assert elapsed < 18, elapsed
