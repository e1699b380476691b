"""A work dir that already holds an earlier run's checkpoints: a new run
there is refused, or starts after the earlier run's files are moved aside.

MMEngine's runner writes ``epoch_<n>.pth`` and ``last_checkpoint`` straight
into the work dir (its logs go to a ``<timestamp>/`` folder of each run).
A second run into the same folder would overwrite some of the first run's
checkpoints, keep the others and repoint ``last_checkpoint``: one folder
mixing two runs. ``tools/train.py`` calls :func:`prepare_work_dir` before
it builds the runner.
"""
import glob
import os
import os.path as osp
import time
from typing import List, Optional

from mmengine.config import Config

LAST_CHECKPOINT = 'last_checkpoint'
PREVIOUS_PREFIX = 'previous_'
# where each launcher gives a process its global rank
RANK_VARIABLES = {
    'pytorch': 'RANK',
    'slurm': 'SLURM_PROCID',
    'mpi': 'OMPI_COMM_WORLD_RANK'
}


def previous_checkpoints(work_dir: str) -> List[str]:
    """The names of the checkpoints of an earlier run in ``work_dir``: its
    ``*.pth`` files and ``last_checkpoint``, sorted; none where it does not
    exist."""
    names = [
        osp.basename(path)
        for path in glob.glob(osp.join(glob.escape(work_dir), '*.pth'))
    ]
    if osp.isfile(osp.join(work_dir, LAST_CHECKPOINT)):
        names.append(LAST_CHECKPOINT)
    return sorted(names)


def launcher_rank(launcher: str) -> int:
    """This process's global rank as its launcher gives it, before the
    process group exists; 0 without a launcher."""
    variable = RANK_VARIABLES.get(launcher)
    return int(os.environ.get(variable, 0)) if variable else 0


def _moved_aside(path: str, work_dir: str) -> bool:
    """Whether :func:`move_previous_run` would move the file ``path``."""
    if '://' in path:  # a URL
        return False
    relative = osp.relpath(osp.abspath(path), osp.abspath(work_dir))
    top = relative.split(os.sep)[0]
    return top != os.pardir and not top.startswith(PREVIOUS_PREFIX)


def move_previous_run(work_dir: str) -> str:
    """Move everything in ``work_dir`` but the folders of earlier moves
    into a new ``work_dir/previous_<YYYYmmdd_HHMMSS>`` (renames, nothing
    copied or deleted).

    Returns:
        str: The folder the files went to.
    """
    stamp = time.strftime('%Y%m%d_%H%M%S')
    target = osp.join(work_dir, f'{PREVIOUS_PREFIX}{stamp}')
    number = 1
    while osp.exists(target):
        number += 1
        target = osp.join(work_dir, f'{PREVIOUS_PREFIX}{stamp}_{number}')
    names = [
        name for name in sorted(os.listdir(work_dir))
        if not name.startswith(PREVIOUS_PREFIX)
    ]
    os.mkdir(target)
    for name in names:
        os.rename(osp.join(work_dir, name), osp.join(target, name))
    return target


def prepare_work_dir(cfg: Config, restart: bool) -> Optional[str]:
    """Make sure that a training run of ``cfg`` does not mix with an earlier
    run in its work dir.

    A run that resumes (``cfg.resume``) continues the folder's run. Else,
    where ``cfg.work_dir`` holds checkpoints (:func:`previous_checkpoints`),
    the run is refused unless ``restart`` is set; then rank 0 moves the
    earlier run's files aside (:func:`move_previous_run`) and every rank
    trains from scratch. Every rank of a distributed run checks the same
    folder before the process group exists and so takes the same way; only
    rank 0 moves files (the others start the runner, whose process group
    waits for rank 0).

    Args:
        cfg (Config): The training config, with ``work_dir``,
            ``launcher``, ``resume`` and ``load_from`` final.
        restart (bool): Start over where the work dir holds a run.

    Returns:
        str | None: The folder the earlier run's files went to (rank 0), or
        None where nothing was moved.

    Raises:
        FileExistsError: for a work dir that holds checkpoints, without
            ``restart``, naming the folder and its checkpoints.
        ValueError: for ``restart`` with ``cfg.resume`` set, or where
            ``load_from`` names a file that the restart would move.
    """
    work_dir = cfg.work_dir
    if cfg.get('resume'):
        if restart:
            raise ValueError(
                f'--restart starts {work_dir} over, but the config sets '
                'resume=True: give one of them')
        return None
    found = previous_checkpoints(work_dir)
    if not found:
        return None
    if not restart:
        raise FileExistsError(
            f'the work dir {work_dir} holds the checkpoints of an earlier '
            f'run: {", ".join(found)}. A new run there would overwrite some '
            'of them and mix two runs in one folder. Pass --resume to '
            'continue that run, --restart to start over (its files move to '
            f'{osp.join(work_dir, PREVIOUS_PREFIX)}<time>/, nothing is '
            'deleted), or give another --work-dir.')
    load_from = cfg.get('load_from')
    if load_from and _moved_aside(load_from, work_dir):
        raise ValueError(
            f'load_from={load_from} lies in the work dir {work_dir}, whose '
            'files --restart moves aside: copy it elsewhere and load that '
            'copy, or give another --work-dir')
    if launcher_rank(cfg.get('launcher', 'none')) != 0:
        return None
    return move_previous_run(work_dir)
