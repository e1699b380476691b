"""Why the images of a label list are missing: a character in a path that
an editor does not show, or a root that does not hold them."""
import os
import os.path as osp
import unicodedata
from typing import List, Optional, Sequence

MOST_SHOWN = 3
# subfolders of the root tried as the root the list's paths start from
MOST_SUBFOLDERS = 50


def invisible_characters(path: str) -> str:
    """What ``path`` holds that an editor does not show: control, format
    and space characters other than ``' '``, and a space at either end.

    Args:
        path (str): A path as the list gives it.

    Returns:
        str: Their description (``"holds U+200B (ZERO WIDTH SPACE), which
        an editor does not show"``, ``"ends with a space"``), or ``''``.
    """
    characters = [
        f'U+{ord(char):04X} ({unicodedata.name(char, "unnamed")})'
        for char in dict.fromkeys(path)
        if char != ' ' and unicodedata.category(char)[0] in 'CZ'
    ]
    found = [f'holds {", ".join(characters)}, which an editor does not show'
             ] if characters else []
    if path.startswith(' '):
        found.append('starts with a space')
    if path.endswith(' '):
        found.append('ends with a space')
    return ' and '.join(found)


def visible_path(path: str) -> str:
    """``path`` as an editor shows it: format and control characters
    dropped, other spaces made ``' '``, no space at either end."""
    kept = []
    for char in path:
        category = unicodedata.category(char)
        if category[0] == 'Z':
            kept.append(' ')
        elif category[0] != 'C':
            kept.append(char)
    return ''.join(kept).strip(' ')


def candidate_roots(root: str, data_root: Optional[str]) -> List[str]:
    """Folders to try as the root of a list whose paths do not exist under
    ``root``: ``data_root`` (without ``data_prefix``), the two folders
    above ``root`` and its subfolders."""
    root = osp.normpath(root)
    candidates = [osp.normpath(data_root)] if data_root else []
    candidates += [osp.dirname(root), osp.dirname(osp.dirname(root))]
    if osp.isdir(root):
        candidates += sorted(
            entry.path for entry in os.scandir(root)
            if entry.is_dir())[:MOST_SUBFOLDERS]
    return [
        path for path in dict.fromkeys(candidates)
        if path != root and osp.isdir(path)
    ]


def _other_root(root: str, data_root: Optional[str],
                missing: Sequence[str]) -> Optional[str]:
    """Where the ``missing`` listed paths exist instead, if anywhere."""
    for candidate in candidate_roots(root, data_root):
        if not any(
                osp.isfile(osp.join(candidate, path))
                for path in missing[:MOST_SHOWN]):
            continue
        found = sum(osp.isfile(osp.join(candidate, path)) for path in missing)
        share = f'all {found}' if found == len(missing) else (
            f'{found} of the {len(missing)}')
        return f'{share} exist under {candidate!r}'
    return None


def missing_files_message(ann_file: str, root: str, data_root: Optional[str],
                          listed: Sequence[str],
                          missing: Sequence[str]) -> str:
    """The error for the listed images that do not exist: how many, a few
    of them (as ``repr``, which shows every character), the characters of
    their paths that an editor does not show, and another root that holds
    them, where there is one.

    Args:
        ann_file (str): The list.
        root (str): The folder its paths start from (``data_root`` joined
            with ``data_prefix``).
        data_root (str, optional): The dataset's ``data_root``.
        listed (Sequence[str]): Every path of the list, as written there.
        missing (Sequence[str]): Those that do not exist under ``root``.

    Returns:
        str: The message.
    """
    if len(missing) == len(listed):
        head = (f'none of the {len(listed)} images listed in {ann_file} '
                f'exists under {root!r}')
    else:
        head = (f'{len(missing)} of the {len(listed)} images listed in '
                f'{ann_file} do not exist under {root!r}')
    examples = ', '.join(
        repr(osp.join(root, path)) for path in missing[:MOST_SHOWN])
    parts = [f'{head}, e.g. {examples}']
    hidden = [path for path in missing if invisible_characters(path)]
    for path in hidden[:MOST_SHOWN]:
        part = f'{path!r} {invisible_characters(path)}'
        if osp.isfile(osp.join(root, visible_path(path))):
            part += f'; {visible_path(path)!r} exists'
        parts.append(part)
    if len(hidden) > MOST_SHOWN:
        parts.append(f'{len(hidden) - MOST_SHOWN} more missing paths hold '
                     'such characters or spaces')
    elsewhere = _other_root(root, data_root, missing)
    if elsewhere is not None:
        parts.append(elsewhere)
    return ('; '.join(parts) + ' (check data_root and data_prefix; '
            'check_files=False skips this check)')
