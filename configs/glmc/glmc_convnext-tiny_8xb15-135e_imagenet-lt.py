# GLMC on MMPretrain's ConvNeXt-T, ImageNet-LT: the ConvNeXt backbone pools
# and normalises its last stage itself (768-d feature), so there is no neck.
_base_ = ['./glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py']
model = dict(
    backbone=dict(
        _delete_=True,
        type='ConvNeXt',
        arch='tiny',
        drop_path_rate=0.1,
        gap_before_final_norm=True),
    neck=None,
    head=dict(in_channels=768))
