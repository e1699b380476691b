# LDAM-DRW on ImageNet-LT, as on CIFAR-10-LT (the config of the same name), on
# the ImageNet-LT baseline. Class-balanced weights from epoch 108 of 135 (160
# of 200, scaled).
_base_ = ['./ce_resnext50-32x4d_8xb15-135e_imagenet-lt.py']
model = dict(
    head=dict(
        type='NormLinearClsHead',
        loss=dict(type='LDAMLoss', max_margin=0.5, scale=30.0)))
custom_hooks = [
    *_base_.custom_hooks,
    dict(type='DeferredReweightingHook', start_epoch=108, beta=0.9999),
]
