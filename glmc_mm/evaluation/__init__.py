from .metrics import LongTailAccuracy
from .shot_groups import (CONVENTIONS, SHOT_GROUPS, shot_group_options,
                          shot_groups)

__all__ = [
    'CONVENTIONS', 'LongTailAccuracy', 'SHOT_GROUPS', 'shot_group_options',
    'shot_groups'
]
