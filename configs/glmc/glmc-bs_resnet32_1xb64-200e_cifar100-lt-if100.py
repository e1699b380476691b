# GLMC + BS on CIFAR-100-LT IF 100, as on CIFAR-10-LT (the config of the same
# name), on the CIFAR-100-LT baseline.
_base_ = ['./glmc_resnet32_1xb64-200e_cifar100-lt-if100.py']
model = dict(
    head=dict(
        rebalanced_loss=dict(
            type='BalancedSoftmaxLoss', tau=1.0, use_soft=True)))
