from .metrics import LongTailAccuracy
from .shot_groups import SHOT_GROUPS, shot_groups

__all__ = ['LongTailAccuracy', 'SHOT_GROUPS', 'shot_groups']
