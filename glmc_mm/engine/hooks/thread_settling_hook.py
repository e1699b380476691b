"""Thread counts that fit the CPUs a training run may use, also when
another process shares them."""
import os
from typing import Optional, Union

import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...utils.cpu_share import cpus_busy_elsewhere, sample_cpus, usable_cpus
from ...utils.value_checks import check_number


@HOOKS.register_module()
class ThreadSettlingHook(Hook):
    """Settle the main process's intra-op threads from the CPUs it may use,
    and re-settle them while other processes keep some of those CPUs busy.

    PyTorch starts one intra-op thread per core of the machine. In a
    container with a CPU quota that is too many, and beside another busy
    process its spinning threads and ours take turns at each barrier: on
    this 2-core machine a GLMC run beside a second one took 4.1x as long
    per iteration, against the 2x that sharing the cores explains (README,
    "Speed").

    With ``intra_op_threads='auto'`` the main process starts with one thread
    per usable CPU (its affinity, capped by a cgroup ``cpu.max`` quota, and
    by ``OMP_NUM_THREADS`` where it is set, e.g. by ``torchrun``).
    Every ``interval`` training iterations it measures, from ``/proc``, how
    many of those CPUs other processes kept busy (this process and its
    dataloader workers are not "other"), and sets

    .. math::
        \\text{threads} = \\max(1, \\operatorname{round}(n_{cpu} -
        n_{\\text{busy elsewhere}})).

    Dataloader workers keep PyTorch's one intra-op thread each; OpenCV's
    threads are MMEngine's ``env_cfg.mp_cfg.opencv_num_threads`` (0 in
    MMPretrain's runtime: OpenCV runs in the calling thread). Without
    ``/proc`` only the start count is set.

    Args:
        intra_op_threads (int | str): ``'auto'``, or a fixed count (then
            nothing is measured). Defaults to ``'auto'``.
        interval (int): Training iterations between measurements.
            Defaults to 20.
    """

    priority = 'VERY_HIGH'

    def __init__(self,
                 intra_op_threads: Union[int, str] = 'auto',
                 interval: int = 20) -> None:
        if intra_op_threads != 'auto' and not (
                isinstance(intra_op_threads, int) and intra_op_threads >= 1):
            raise ValueError(
                "ThreadSettlingHook: intra_op_threads must be 'auto' or an "
                f'int >= 1, got {intra_op_threads!r}')
        self.fixed = None if intra_op_threads == 'auto' else intra_op_threads
        self.interval = check_number('ThreadSettlingHook', 'interval',
                                     interval, minimum=1, integer=True)
        self.cpus = usable_cpus()
        self.most = len(self.cpus)
        if os.environ.get('OMP_NUM_THREADS', '').isdigit():
            self.most = max(1, min(self.most,
                                   int(os.environ['OMP_NUM_THREADS'])))
        self._sample = None

    def before_run(self, runner) -> None:
        threads = self.fixed or self.most
        self._set(runner, threads,
                  'fixed in the config' if self.fixed else
                  f'{len(self.cpus)} usable CPUs, at most {self.most}')
        if self.fixed is None:
            self._sample = sample_cpus(self.cpus)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if self._sample is None or not self.every_n_train_iters(
                runner, self.interval):
            return
        sample = sample_cpus(self.cpus)
        elsewhere = cpus_busy_elsewhere(self._sample, sample, len(self.cpus))
        self._sample = sample
        threads = max(1, min(self.most, round(len(self.cpus) - elsewhere)))
        if threads != torch.get_num_threads():
            self._set(runner, threads,
                      f'other processes kept {elsewhere:.1f} of the '
                      f'{len(self.cpus)} usable CPUs busy')

    @staticmethod
    def _set(runner, threads: int, why: str) -> None:
        torch.set_num_threads(threads)
        runner.logger.info(f'ThreadSettlingHook: {threads} intra-op '
                           f'thread(s) in the main process ({why})')
