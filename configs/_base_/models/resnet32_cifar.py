# MMPretrain's ImageClassifier with the authors' CIFAR ResNet-32 (width
# 64-128-256, D = 256) and a linear classifier: the backbone of the GLMC
# CIFAR configs, for the baselines.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CIFARResNet', depth=32, base_channels=64),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=256,
        loss=dict(type='CrossEntropyLoss')))
