"""Locks that keep two processes from training one benchmark run at once.

``lt_benchmark.py`` takes one lock per run it may train, before it reads
or writes anything of the run, and holds them all while it lives: a lock
is a ``flock`` on ``<work_dir>/.locks/<run>.lock``, which the kernel
releases when the process ends however it ends (a SIGKILL included), so a
stale lock cannot stay behind. A second process that needs one of the
runs refuses at once, naming the holder's process id, which the holder
writes into the lock file. Two processes may share a work dir with
different runs (e.g. one process per core, each with its own methods);
``--report``, which trains nothing, takes no lock and reads only finished
runs, whose records are written whole or not at all.
"""
import fcntl
import os
import os.path as osp
import socket
from typing import List, Sequence

LOCK_DIR = '.locks'


class RunInUseError(RuntimeError):
    """Another process holds the lock of a run."""


class RunLocks:
    """Exclusive locks on runs, held from ``__enter__`` until ``__exit__``
    or the end of the process.

    Args:
        work_dir (str): The benchmark's work dir (created where absent).
        run_dirs (Sequence[str]): The run folders to lock.
    """

    def __init__(self, work_dir: str, run_dirs: Sequence[str]) -> None:
        self.folder = osp.join(work_dir, LOCK_DIR)
        self.names = [osp.basename(run_dir) for run_dir in run_dirs]
        self.files: List[int] = []

    def __enter__(self) -> 'RunLocks':
        os.makedirs(self.folder, exist_ok=True)
        try:
            for name in self.names:
                self._lock(osp.join(self.folder, f'{name}.lock'))
        except BaseException:
            self.__exit__()
            raise
        return self

    def _lock(self, path: str) -> None:
        """Lock ``path`` and write this process's id into it.

        Raises:
            RunInUseError: Naming the process that holds it.
        """
        # os.open's descriptor is not inherited by child processes, so a
        # training run that outlived this process would not keep the lock
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode(errors='replace').strip()
            os.close(fd)
            raise RunInUseError(
                f'{path} is locked by another lt_benchmark.py '
                f'({holder or "process id not written yet"}), which trains '
                f'the run {osp.splitext(osp.basename(path))[0]} of this work '
                'dir: wait for it to end or stop it (two processes may share '
                'a work dir, but not a run; --report may run beside it)'
            ) from None
        self.files.append(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f'PID {os.getpid()} on {socket.gethostname()}\n'.encode())

    def __exit__(self, *_) -> None:
        for fd in self.files:
            os.close(fd)
        self.files = []
