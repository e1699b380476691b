"""Thread counts that fit the CPUs a training run may use."""
import os
from typing import Optional, Union

import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...utils.cpu_share import cpus_busy_elsewhere, sample_cpus, usable_cpus
from ...utils.value_checks import check_number


def default_intra_op_threads() -> int:
    """One thread per usable CPU: the process's affinity, capped by a
    cgroup ``cpu.max`` quota and by ``OMP_NUM_THREADS`` where it is set
    (e.g. by ``torchrun``)."""
    most = len(usable_cpus())
    if os.environ.get('OMP_NUM_THREADS', '').isdigit():
        most = max(1, min(most, int(os.environ['OMP_NUM_THREADS'])))
    return most


@HOOKS.register_module()
class ThreadSettlingHook(Hook):
    """Fix the main process's intra-op threads for the whole run, from the
    CPUs it may use; optionally follow the load of other processes.

    PyTorch starts one intra-op thread per core of the machine. In a
    container with a CPU quota that is too many. With
    ``intra_op_threads='auto'`` the main process runs with
    :func:`default_intra_op_threads` threads from the first hook to the
    end, whatever else the machine does: the thread count changes how
    floating-point reductions are split, so a fixed count is what makes a
    run's numbers depend only on its config, seed and machine.

    ``follow_load=True`` is an opt-in that trades that exact
    reproducibility for speed on a shared machine: beside another busy
    process, threads take turns at each barrier (:mod:`glmc_mm.openmp`
    keeps their waiting short, so a GLMC run beside a second one on a
    2-core machine takes 2.3x as long per iteration rather than 8x:
    ``docs/speed.md``). Every ``interval`` training iterations the hook then
    measures, from ``/proc``, how many of the usable CPUs other processes
    kept busy (this process and its dataloader workers are not "other"),
    and sets

    .. math::
        \\text{threads} = \\max(1, \\operatorname{round}(n_{cpu} -
        n_{\\text{busy elsewhere}})).

    Each change is logged. Dataloader workers keep PyTorch's one intra-op
    thread each; OpenCV's threads are MMEngine's
    ``env_cfg.mp_cfg.opencv_num_threads``.

    Args:
        intra_op_threads (int | str): ``'auto'``, or a fixed count.
            Defaults to ``'auto'``.
        follow_load (bool): Re-settle the count from other processes'
            load (only with ``'auto'``). Defaults to False.
        interval (int): Training iterations between measurements with
            ``follow_load``. Defaults to 20.
    """

    priority = 'VERY_HIGH'

    def __init__(self,
                 intra_op_threads: Union[int, str] = 'auto',
                 follow_load: bool = False,
                 interval: int = 20) -> None:
        if intra_op_threads != 'auto' and not (isinstance(
                intra_op_threads, int) and intra_op_threads >= 1):
            raise ValueError(
                "ThreadSettlingHook: intra_op_threads must be 'auto' or an "
                f'int >= 1, got {intra_op_threads!r}')
        if not isinstance(follow_load, bool):
            raise ValueError('ThreadSettlingHook: follow_load must be True '
                             f'or False, got {follow_load!r}')
        if follow_load and intra_op_threads != 'auto':
            raise ValueError(
                'ThreadSettlingHook: follow_load=True re-settles the count, '
                f'so it needs intra_op_threads=\'auto\', got '
                f'{intra_op_threads!r}')
        self.fixed = None if intra_op_threads == 'auto' else intra_op_threads
        self.follow_load = follow_load
        self.interval = check_number(
            'ThreadSettlingHook',
            'interval',
            interval,
            minimum=1,
            integer=True)
        self.cpus = usable_cpus()
        self.most = default_intra_op_threads()
        self._sample = None

    def before_run(self, runner) -> None:
        if self.fixed:
            why = 'fixed in the config'
        else:
            why = f'{len(self.cpus)} usable CPUs, at most {self.most}'
            why += (', following other processes\' load'
                    if self.follow_load else ', fixed for the run')
        self._set(runner, self.fixed or self.most, why)
        waiting = {
            key: os.environ[key]
            for key in ('GOMP_SPINCOUNT', 'OMP_WAIT_POLICY')
            if key in os.environ
        }
        runner.logger.info('ThreadSettlingHook: OpenMP threads wait with ' +
                           (', '.join(f'{k}={v}' for k, v in waiting.items())
                            or "libgomp's default spin count") +
                           ' (glmc_mm.openmp)')
        if self.follow_load:
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
            self._set(
                runner, threads,
                f'other processes kept {elsewhere:.1f} of the '
                f'{len(self.cpus)} usable CPUs busy')

    @staticmethod
    def _set(runner, threads: int, why: str) -> None:
        torch.set_num_threads(threads)
        runner.logger.info(f'ThreadSettlingHook: {threads} intra-op '
                           f'thread(s) in the main process ({why})')
