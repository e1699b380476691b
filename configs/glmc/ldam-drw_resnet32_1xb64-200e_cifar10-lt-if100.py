# LDAM-DRW (Cao et al., NeurIPS 2019) on CIFAR-10-LT IF 100: cosine logits,
# margins proportional to n_c ** (-1/4) (largest 0.5), scale 30; class-
# balanced weights (effective number, beta 0.9999) from epoch 160 of 200.
_base_ = ['./ce_resnet32_1xb64-200e_cifar10-lt-if100.py']
model = dict(
    head=dict(
        type='NormLinearClsHead',
        loss=dict(type='LDAMLoss', max_margin=0.5, scale=30.0)))
custom_hooks = [
    *_base_.custom_hooks,
    dict(type='DeferredReweightingHook', start_epoch=160, beta=0.9999),
]
