"""Run the benchmark's runs as Slurm jobs (``lt_benchmark.py --launcher
slurm``).

Each run is one batch job, submitted with ``sbatch`` once the run may start
(a second stage once its first stage has finished). The job runs
``tools/analysis_tools/lt_benchmark_slurm_job.py`` on its node, which runs
the run's remaining commands (training or its continuation, then the test)
as job steps (``srun``), timed as :class:`RunProcess` times them locally.
The tool watches its jobs with ``squeue`` alone, so it
needs no Slurm accounting database, and reads each run's results from the
run's folder, as without Slurm.

- The job's id is kept in the run's ``slurm_job.json``: a start of the tool
  that finds the job still queued or running follows it instead of
  submitting another, so the tool can be killed and started again while
  its jobs run.
- A stopped tool (Ctrl-C, SIGTERM, a run that failed) cancels its jobs;
  a cancelled, failed or timed-out job ends the tool with an error that
  names the job and its output file. Either way the run continues from its
  last checkpoint on the next start.
"""
import os
import os.path as osp
import shlex
import shutil
import subprocess
import sys
import time
from typing import Callable, NamedTuple, Optional

from .cpu_name import cpu_name
from .lt_benchmark import (CLASS_COUNTS_FILE, RECORD_FILE, Method, Run,
                           check_run_dir, finished_results, write_json)
from .run_pool import RunProcess
from .run_records import read_json, record_error, run_remedy

JOB_FILE = 'slurm_job.json'
# the states of a job that has ended (squeue -t all lists them a while)
ENDED_STATES = frozenset({
    'BOOT_FAIL', 'CANCELLED', 'COMPLETED', 'DEADLINE', 'FAILED', 'NODE_FAIL',
    'OUT_OF_MEMORY', 'PREEMPTED', 'TIMEOUT'
})


class SlurmOptions(NamedTuple):
    """How each run's job is submitted.

    Args:
        partition (str): The partition (``sbatch -p``).
        cpus (int): CPUs of each task (``--cpus-per-task``), and the run's
            intra-op threads.
        gpus (int): GPUs of a run: as many tasks, one GPU each, on one
            node; 0 for a CPU job of one task that sees no GPU.
        sbatch_args (tuple): More ``sbatch`` options, e.g. ``--time=4:00:00``.
    """
    partition: str
    cpus: int = 1
    gpus: int = 0
    sbatch_args: tuple = ()


class SlurmJobError(RuntimeError):
    """A run's Slurm job ended without finishing the run."""


def check_partition(partition: str) -> None:
    """Refuse, before anything is submitted, a machine without ``sbatch``
    or a partition Slurm does not know.

    Raises:
        ValueError: Naming what is missing.
    """
    for command in ('sbatch', 'squeue', 'scancel', 'sinfo'):
        if shutil.which(command) is None:
            raise ValueError(f'--launcher slurm: no {command} on PATH')
    known = subprocess.run(['sinfo', '-h', '-o', '%R'],
                           capture_output=True,
                           text=True)
    partitions = known.stdout.split()
    if known.returncode != 0 or partition not in partitions:
        raise ValueError(
            f'--partition {partition}: Slurm knows '
            f'{", ".join(partitions) or "no partition"}'
            f'{" (" + known.stderr.strip() + ")" if known.stderr else ""}')


def job_state(job_id: str) -> Optional[str]:
    """The job's state as Slurm reports it (``PENDING``, ``RUNNING``,
    ``COMPLETED``, ...), or None once Slurm has forgotten it."""
    result = subprocess.run(
        ['squeue', '-h', '-t', 'all', '-j', job_id, '-o', '%T'],
        capture_output=True,
        text=True)
    state = result.stdout.strip()
    return state.split()[0] if result.returncode == 0 and state else None


def read_job_file(path: str) -> dict:
    """A run's ``slurm_job.json``, checked: ``job_id`` a string or null,
    ``run`` the :class:`Run` as :class:`SlurmRun` wrote it.

    Raises:
        RunRecordError: Naming the key that is damaged.
    """
    remedy = run_remedy(osp.dirname(path))
    job = read_json(path, remedy)
    if job.get('job_id') is not None and not (isinstance(job['job_id'], str)
                                              and job['job_id']):
        raise record_error(path, 'job_id', 'a Slurm job id (a string) or '
                           'null', job['job_id'], remedy)
    run = job.get('run')
    if not isinstance(run, dict) or sorted(run) != sorted(Run._fields):
        raise record_error(path, 'run',
                           f'an object of {", ".join(Run._fields)}', run,
                           remedy)
    return job


def _run_to_json(run: Run) -> dict:
    return dict(run._asdict(), method=list(run.method))


def run_from_json(data: dict) -> Run:
    """The :class:`Run` that :class:`SlurmRun` wrote into its job file."""
    return Run(**dict(data, method=Method(*data['method'])))


def _job_script(run: Run, tools_dir: str, options: SlurmOptions) -> str:
    """The batch script of ``run``'s job."""
    tasks = max(options.gpus, 1)
    lines = [
        '#!/bin/bash',
        f'#SBATCH --job-name=lt_benchmark_{osp.basename(run.run_dir)}',
        f'#SBATCH --partition={options.partition}',
        f'#SBATCH --ntasks={tasks}',
        f'#SBATCH --ntasks-per-node={tasks}',
        f'#SBATCH --cpus-per-task={options.cpus}',
        f'#SBATCH --output={osp.join(run.run_dir, "slurm-%j.out")}',
        f'#SBATCH --chdir={os.getcwd()}',
    ]
    if options.gpus:
        lines.append(f'#SBATCH --gres=gpu:{options.gpus}')
    lines += [
        f'export OMP_NUM_THREADS={options.cpus}',
        # one port per job, so that jobs sharing a node do not meet
        'export MASTER_PORT=$((20000 + SLURM_JOB_ID % 20000))',
    ]
    if not options.gpus:
        lines.append('export CUDA_VISIBLE_DEVICES=')
    job = osp.join(tools_dir, 'analysis_tools', 'lt_benchmark_slurm_job.py')
    lines.append(f'exec {shlex.quote(sys.executable)} -u '
                 f'{shlex.quote(job)} {shlex.quote(run.run_dir)}')
    return '\n'.join(lines) + '\n'


