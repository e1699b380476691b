from .checked_model import get_checked_model, load_checked_checkpoint
from .long_tail_inferencer import LongTailInferencer
from .model_index import MODEL_INDEX, register_glmc_models

__all__ = [
    'LongTailInferencer', 'MODEL_INDEX', 'get_checked_model',
    'load_checked_checkpoint', 'register_glmc_models'
]
