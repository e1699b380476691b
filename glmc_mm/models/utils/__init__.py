from .glmc_cutmix import GLMCCutMix
from .glmc_data_preprocessor import GLMCDataPreprocessor

__all__ = ['GLMCCutMix', 'GLMCDataPreprocessor']
