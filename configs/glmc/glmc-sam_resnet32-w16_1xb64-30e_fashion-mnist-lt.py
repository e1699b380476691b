# GLMC + SAM on Fashion-MNIST-LT: GLMC trained with sharpness-aware
# minimization (SAMOptimWrapper), rho = 0.05 (SAM's CIFAR value, and the
# GLMC + SAM re-run of Rangwani et al.), plain SAM, the ascent following the
# classification losses only, as in that re-run; two passes per iteration.
_base_ = ['./glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py']
optim_wrapper = dict(
    type='SAMOptimWrapper',
    rho=0.05,
    perturb_losses=['loss_balanced', 'loss_rebalanced'])
