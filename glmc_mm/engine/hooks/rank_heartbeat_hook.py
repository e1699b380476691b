"""End a distributed run when a rank stops answering, naming the rank."""
import datetime
import logging
import os
import sys
import threading
from typing import Optional

import torch
import torch.distributed as torch_dist
from mmengine.dist import get_rank, get_world_size
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmpretrain.registry import HOOKS

from ...utils.value_checks import check_number


@HOOKS.register_module()
class RankHeartbeatHook(Hook):
    """End a distributed run within ``interval + timeout`` seconds of one of
    its processes ceasing to answer, and name it.

    A process that stops answering (stopped by ``SIGSTOP`` or Ctrl-Z,
    frozen by swapping, cut off by the network) leaves the others waiting
    in their next collective, silently, until the process group's timeout:
    30 minutes by default (MMEngine's ``env_cfg.dist_cfg.timeout``, in
    seconds). Gloo's error then says only ``Timed out waiting 1800000ms for
    recv operation to complete``, which names no rank.

    From the start to the end of a run (``before_run`` to ``after_run``)
    each process runs a heartbeat thread. Every ``interval`` seconds the
    threads of all processes meet in PyTorch's ``monitored_barrier`` on a
    gloo group of their own, created here beside the run's own group
    (which may be nccl). A process that does not arrive within
    ``timeout`` seconds is named on rank 0, in the log and on stderr
    (``Ranks 1 failed to pass monitoredBarrier in 120000 ms``); every
    other waiting process is told that rank 0's log names it. Each such
    process then exits with code 1, whatever its main thread is waiting
    for, and the launcher ends the rest (``torchrun`` kills a stopped
    process 30 s after the ``SIGTERM`` it cannot handle). The last
    checkpoint, written atomically, resumes the run.

    The heartbeat is independent of the main threads: a process that is
    busy for long (saving a checkpoint, checking image files) still
    answers, so ``timeout`` can be much shorter than the process group's.
    A process whose main thread hangs while the process runs on is left to
    the process group's timeout. At ``after_run`` the threads stop in the
    same round, once every process has reached it. Outside a distributed
    run the hook does nothing.

    Args:
        interval (float): Seconds between two heartbeats. Defaults to 10.
        timeout (float): Seconds a heartbeat waits for every process.
            Defaults to 120.
    """

    # starts after the other hooks' before_run and stops after their
    # after_run
    priority = 'VERY_LOW'

    def __init__(self, interval: float = 10., timeout: float = 120.) -> None:
        self.interval = check_number(
            'RankHeartbeatHook', 'interval', interval, above=0)
        self.timeout = check_number(
            'RankHeartbeatHook', 'timeout', timeout, above=0)
        self._group = None
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def before_run(self, runner) -> None:
        if get_world_size() == 1 or self._thread is not None:
            return  # not distributed, or still beating (a run that raised)
        if self._group is None:
            self._group = torch_dist.new_group(
                backend='gloo',
                timeout=datetime.timedelta(seconds=self.timeout))
        print_log(
            f'RankHeartbeatHook: a heartbeat every {self.interval:g} s; a '
            f'process that does not answer within {self.timeout:g} s ends '
            'the run',
            logger='current')
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._beat, name='RankHeartbeatHook', daemon=True)
        self._thread.start()

    def after_run(self, runner) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None

    def _beat(self) -> None:
        """Meet the other processes every ``interval`` seconds until all of
        them stop; end this process when one does not come."""
        while True:
            stopping = torch.tensor([int(self._stop.wait(self.interval))])
            try:
                torch_dist.monitored_barrier(
                    self._group,
                    timeout=datetime.timedelta(seconds=self.timeout),
                    wait_all_ranks=True)
                torch_dist.all_reduce(stopping, group=self._group)
            except RuntimeError as error:
                self._end(error)
                return
            if stopping.item() == get_world_size():
                return

    def _end(self, error: RuntimeError) -> None:
        """Log ``error`` and end this process with code 1, unless the
        process is ending anyway (its main thread has finished, e.g. every
        rank refused a bad input)."""
        if not threading.main_thread().is_alive():
            return
        print_log(
            f'RankHeartbeatHook: rank {get_rank()} ends the run: a process '
            f'did not answer the heartbeat within {self.timeout:g} s: '
            f'{error}. A process that does not answer is stopped (SIGSTOP, '
            'Ctrl-Z), frozen (e.g. swapping) or cut off from the others; '
            'once it is fixed, resume from the last checkpoint (--resume).',
            logger='current',
            level=logging.ERROR)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)
