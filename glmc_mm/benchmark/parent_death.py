"""Child processes that die with the process that started them.

A child of a process killed with SIGKILL (the tool alone, not its process
group) is handed to PID 1 and runs on: a training run would go on writing
into a run folder that the next start of the tool trains again. On Linux,
``prctl(PR_SET_PDEATHSIG)`` has the kernel send the child a signal when
the thread that started it ends; :func:`dying_with_parent` sets it in the
child between ``fork`` and ``exec``.
"""
import ctypes
import os
import signal
import sys
from typing import Callable, Optional

PR_SET_PDEATHSIG = 1


def dying_with_parent(
        then: Optional[Callable[[], None]] = None) -> Callable[[], None]:
    """A ``preexec_fn`` of :class:`subprocess.Popen` that has the child
    killed (SIGKILL) when this process (the thread that calls ``Popen``)
    ends, however it ends; on other systems than Linux it does nothing.

    The child checks its parent after asking: a parent that died between
    ``fork`` and ``prctl`` sent nothing, so the child kills itself.

    Args:
        then (Callable, optional): More to do in the child before it runs
            its command (e.g. pin it to CPUs).

    Returns:
        Callable: The ``preexec_fn``.
    """
    parent = os.getpid()
    # looked up here, in the parent: the child only calls it
    prctl = ctypes.CDLL(None, use_errno=True).prctl \
        if sys.platform.startswith('linux') else None

    def prepare() -> None:
        if prctl is not None:
            if prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL)) != 0:
                raise OSError(ctypes.get_errno(), 'prctl(PR_SET_PDEATHSIG)')
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
        if then is not None:
            then()

    return prepare
