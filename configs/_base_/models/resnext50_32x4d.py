# MMPretrain's ImageClassifier with ResNeXt-50 32x4d (D = 2048) and a
# linear classifier: the backbone of the GLMC ImageNet-LT config, for the
# baselines.
model = dict(
    type='ImageClassifier',
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
        type='LinearClsHead',
        num_classes=1000,
        in_channels=2048,
        loss=dict(type='CrossEntropyLoss')))
