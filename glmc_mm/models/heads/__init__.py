from .glmc_head import GLMCHead

__all__ = ['GLMCHead']
