"""Read what a finished MMEngine run left in its work dir."""
import glob
import json
import os.path as osp
import statistics
from typing import Dict, List, Optional


def latest_test_metrics(work_dir: str, key: str = 'lt/top1') -> Optional[dict]:
    """The metrics of the newest test run in ``work_dir``.

    MMEngine's ``LoggerHook`` writes them, non-scalar ones such as
    ``lt/per_class`` included, to ``<work_dir>/<timestamp>/<timestamp>.json``.

    Args:
        work_dir (str): The work dir of ``tools/test.py``.
        key (str): A key the metrics must hold. Defaults to ``'lt/top1'``.

    Returns:
        dict | None: The metrics, or None when no test run is there.
    """
    for path in sorted(
            glob.glob(osp.join(work_dir, '*', '*.json')), reverse=True):
        with open(path) as f:
            lines = [json.loads(line) for line in f if line.strip()]
        for record in reversed(lines):
            if key in record:
                return record
    return None


def training_scalars(work_dir: str) -> List[dict]:
    """Every record of the newest training run's ``vis_data/scalars.json``.

    Args:
        work_dir (str): The work dir of ``tools/train.py``.
    """
    paths = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not paths:
        raise FileNotFoundError(f'no */vis_data/scalars.json in {work_dir}')
    with open(paths[-1]) as f:
        return [json.loads(line) for line in f if line.strip()]


def validation_history(work_dir: str, key: str = 'lt/top1') -> Dict[int, dict]:
    """Every validation of a training run, resumed ones included: the
    records holding ``key`` in each ``<timestamp>/vis_data/scalars.json``
    of ``work_dir``, by epoch (MMEngine's ``step`` of a validation); where
    a resumed run validated an epoch again, the newer record is kept.

    Args:
        work_dir (str): The work dir of ``tools/train.py``.
        key (str): A key a validation record holds. Defaults to
            ``'lt/top1'``.
    """
    history: Dict[int, dict] = {}
    for path in sorted(
            glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            for line in f:
                record = json.loads(line) if line.strip() else {}
                if key in record:
                    history[int(record['step'])] = record
    return dict(sorted(history.items()))


def median_iteration_time(work_dir: str) -> Optional[float]:
    """The median of the training iteration times that MMEngine logged
    (the ``time`` of each training record, which holds ``lr``, in every
    ``<timestamp>/vis_data/scalars.json`` of ``work_dir``, resumed runs
    included), in seconds: unlike a run's wall time, it barely moves when
    another process takes the CPU for a while.

    Args:
        work_dir (str): The work dir of ``tools/train.py``.

    Returns:
        float | None: The median, or None when nothing was logged.
    """
    times = []
    for path in glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')):
        with open(path) as f:
            records = [json.loads(line) for line in f if line.strip()]
        times += [r['time'] for r in records if 'lr' in r and 'time' in r]
    return statistics.median(times) if times else None
