"""Run the benchmark's runs, one at a time or several at once, each in a
share of this machine.

A run is ``tools/train.py`` (or its continuation from the last checkpoint)
then ``tools/test.py``, each a child process whose wall time is recorded in
the run's ``wall_time.json``. With ``--parallel N`` up to ``N`` runs train
at once: each gets its own :class:`Slot`, a disjoint set of CPUs it is
pinned to (and as many intra-op threads, at most ``OMP_NUM_THREADS``
where it is set), or its own GPUs through
``CUDA_VISIBLE_DEVICES``. Every command dies with this process
(:func:`~.parent_death.dying_with_parent`), even where this process is
killed alone, so no training outlives it in a run folder that the next
start trains. A second stage (``NAME=CONFIG@OTHER``) starts
once the run it starts from has finished. Only this process writes the
report, after each run, so runs that end together cannot damage it.
"""
import os
import os.path as osp
import signal
import subprocess
import sys
import time
from typing import (Callable, Dict, List, NamedTuple, Optional, Protocol,
                    Sequence)

import torch

from ..engine.hooks.thread_settling_hook import default_intra_op_threads
from ..utils.cpu_share import usable_cpus
from ..utils.previous_run import previous_checkpoints
from .lt_benchmark import (CLASS_COUNTS_FILE, RECORD_FILE, Run, check_run_dir,
                           close_segment, final_checkpoint, finished_results,
                           last_checkpoint, open_segment, run_class_counts,
                           write_json)
from .parent_death import dying_with_parent


class Slot(NamedTuple):
    """The share of the machine one run of ``--parallel`` gets: CPUs, its
    intra-op threads, GPUs."""
    cpus: tuple
    threads: int
    gpus: tuple = ()


def parallel_slots(parallel: int, gpus_per_run: int = 1) -> List[Slot]:
    """``parallel`` disjoint slots: this process's usable CPUs split evenly
    (the remainder unused), one intra-op thread per CPU of the slot, at
    most ``OMP_NUM_THREADS`` where it is set (``OMP_NUM_THREADS=1
    --parallel 1`` runs one thread), and on a machine with GPUs
    ``gpus_per_run`` GPUs each.

    Args:
        parallel (int): How many runs train at once.
        gpus_per_run (int): GPUs per run where there are GPUs.

    Raises:
        ValueError: Where the machine has fewer CPUs (or GPUs) than that.
    """
    cpus = usable_cpus()
    if parallel > len(cpus):
        raise ValueError(
            f'--parallel {parallel}: this process may use {len(cpus)} CPUs '
            f'({", ".join(map(str, cpus))}), and each run needs one at '
            'least')
    gpus = torch.cuda.device_count()
    if gpus and parallel * gpus_per_run > gpus:
        raise ValueError(
            f'--parallel {parallel} with --gpus-per-run {gpus_per_run} needs '
            f'{parallel * gpus_per_run} GPUs; this machine has {gpus}')
    share = len(cpus) // parallel
    threads = min(share, default_intra_op_threads())
    return [
        Slot(
            tuple(cpus[k * share:(k + 1) * share]), threads,
            tuple(range(k * gpus_per_run, (k + 1) * gpus_per_run)) if gpus else
            ()) for k in range(parallel)
    ]


def _commands(run: Run, tools_dir: str, step: Sequence[str],
              launcher: Sequence[str]) -> List[tuple]:
    """``(what, command)`` still to do for ``run``: training, or its
    continuation wherever the folder holds a checkpoint (``train.py``
    refuses to start a new run over one), unless its final checkpoint is
    the last one; then the test; each command after ``step`` and with
    ``launcher``."""
    commands = []
    last = last_checkpoint(run.run_dir)
    final = final_checkpoint(run)
    if last is None or osp.abspath(last) != osp.abspath(final):
        resume = ['--resume'] if previous_checkpoints(run.run_dir) else []
        commands.append(('train', [
            *step, sys.executable,
            osp.join(tools_dir, 'train.py'), run.method.config, '--work-dir',
            run.run_dir, *resume, *launcher, '--cfg-options', *run.options
        ]))
    commands.append(('test', [
        *step, sys.executable,
        osp.join(tools_dir, 'test.py'), run.method.config, final, '--work-dir',
        osp.join(run.run_dir, 'test'), *launcher, '--cfg-options', *run.options
    ]))
    return commands


