from .glmc_consistency_loss import GLMCConsistencyLoss

__all__ = ['GLMCConsistencyLoss']
