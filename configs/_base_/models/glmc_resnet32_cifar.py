# GLMC with the reference's CIFAR ResNet-32 (width 64-128-256, D = 256) and
# single-linear projection (256 -> 128) and prediction (128 -> 128) heads.
model = dict(
    type='GLMCClassifier',  # two B-image passes per step, as the authors
    channels_last=True,  # NHWC convolutions (docs/speed.md)
    backbone=dict(type='CIFARResNet', depth=32, base_channels=64),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='GLMCHead',
        num_classes=10,
        in_channels=256,
        proj_channels=128,
        loss=dict(type='CrossEntropyLoss', use_soft=True),
        consistency_loss=dict(type='GLMCConsistencyLoss', loss_weight=1.0),
        predict_with='fc_cb'))
