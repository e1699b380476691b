# Plain cross-entropy baseline for GLMC on CIFAR-10-LT IF 100: the same
# ResNet-32 (width 64), long-tailed subset, schedule and batch size (64), one
# augmented view, uniform sampling, a linear classifier.
_base_ = ['./glmc_resnet32_1xb64-200e_cifar10-lt-if100.py']
model = dict(
    _delete_=True,
    type='ImageClassifier',
    backbone=dict(type='CIFARResNet', depth=32, base_channels=64),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=256,
        loss=dict(type='CrossEntropyLoss')))
data_preprocessor = dict(
    _delete_=True,
    type='ClsDataPreprocessor',
    num_classes=10,
    mean=[125.307, 122.961, 113.8575],
    std=[62.993, 62.089, 66.705],
    to_rgb=False)
train_dataloader = dict(
    batch_sampler=None,
    dataset=dict(pipeline=[
        dict(type='RandomCrop', crop_size=32, padding=4),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='PackInputs'),
    ]))
custom_hooks = [dict(type='ClassCountsHook')]
