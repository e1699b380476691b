"""How many CPUs this process may use, and how busy other processes keep
them (Linux ``/proc``; elsewhere nothing is measured)."""
import os
from typing import List, NamedTuple, Optional

CLOCK_TICKS = os.sysconf('SC_CLK_TCK') if hasattr(os, 'sysconf') else 100


def usable_cpus(cpu_max: str = '/sys/fs/cgroup/cpu.max') -> List[int]:
    """The CPUs this process may run on, as many as its cgroup's CPU quota
    (the file ``cpu_max``, ``"<quota> <period>"`` or ``"max <period>"``)
    allows, at least one."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(
        os, 'sched_getaffinity') else list(range(os.cpu_count() or 1))
    try:
        with open(cpu_max) as f:
            quota, period = f.read().split()
        if quota != 'max':
            cpus = cpus[:max(1, int(int(quota) / int(period)))]
    except (OSError, ValueError):
        pass
    return cpus


class CpuSample(NamedTuple):
    """Busy ticks of some CPUs and of this process tree, at one moment."""
    busy: int
    ours: int
    elapsed: int


def _busy_ticks(cpus: List[int]) -> Optional[int]:
    """Busy ticks (all but idle and iowait) of ``cpus`` since boot."""
    try:
        with open('/proc/stat') as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    wanted = {f'cpu{i}' for i in cpus}
    busy = 0
    for line in lines:
        fields = line.split()
        if fields and fields[0] in wanted:
            ticks = [int(v) for v in fields[1:]]
            busy += sum(ticks) - ticks[3] - ticks[4]
    return busy


def _tree_ticks(pid: int) -> int:
    """CPU ticks of process ``pid`` and of its living children (e.g.
    dataloader workers)."""
    total = 0
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat') as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(')') + 2:].split()
        if int(entry) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def sample_cpus(cpus: List[int]) -> Optional[CpuSample]:
    """A :class:`CpuSample` of ``cpus``, or None where ``/proc`` is not."""
    busy = _busy_ticks(cpus)
    if busy is None:
        return None
    return CpuSample(busy, _tree_ticks(os.getpid()),
                     int(os.times().elapsed * CLOCK_TICKS))


def cpus_busy_elsewhere(before: CpuSample, after: CpuSample,
                        num_cpus: int) -> float:
    """The average number of ``num_cpus`` that other processes kept busy
    between two samples (0 when no time passed)."""
    elapsed = after.elapsed - before.elapsed
    if elapsed <= 0:
        return 0.0
    others = (after.busy - before.busy) - (after.ours - before.ours)
    return min(float(num_cpus), max(0.0, others / elapsed))
