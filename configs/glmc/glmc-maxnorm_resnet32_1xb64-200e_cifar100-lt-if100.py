# GLMC + MaxNorm (docs/method.md), CIFAR-100-LT, IF 100: the GLMC config plus
# projected gradient descent on fc_cb's rows. Updated result 58.41 top-1.
_base_ = ['./glmc_resnet32_1xb64-200e_cifar100-lt-if100.py']
custom_hooks = [*_base_.custom_hooks, dict(type='MaxNormHook', thresh=0.1)]