class RunProcess:
    """One run's remaining commands, started one after the other in a slot
    (none: the whole machine), without waiting for them.

    Args:
        run (Run): The run, from :func:`plan_run`.
        tools_dir (str): Where ``train.py`` and ``test.py`` are.
        slot (Slot, optional): The CPUs and GPUs it may use.
        step (Sequence[str]): What each command runs under (``srun`` in a
            Slurm job). Defaults to nothing.
        launcher (Sequence[str]): The tools' ``--launcher`` option, if any.
    """

    def __init__(
        self,
        run: Run,
        tools_dir: str,
        slot: Optional[Slot] = None,
        step: Sequence[str] = (),
        launcher: Sequence[str] = ()
    ) -> None:
        self.run = run
        self.slot = slot
        self.pending: List[tuple] = []
        self.process: Optional[subprocess.Popen] = None
        check_run_dir(run)
        if finished_results(run) is None:
            os.makedirs(run.run_dir, exist_ok=True)
            write_json(osp.join(run.run_dir, RECORD_FILE), run.record)
            self.pending = _commands(run, tools_dir, step, launcher)
        self._next()

    def _environment(self) -> Optional[dict]:
        if self.slot is None:
            return None
        env = dict(os.environ, OMP_NUM_THREADS=str(self.slot.threads))
        if self.slot.gpus:
            env['CUDA_VISIBLE_DEVICES'] = ','.join(map(str, self.slot.gpus))
        return env

    def _prepare_child(self) -> None:
        """In the child, before it starts: Ctrl-C's default action, which
        :meth:`stop` sends (a tool started in the background of a
        non-interactive shell ignores SIGINT, and its children would
        inherit that), and its CPUs."""
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if self.slot:
            os.sched_setaffinity(0, self.slot.cpus)

    def _next(self) -> None:
        if not self.pending:
            self.process = None
            return
        self.what, self.command = self.pending.pop(0)
        open_segment(self.run.run_dir, self.what)
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            self.command,
            env=self._environment(),
            preexec_fn=dying_with_parent(self._prepare_child))

    def _ended(self) -> None:
        close_segment(self.run.run_dir, time.perf_counter() - self.started)

    def poll(self) -> bool:
        """Whether the run is finished, starting its next command when one
        ends; its class counts are kept once it is.

        Raises:
            subprocess.CalledProcessError: Where a command failed.
        """
        while self.process is not None:
            code = self.process.poll()
            if code is None:
                return False
            self._ended()
            if code != 0:
                self.process = None
                raise subprocess.CalledProcessError(code, self.command)
            self._next()
        kept = osp.join(self.run.run_dir, CLASS_COUNTS_FILE)
        if not osp.isfile(kept):
            counts, classes = run_class_counts(self.run)
            write_json(kept, dict(class_counts=counts, classes=classes))
        return True

    def stop(self) -> None:
        """Interrupt the command in progress as Ctrl-C does (it is killed
        after 30 s), keeping its wall time; the run continues from its last
        checkpoint on the next start."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._ended()
        self.process = None


class RunnerOfRun(Protocol):
    """What :func:`run_all` starts for a run: :class:`RunProcess` here, or a
    Slurm job (:class:`~glmc_mm.benchmark.slurm_runs.SlurmRun`)."""
    run: Run

    def poll(self) -> bool:
        ...

    def stop(self) -> None:
        ...


def local_runner(
        tools_dir: str) -> Callable[[Run, Optional[Slot]], RunProcess]:
    """The ``start`` of :func:`run_all` that runs each run here, in its
    slot."""

    def start(run: Run, slot: Optional[Slot]) -> RunProcess:
        return RunProcess(run, tools_dir, slot)

    return start


def run_all(runs: Sequence[Run],
            start: Callable[[Run, Optional[Slot]], RunnerOfRun],
            slots: Sequence[Optional[Slot]] = (None, ),
            finished: Callable[[Run], None] = lambda run: None,
            poll_interval: float = 0.5) -> None:
    """Train and test every run not finished yet, in the order given, up to
    one per slot at once; a second stage waits for its first stage.

    Args:
        runs (Sequence[Run]): The runs, from :func:`plan_run`.
        start (Callable): Starts a run in a slot: :func:`local_runner`, or
            :func:`~glmc_mm.benchmark.slurm_runs.slurm_runner`.
        slots (Sequence[Slot | None]): One per run at a time; ``(None, )``
            (the default) runs one at a time on the whole machine.
        finished (Callable): Called with each run as it finishes.
        poll_interval (float): Seconds between looks at the runs.

    Raises:
        subprocess.CalledProcessError: Where a run failed (or another
            error of ``start``'s runner); the others are stopped first, to
            continue from their checkpoints next time.
    """
    waiting = list(runs)
    done = set()
    active: Dict[int, RunnerOfRun] = {}

    def ready(run: Run) -> bool:
        return run.method.after is None or (run.method.after, run.epochs,
                                            run.seed) in done

    try:
        while waiting or active:
            for index, slot in enumerate(slots):
                run = next((r for r in waiting if ready(r)), None)
                if index in active or run is None:
                    continue
                waiting.remove(run)
                active[index] = start(run, slot)
            if waiting and not active:
                raise RuntimeError(
                    'lt_benchmark: no run can start: '
                    f'{", ".join(r.run_dir for r in waiting)} wait for runs '
                    'that are not in the benchmark')
            for index, process in list(active.items()):
                if process.poll():
                    del active[index]
                    done.add((process.run.method.name, process.run.epochs,
                              process.run.seed))
                    finished(process.run)
            if active:
                time.sleep(poll_interval)
    finally:
        for process in active.values():
            process.stop()
