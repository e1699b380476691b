# LDAM-DRW (Cao et al., NeurIPS 2019) on CIFAR-100-LT IF 100, as on
# CIFAR-10-LT (the config of the same name), on the CIFAR-100-LT baseline.
_base_ = ['./ce_resnet32_1xb64-200e_cifar100-lt-if100.py']
model = dict(
    head=dict(
        type='NormLinearClsHead',
        loss=dict(type='LDAMLoss', max_margin=0.5, scale=30.0)))
custom_hooks = [
    *_base_.custom_hooks,
    dict(type='DeferredReweightingHook', start_epoch=160, beta=0.9999),
]
