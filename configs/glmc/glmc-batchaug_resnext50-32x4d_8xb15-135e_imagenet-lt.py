# GLMC, ImageNet-LT, ResNeXt-50 32x4d, as the config of the same name, with
# the photometric view augmentations on the batch, on the model's device
# (BatchPhotometricAugment in the preprocessor): the same random draws, half
# the dataloader workers' time per sample (docs/speed.md).
_base_ = [
    '../_base_/models/glmc_resnext50_32x4d.py',
    '../_base_/datasets/imagenet-lt_glmc-batchaug.py',
    '../_base_/schedules/glmc_imagenet-lt_bs120_135e.py',
    '../_base_/glmc_runtime.py',
]
