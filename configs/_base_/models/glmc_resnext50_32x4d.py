# GLMC with MMPretrain's ResNeXt-50 32x4d (D = 2048) and the reference's
# single-linear projection (2048 -> 256) and prediction (256 -> 256) heads.
model = dict(
    type='GLMCClassifier',
    channels_last=True,  # NHWC convolutions (docs/speed.md)
    backbone=dict(
        type='ResNeXt',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        groups=32,
        width_per_group=4,
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='GLMCHead',
        num_classes=1000,
        in_channels=2048,
        proj_channels=256,
        loss=dict(type='CrossEntropyLoss', use_soft=True),
        consistency_loss=dict(type='GLMCConsistencyLoss', loss_weight=10.0),
        predict_with='fc_cb'))
