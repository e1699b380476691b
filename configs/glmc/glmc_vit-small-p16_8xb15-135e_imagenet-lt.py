# GLMC on MMPretrain's ViT-S/16 (DeiT-S shape), ImageNet-LT: the class token
# (384-d) feeds the GLMC head; no neck.
_base_ = ['./glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py']
model = dict(
    channels_last=False,  # one convolution (the patch embedding): no gain
    backbone=dict(
        _delete_=True,
        type='VisionTransformer',
        arch='deit-small',
        img_size=224,
        patch_size=16,
        drop_path_rate=0.1,
        out_type='cls_token'),
    neck=None,
    head=dict(in_channels=384))
