from .rebalanced_batch_sampler import RebalancedBatchSampler

__all__ = ['RebalancedBatchSampler']
