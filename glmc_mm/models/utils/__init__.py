from .batch_photometric_augment import BatchPhotometricAugment
from .glmc_cutmix import GLMCCutMix
from .glmc_data_preprocessor import GLMCDataPreprocessor
from .torch_default_bias_init import TorchDefaultBiasInit
from .train_class_counts import (ClassCountsUser, attach_class_counts,
                                 model_num_classes, positive_class_counts,
                                 record_class_counts, recorded_class_counts)

__all__ = [
    'BatchPhotometricAugment', 'ClassCountsUser', 'GLMCCutMix',
    'GLMCDataPreprocessor', 'TorchDefaultBiasInit', 'attach_class_counts',
    'model_num_classes', 'positive_class_counts', 'record_class_counts',
    'recorded_class_counts'
]
