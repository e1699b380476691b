# LDAM-DRW on Fashion-MNIST-LT: cosine logits, margins proportional to
# n_c ** (-1/4) (largest 0.5), scale 30; class-balanced weights (effective
# number, beta 0.9999) from epoch 24 of 30 (160 of 200, scaled).
_base_ = ['./ce_resnet32-w16_1xb64-30e_fashion-mnist-lt.py']
model = dict(
    head=dict(
        type='NormLinearClsHead',
        loss=dict(type='LDAMLoss', max_margin=0.5, scale=30.0)))
custom_hooks = [
    *_base_.custom_hooks,
    dict(type='DeferredReweightingHook', start_epoch=24, beta=0.9999),
]
