# GLMC on MMPretrain's ResNet-50, ImageNet-LT: the ResNeXt-50 recipe with
# another backbone (2048-d feature, same heads).
_base_ = ['./glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py']
model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch'))
