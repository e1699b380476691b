# Balanced Softmax (Ren et al., NeurIPS 2020) on CIFAR-100-LT IF 100, as on
# CIFAR-10-LT (the config of the same name), on the CIFAR-100-LT baseline.
_base_ = ['./ce_resnet32_1xb64-200e_cifar100-lt-if100.py']
model = dict(head=dict(loss=dict(type='BalancedSoftmaxLoss', tau=1.0)))
