# GLMC + MaxNorm (docs/method.md), CIFAR-10-LT, IF 10: the GLMC config
# plus projected gradient descent on fc_cb's rows. Updated result 95.00 top-1.
_base_ = ['./glmc_resnet32_1xb64-200e_cifar10-lt-if10.py']
custom_hooks = [*_base_.custom_hooks, dict(type='MaxNormHook', thresh=0.1)]
