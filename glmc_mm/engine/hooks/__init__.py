from .class_counts_hook import ClassCountsHook
from .cumulative_learning_hook import CumulativeLearningHook
from .deferred_reweighting_hook import (DeferredReweightingHook,
                                        effective_number_weights)
from .max_norm_hook import MaxNormHook

__all__ = [
    'ClassCountsHook', 'CumulativeLearningHook', 'DeferredReweightingHook',
    'MaxNormHook', 'effective_number_weights'
]
