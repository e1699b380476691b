# CE + MixUp (Zhang et al., ICLR 2018) on CIFAR-10-LT IF 100: the CE
# baseline with MMPretrain's Mixup batch augment (alpha 1) and soft targets.
_base_ = ['./ce_resnet32_1xb64-200e_cifar10-lt-if100.py']
model = dict(
    head=dict(loss=dict(type='CrossEntropyLoss', use_soft=True)),
    train_cfg=dict(augments=dict(type='Mixup', alpha=1.0)))
