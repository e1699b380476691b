# CE + MixUp on Fashion-MNIST-LT: the CE baseline with MMPretrain's Mixup
# batch augment (alpha 1) and soft targets.
_base_ = ['./ce_resnet32-w16_1xb64-30e_fashion-mnist-lt.py']
model = dict(
    head=dict(loss=dict(type='CrossEntropyLoss', use_soft=True)),
    train_cfg=dict(augments=dict(type='Mixup', alpha=1.0)))
