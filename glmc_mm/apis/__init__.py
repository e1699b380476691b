from .model_index import MODEL_INDEX, register_glmc_models

__all__ = ['MODEL_INDEX', 'register_glmc_models']
