from .class_counts_hook import ClassCountsHook
from .cumulative_learning_hook import CumulativeLearningHook
from .max_norm_hook import MaxNormHook

__all__ = ['ClassCountsHook', 'CumulativeLearningHook', 'MaxNormHook']
