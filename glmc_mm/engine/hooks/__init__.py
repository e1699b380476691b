from .atomic_checkpoint_hook import AtomicCheckpointHook, checkpoint_problem
from .class_counts_hook import ClassCountsHook
from .cumulative_learning_hook import CumulativeLearningHook
from .deferred_reweighting_hook import (DeferredReweightingHook,
                                        effective_number_weights)
from .max_norm_hook import MaxNormHook
from .non_finite_loss_hook import NonFiniteLossHook
from .per_class_accuracy_hook import PerClassAccuracyHook
from .random_state_hook import RandomStateHook
from .strict_load_hook import StrictLoadHook
from .thread_settling_hook import ThreadSettlingHook

__all__ = [
    'AtomicCheckpointHook', 'ClassCountsHook', 'CumulativeLearningHook',
    'DeferredReweightingHook', 'MaxNormHook', 'NonFiniteLossHook',
    'PerClassAccuracyHook', 'RandomStateHook', 'StrictLoadHook',
    'ThreadSettlingHook', 'checkpoint_problem', 'effective_number_weights'
]
