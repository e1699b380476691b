"""A list in an error message, cut after its first few items."""
from typing import Sequence


def shortened(items: Sequence[str],
              limit: int = 10,
              separator: str = ', ') -> str:
    """The first ``limit`` of ``items`` joined by ``separator``, then
    ``' and N more'`` for the rest, if any.

    Args:
        items (Sequence[str]): What to list.
        limit (int): How many to show. Defaults to 10.
        separator (str): Between two items. Defaults to ``', '``.
    """
    more = f' and {len(items) - limit} more' if len(items) > limit else ''
    return separator.join(items[:limit]) + more
