from .shot_groups import SHOT_GROUPS, shot_groups

__all__ = ['SHOT_GROUPS', 'shot_groups']
