"""Read what a finished MMEngine run left in its work dir.

Every file is checked as it is read (:mod:`.run_records`): a line that is
not a JSON object, or a metric of the wrong type, raises a
:class:`~.run_records.RunRecordError` naming the file, the line or key and
``remedy``, what to do about it.
"""
import glob
import os.path as osp
import statistics
from typing import Dict, List, Optional, Tuple

from .run_records import check_metrics, read_json_lines, record_error

DAMAGED = 'it is not as MMEngine wrote it (cut short or edited)'


def latest_test_record(work_dir: str,
                       key: str = 'lt/top1',
                       remedy: str = DAMAGED) -> Optional[Tuple[str, dict]]:
    """The metrics of the newest test run in ``work_dir`` and the file that
    holds them.

    MMEngine's ``LoggerHook`` writes them, non-scalar ones such as
    ``lt/per_class`` included, to ``<work_dir>/<timestamp>/<timestamp>.json``.

    Args:
        work_dir (str): The work dir of ``tools/test.py``.
        key (str): A key the metrics must hold. Defaults to ``'lt/top1'``.
        remedy (str): What a damaged file's error says to do.

    Returns:
        tuple | None: ``(file, metrics)``, or None when no test run is
        there.

    Raises:
        RunRecordError: Where the newest file is not JSON records or holds
            metrics of the wrong type.
    """
    for path in sorted(
            glob.glob(osp.join(work_dir, '*', '*.json')), reverse=True):
        for record in reversed(read_json_lines(path, remedy)):
            if key in record:
                return path, check_metrics(record, path, remedy)
    return None


def latest_test_metrics(work_dir: str,
                        key: str = 'lt/top1',
                        remedy: str = DAMAGED) -> Optional[dict]:
    """The metrics of :func:`latest_test_record`, or None."""
    found = latest_test_record(work_dir, key, remedy)
    return None if found is None else found[1]


def _scalar_files(work_dir: str) -> List[str]:
    """Every ``<timestamp>/vis_data/scalars.json`` of ``work_dir``, oldest
    first."""
    return sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))


def _scalars(path: str, remedy: str) -> List[dict]:
    """The records of a ``scalars.json``: a last line that a killed run cut
    short is left out."""
    return read_json_lines(path, remedy, cut_end=True)


def training_scalars(work_dir: str, remedy: str = DAMAGED) -> List[dict]:
    """Every record of the newest training run's ``vis_data/scalars.json``.

    Args:
        work_dir (str): The work dir of ``tools/train.py``.
        remedy (str): What a damaged file's error says to do.
    """
    paths = _scalar_files(work_dir)
    if not paths:
        raise FileNotFoundError(f'no */vis_data/scalars.json in {work_dir}')
    return _scalars(paths[-1], remedy)


def validation_history(work_dir: str,
                       key: str = 'lt/top1',
                       remedy: str = DAMAGED) -> Dict[int, dict]:
    """Every validation of a training run, resumed ones included: the
    records holding ``key`` in each ``<timestamp>/vis_data/scalars.json``
    of ``work_dir``, by epoch (MMEngine's ``step`` of a validation); where
    a resumed run validated an epoch again, the newer record is kept.

    Args:
        work_dir (str): The work dir of ``tools/train.py``.
        key (str): A key a validation record holds. Defaults to
            ``'lt/top1'``.
        remedy (str): What a damaged file's error says to do.
    """
    history: Dict[int, dict] = {}
    for path in _scalar_files(work_dir):
        for record in _scalars(path, remedy):
            if key in record:
                step = record.get('step')
                if isinstance(step, bool) or not isinstance(step, int) \
                        or step < 0:
                    raise record_error(path, f'step of a record with {key}',
                                       'an integer >= 0', step, remedy)
                history[step] = check_metrics(record, path, remedy)
    return dict(sorted(history.items()))


def median_iteration_time(work_dir: str,
                          remedy: str = DAMAGED) -> Optional[float]:
    """The median of the training iteration times that MMEngine logged
    (the ``time`` of each training record, which holds ``lr``, in every
    ``<timestamp>/vis_data/scalars.json`` of ``work_dir``, resumed runs
    included), in seconds: unlike a run's wall time, it barely moves when
    another process takes the CPU for a while.

    Args:
        work_dir (str): The work dir of ``tools/train.py``.
        remedy (str): What a damaged file's error says to do.

    Returns:
        float | None: The median, or None when nothing was logged.
    """
    times = []
    for path in _scalar_files(work_dir):
        for record in _scalars(path, remedy):
            if 'lr' in record and 'time' in record:
                time = record['time']
                if isinstance(
                        time,
                        bool) or not isinstance(time,
                                                (int, float)) or not time >= 0:
                    raise record_error(path, 'time of a training record',
                                       'a number of seconds >= 0', time,
                                       remedy)
                times.append(time)
    return statistics.median(times) if times else None
