from .glmc_classifier import GLMCClassifier

__all__ = ['GLMCClassifier']
