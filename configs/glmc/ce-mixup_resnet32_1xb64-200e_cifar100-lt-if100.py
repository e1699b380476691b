# CE + MixUp (Zhang et al., ICLR 2018) on CIFAR-100-LT IF 100, as on
# CIFAR-10-LT (the config of the same name), on the CIFAR-100-LT baseline.
_base_ = ['./ce_resnet32_1xb64-200e_cifar100-lt-if100.py']
model = dict(
    head=dict(loss=dict(type='CrossEntropyLoss', use_soft=True)),
    train_cfg=dict(augments=dict(type='Mixup', alpha=1.0)))
