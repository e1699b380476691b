# GLMC, ImageNet-LT, ResNeXt-50 32x4d (docs/method.md): q = 0.2,
# p = 1.0, lambda_c = 10. Paper: many 70.1, medium 52.4, few 30.4, all 56.3.
_base_ = [
    '../_base_/models/glmc_resnext50_32x4d.py',
    '../_base_/datasets/imagenet-lt_glmc.py',
    '../_base_/schedules/glmc_imagenet-lt_bs120_135e.py',
    '../_base_/glmc_runtime.py',
]
