from .balanced_softmax_loss import BalancedSoftmaxLoss
from .glmc_consistency_loss import GLMCConsistencyLoss
from .ldam_loss import LDAMLoss

__all__ = ['BalancedSoftmaxLoss', 'GLMCConsistencyLoss', 'LDAMLoss']