def _output_tail(run_dir: str, job_id: str, lines: int = 15) -> str:
    path = osp.join(run_dir, f'slurm-{job_id}.out')
    if not osp.isfile(path):
        return f'{path} does not exist'
    with open(path, errors='replace') as f:
        tail = f.read().splitlines()[-lines:]
    return f'the end of {path}:\n' + '\n'.join(tail)


class SlurmRun:
    """One run as a Slurm job: submitted, or followed where an earlier start
    of the tool submitted it and it is still queued or running.

    Args:
        run (Run): The run, from :func:`plan_run`.
        tools_dir (str): Where ``train.py`` and ``test.py`` are.
        options (SlurmOptions): How the job is submitted.
    """

    def __init__(self, run: Run, tools_dir: str,
                 options: SlurmOptions) -> None:
        self.run = run
        self.job_id: Optional[str] = None
        check_run_dir(run)
        if finished_results(run) is not None and osp.isfile(
                osp.join(run.run_dir, CLASS_COUNTS_FILE)):
            return
        os.makedirs(run.run_dir, exist_ok=True)
        write_json(osp.join(run.run_dir, RECORD_FILE), run.record)
        self.job_id = self._queued_job() or self._submit(tools_dir, options)

    def _queued_job(self) -> Optional[str]:
        path = osp.join(self.run.run_dir, JOB_FILE)
        if not osp.isfile(path):
            return None
        job_id = read_job_file(path)['job_id']
        if job_id and job_state(job_id) not in ENDED_STATES | {None}:
            print(f'lt_benchmark: following Slurm job {job_id} of '
                  f'{self.run.run_dir}, submitted by an earlier start')
            return job_id
        return None

    def _submit(self, tools_dir: str, options: SlurmOptions) -> str:
        path = osp.join(self.run.run_dir, JOB_FILE)
        write_json(path, dict(job_id=None, run=_run_to_json(self.run)))
        result = subprocess.run(['sbatch', '--parsable', *options.sbatch_args],
                                input=_job_script(self.run, tools_dir,
                                                  options),
                                capture_output=True,
                                text=True)
        if result.returncode != 0:
            raise SlurmJobError(
                f'sbatch refused the job of {self.run.run_dir}: '
                f'{result.stderr.strip()}')
        job_id = result.stdout.strip().split(';')[0]
        write_json(path, dict(job_id=job_id, run=_run_to_json(self.run)))
        return job_id

    def poll(self) -> bool:
        """Whether the run is finished.

        Raises:
            SlurmJobError: Where its job ended without finishing it.
        """
        if self.job_id is None:
            return True
        state = job_state(self.job_id)
        if state is not None and state not in ENDED_STATES:
            return False
        if finished_results(self.run) is not None and osp.isfile(
                osp.join(self.run.run_dir, CLASS_COUNTS_FILE)):
            return True
        job_id, self.job_id = self.job_id, None
        raise SlurmJobError(
            f'Slurm job {job_id} of {self.run.run_dir} ended '
            f'({state or "no longer known to Slurm"}) without finishing the '
            'run; the next start of lt_benchmark.py continues it from its '
            f'last checkpoint. {_output_tail(self.run.run_dir, job_id)}')

    def stop(self, timeout: float = 60) -> None:
        """Cancel the job (the run continues from its last checkpoint on the
        next start) and wait until Slurm has ended it."""
        if self.job_id is None:
            return
        subprocess.run(['scancel', self.job_id], capture_output=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and job_state(
                self.job_id) not in ENDED_STATES | {None}:
            time.sleep(0.5)
        self.job_id = None


def run_slurm_job(run_dir: str,
                  tools_dir: str,
                  poll_interval: float = 1) -> None:
    """The body of a run's job, on its node: the run's remaining commands as
    job steps, with the tools' Slurm launcher where the job has several
    tasks.

    Args:
        run_dir (str): The run's folder, which holds its ``slurm_job.json``.
        tools_dir (str): Where ``train.py`` and ``test.py`` are.
        poll_interval (float): Seconds between looks at the step.

    Raises:
        SlurmJobError: Where the job file names another job: the run is
            another job's.
    """
    job = read_job_file(osp.join(run_dir, JOB_FILE))
    own = os.environ.get('SLURM_JOB_ID')
    if job['job_id'] is not None and job['job_id'] != own:
        raise SlurmJobError(f'{run_dir} is the run of Slurm job '
                            f'{job["job_id"]}, not of this job ({own})')
    run = run_from_json(job['run'])
    run.record['cpu'] = cpu_name()  # the node's
    tasks = int(os.environ.get('SLURM_NTASKS', '1'))
    process = RunProcess(
        run,
        tools_dir,
        step=['srun', '--kill-on-bad-exit=1'],
        launcher=['--launcher', 'slurm'] if tasks > 1 else [])
    while not process.poll():
        time.sleep(poll_interval)


def slurm_runner(tools_dir: str,
                 options: SlurmOptions) -> Callable[[Run, None], SlurmRun]:
    """The ``start`` of :func:`~glmc_mm.benchmark.run_pool.run_all` that
    submits each run as a job."""

    def start(run: Run, slot: None) -> SlurmRun:
        return SlurmRun(run, tools_dir, options)

    return start
