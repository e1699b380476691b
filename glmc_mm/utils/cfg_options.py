"""Refuse a ``--cfg-options`` key that nothing reads once the config file
is parsed.

MMEngine's ``Config.merge_from_dict`` sets any dotted key. A config file's
own variables (``data_root``, ``dataset_type``, ``train_pipeline``) stay in
the config as top-level keys, but they are read only while the file is
parsed: the fields built from them already hold their values, so setting
them from the command line changes nothing, and the run trains on the
file's data. A top-level key that the config does not have is read by
nothing either. The keys read after parsing are the runners' arguments
(``Runner.from_cfg``: ``model``, ``work_dir``, ``train_dataloader``, ...,
``env_cfg``, ``randomness``), what MMEngine's runner reads from its config
besides (``model_wrapper_cfg``, ``compile``, ...), ``runner_type`` (the
train and test tools) and ``tta_model``/``tta_pipeline`` (MMPretrain's
``tools/test.py --tta``).
"""
import inspect
from typing import Iterator, List, Mapping, Optional, Tuple

from mmengine.config import Config
from mmengine.runner import FlexibleRunner, Runner

# read from the config besides the runners' arguments
OTHER_READ_KEYS = ('runner_type', 'model_wrapper_cfg', 'sync_bn',
                   'find_unused_parameters', 'activation_checkpointing',
                   'efficient_conv_bn_eval', 'compile', 'tta_model',
                   'tta_pipeline')
READ_KEYS = frozenset(
    name for runner in (Runner, FlexibleRunner)
    for name in inspect.signature(runner.__init__).parameters
    if name not in ('self', 'cfg')) | frozenset(OTHER_READ_KEYS)
MOST_SHOWN = 6


def _fields(value, path: str) -> Iterator[Tuple[str, object]]:
    """``(dotted path, value)`` of ``value`` and of everything inside it."""
    yield path, value
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _fields(item, f'{path}.{key}')
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _fields(item, f'{path}.{index}')


def fields_for(cfg: Config, key: str) -> List[str]:
    """Where in the read part of ``cfg`` an option ``key`` probably
    belongs: the fields whose dotted path ends with ``key`` (``max_epochs``:
    ``train_cfg.max_epochs``), then, where ``key`` starts with a variable
    of the file that holds a string, a list or a dict, the fields that hold
    the same value, followed by the rest of ``key`` (``dataset_type``:
    ``train_dataloader.dataset.type``).

    Args:
        cfg (Config): The config before the options are merged.
        key (str): The option's dotted key.

    Returns:
        list[str]: The dotted paths, the name matches first.
    """
    fields = [
        field for name in cfg if name in READ_KEYS
        for field in _fields(cfg[name], name)
    ]
    found = [path for path, _ in fields if path.endswith(f'.{key}')]
    head, _, rest = key.partition('.')
    variable = cfg.get(head)
    if isinstance(variable, (str, list, tuple, Mapping)) and variable:
        found += [
            f'{path}.{rest}' if rest else path for path, value in fields
            if value == variable
        ]
    return list(dict.fromkeys(found))


def _listed(paths: List[str]) -> str:
    shown = ', '.join(paths[:MOST_SHOWN])
    if len(paths) > MOST_SHOWN:
        shown += f' and {len(paths) - MOST_SHOWN} more'
    return shown


def unread_option_problem(cfg: Config, key: str, value) -> Optional[str]:
    """Why the option ``key=value`` would change nothing in a run of
    ``cfg``, or None where something reads it.

    Args:
        cfg (Config): The config before the options are merged.
        key (str): The option's dotted key.
        value: The option's value.

    Returns:
        str | None: The problem, naming the option, the file and the
        fields where it probably belongs.
    """
    head = key.split('.')[0]
    if head in READ_KEYS:
        return None
    option = f'--cfg-options {key}={value}'
    source = cfg.filename or 'the config'
    fields = fields_for(cfg, key)
    if head in cfg:
        problem = (f'{option}: {head} is a variable of {source}, read only '
                   'while the file is parsed; nothing reads it afterwards, '
                   'so setting it changes nothing.')
        if fields:
            return (f'{problem} Set the fields that use it instead: '
                    f'{_listed(fields)}; or edit {head} in the config file.')
        return f'{problem} Edit {head} in the config file instead.'
    problem = (f'{option}: the config has no top-level {head} and nothing '
               'reads one')
    if fields:
        return f'{problem}; did you mean {_listed(fields)}?'
    return (f'{problem}; the top-level keys that are read are '
            f'{", ".join(sorted(READ_KEYS))}.')


def check_cfg_options(cfg: Config, options: Mapping) -> None:
    """Refuse ``--cfg-options`` that would change nothing in a run of
    ``cfg`` (see the module's description), all of them in one error.

    Args:
        cfg (Config): The config before the options are merged.
        options (Mapping): The parsed ``--cfg-options`` (``DictAction``).

    Raises:
        ValueError: naming each such option, the config file and where
            the option probably belongs.
    """
    problems = [
        problem for key, value in options.items()
        if (problem := unread_option_problem(cfg, key, value)) is not None
    ]
    if problems:
        raise ValueError('\n'.join(problems))
