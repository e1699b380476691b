from .atomic_checkpoint_hook import AtomicCheckpointHook, checkpoint_problem
from .class_counts_hook import ClassCountsHook
from .class_match_hook import ClassMatchHook, class_mismatch
from .cumulative_learning_hook import CumulativeLearningHook, fc_cb_epochs
from .deferred_reweighting_hook import (DeferredReweightingHook,
                                        effective_number_weights)
from .image_file_check_hook import ImageFileCheckHook, image_file_problem
from .max_norm_hook import MaxNormHook
from .non_finite_loss_hook import NonFiniteLossHook
from .non_finite_prediction_hook import NonFinitePredictionHook
from .per_class_accuracy_hook import PerClassAccuracyHook
from .random_state_hook import RandomStateHook
from .rank_heartbeat_hook import RankHeartbeatHook
from .resume_check_hook import ResumeCheckHook
from .strict_load_hook import StrictLoadHook
from .thread_settling_hook import ThreadSettlingHook

__all__ = [
    'AtomicCheckpointHook', 'ClassCountsHook', 'ClassMatchHook',
    'CumulativeLearningHook', 'DeferredReweightingHook', 'ImageFileCheckHook',
    'MaxNormHook', 'NonFiniteLossHook', 'NonFinitePredictionHook',
    'PerClassAccuracyHook', 'RandomStateHook', 'RankHeartbeatHook',
    'ResumeCheckHook', 'StrictLoadHook', 'ThreadSettlingHook',
    'checkpoint_problem', 'class_mismatch', 'effective_number_weights',
    'fc_cb_epochs', 'image_file_problem'
]
