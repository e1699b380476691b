# GLMC + MaxNorm on Fashion-MNIST-LT: the GLMC config plus projected gradient
# descent on fc_cb's rows.
_base_ = ['./glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py']
custom_hooks = [*_base_.custom_hooks, dict(type='MaxNormHook', thresh=0.1)]
