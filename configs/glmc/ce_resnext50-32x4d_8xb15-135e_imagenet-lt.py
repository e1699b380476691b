# Plain cross-entropy baseline for GLMC on ImageNet-LT: the same ResNeXt-50
# 32x4d, data, augmentation, schedule and batch size (8 x 15), one view,
# uniform sampling, a linear classifier.
_base_ = [
    '../_base_/models/resnext50_32x4d.py',
    '../_base_/datasets/imagenet-lt.py',
    '../_base_/schedules/glmc_imagenet-lt_bs120_135e.py',
    '../_base_/lt_runtime.py',
]
