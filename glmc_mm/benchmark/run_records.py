"""The small JSON files a benchmark run keeps, read and checked before use.

``lt_benchmark.py`` trusts none of them as they are: each is parsed and
its keys' types and shapes are checked, so that a file cut short (a kill
mid-write of a tool other than this one, a copy that stopped) or edited
by hand stops the tool with a :class:`RunRecordError` naming the file, the
key, what it holds and what was expected, before the value is used.
"""
import json
import numbers
import os.path as osp
from typing import List

from ..utils.value_checks import check_number

SEGMENT_KINDS = ('train', 'test')


class RunRecordError(ValueError):
    """A file a run keeps is damaged: not JSON, or a key of the wrong type
    or shape."""


def _shown(value) -> str:
    """``value`` as the message shows it: its repr, cut to 60 characters,
    and its JSON type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + '...'
    kind = {
        dict: 'object',
        list: 'array',
        str: 'string',
        bool: 'boolean',
        type(None): 'null'
    }.get(type(value), 'number')
    return f'{text} ({kind})'


def record_error(path: str, key: str, expected: str, value,
                 remedy: str) -> RunRecordError:
    """The error for ``key`` of the file ``path``, which holds ``value``
    where ``expected`` was expected; ``remedy`` says what to do."""
    return RunRecordError(f'{path}: {key} must be {expected}, got '
                          f'{_shown(value)}; {remedy}')


def run_remedy(run_dir: str) -> str:
    """What to do with a damaged record of the run folder ``run_dir``: move
    the folder away, so that the next start runs the run again."""
    return (f'move {osp.abspath(run_dir)} away (or delete it) and the next '
            'start of lt_benchmark.py runs it again')


def read_json(path: str, remedy: str) -> dict:
    """The JSON object in ``path``.

    Raises:
        RunRecordError: Where the file is not JSON (e.g. cut short) or
            holds something else than an object.
    """
    with open(path, 'rb') as f:
        data = f.read()
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError as error:
        raise RunRecordError(
            f'{path} is not valid JSON ({error.msg}: line {error.lineno} '
            f'column {error.colno} of its {len(data)} bytes; it was cut '
            f'short or damaged); {remedy}') from None
    except UnicodeDecodeError as error:
        raise RunRecordError(f'{path} is not UTF-8 text ({error.reason} at '
                             f'byte {error.start}); {remedy}') from None
    if not isinstance(parsed, dict):
        raise record_error(path, 'the whole file', 'a JSON object', parsed,
                           remedy)
    return parsed


def read_json_lines(path: str,
                    remedy: str,
                    cut_end: bool = False) -> List[dict]:
    """The JSON objects of ``path``, one a line (MMEngine's logs).

    Args:
        path (str): The file.
        remedy (str): What to do about a damaged line.
        cut_end (bool): Skip a last line that is not JSON and has no line
            end: a writer killed mid-line (a training run's
            ``scalars.json``, which MMEngine appends to line by line).

    Raises:
        RunRecordError: Naming the line that is not a JSON object.
    """
    with open(path, 'rb') as f:
        lines = f.read().split(b'\n')
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            if cut_end and number == len(lines):
                continue  # the last line, with no line end: cut short
            reason = getattr(error, 'msg', None) or error.reason
            raise RunRecordError(
                f'{path}, line {number}: not a JSON record ({reason}); '
                f'{remedy}') from None
        if not isinstance(record, dict):
            raise record_error(path, f'line {number}', 'a JSON object', record,
                               remedy)
        records.append(record)
    return records


def _number(path: str, key: str, value, remedy: str, **bounds):
    """``value`` checked as :func:`check_number` checks it, as a
    :class:`RunRecordError`."""
    try:
        return check_number(path, key, value, **bounds)
    except (TypeError, ValueError) as error:
        raise RunRecordError(f'{error}; {remedy}') from None


def _strings(path: str, key: str, value, remedy: str) -> None:
    if not isinstance(value, list) or not all(
            isinstance(v, str) for v in value):
        raise record_error(path, key, 'a list of strings', value, remedy)


def check_run_record(record: dict, path: str) -> dict:
    """Check a ``benchmark_run.json``: what :func:`plan_run` writes.

    Raises:
        RunRecordError: Naming the key.
    """
    remedy = run_remedy(osp.dirname(path))
    for key in ('seed', 'epochs', 'intra_op_threads'):
        if key not in record:
            raise RunRecordError(f'{path}: no {key}; {remedy}')
        _number(
            path,
            key,
            record[key],
            remedy,
            integer=True,
            minimum=0 if key == 'seed' else 1)
    for key in ('config', 'work_dir', 'cpu'):  # the last two may be absent
        if (key == 'config'
                or key in record) and not isinstance(record.get(key), str):
            raise record_error(path, key, 'a string', record.get(key), remedy)
    _strings(path, 'options', record.get('options'), remedy)
    resolved = record.get('resolved')
    if not isinstance(resolved, dict) or not all(
            isinstance(v, str) for v in resolved.values()):
        raise record_error(path, 'resolved',
                           'an object of config keys to strings', resolved,
                           remedy)
    return record


def check_wall_time(timing: dict, path: str) -> dict:
    """Check a ``wall_time.json``: ``{"segments": [[kind, seconds or null],
    ...]}``, ``kind`` ``"train"`` or ``"test"``.

    Raises:
        RunRecordError: Naming the segment.
    """
    remedy = run_remedy(osp.dirname(path))
    segments = timing.get('segments')
    if not isinstance(segments, list):
        raise record_error(path, 'segments', 'a list', segments, remedy)
    for index, segment in enumerate(segments):
        key = f'segments[{index}]'
        if not isinstance(segment, list) or len(segment) != 2:
            raise record_error(path, key, '[kind, seconds]', segment, remedy)
        if segment[0] not in SEGMENT_KINDS:
            raise record_error(path, f'{key}[0]', '"train" or "test"',
                               segment[0], remedy)
        if segment[1] is not None:
            _number(path, f'{key}[1] (seconds)', segment[1], remedy, minimum=0)
    return timing


def check_class_counts(counts: dict, path: str) -> tuple:
    """Check a ``class_counts.json``: ``{"class_counts": [n, ...],
    "classes": [name, ...] or null}``, as many names as counts.

    Returns:
        tuple: ``(class_counts, classes)``.

    Raises:
        RunRecordError: Naming the key.
    """
    remedy = run_remedy(osp.dirname(path))
    values = counts.get('class_counts')
    if not isinstance(values, list) or not values or not all(
            isinstance(n, numbers.Integral) and not isinstance(n, bool)
            and n >= 0 for n in values):
        raise record_error(path, 'class_counts',
                           'a non-empty list of integers >= 0', values, remedy)
    classes = counts.get('classes')
    if classes is not None:
        _strings(path, 'classes', classes, remedy)
        if len(classes) != len(values):
            raise RunRecordError(
                f'{path}: classes names {len(classes)} classes and '
                f'class_counts holds {len(values)} counts; they must be as '
                f'many; {remedy}')
    return values, classes


def check_metrics(metrics: dict, path: str, remedy: str) -> dict:
    """Check test or validation metrics of :class:`LongTailAccuracy`: every
    ``lt/`` value a percentage, ``lt/per_class`` a list of percentages or
    null (a class without test images).

    Raises:
        RunRecordError: Naming the key.
    """
    for key, value in metrics.items():
        if key == 'lt/per_class':
            if not isinstance(value, list) or not value or not all(
                    a is None or (isinstance(a, numbers.Real) and
                                  not isinstance(a, bool) and 0 <= a <= 100)
                    for a in value):
                raise record_error(
                    path, key,
                    'a non-empty list of percentages (0 to 100) or null',
                    value, remedy)
        elif key.startswith('lt/'):
            _number(path, key, value, remedy, minimum=0, maximum=100)
    return metrics
