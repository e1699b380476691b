# Cross-entropy baseline for the Fashion-MNIST-LT GLMC config: the same
# backbone, long-tailed subset, schedule and batch size; one augmented view,
# uniform sampling, a linear classifier.
_base_ = ['./glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py']
model = dict(
    _delete_=True,
    type='ImageClassifier',
    backbone=dict(
        type='CIFARResNet', depth=32, in_channels=1, base_channels=16),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss')))
data_preprocessor = dict(
    _delete_=True,
    type='ClsDataPreprocessor',
    num_classes=10,
    mean=[72.94],
    std=[90.02])
train_dataloader = dict(
    batch_sampler=None,
    dataset=dict(dataset=dict(pipeline=[
        dict(type='RandomCrop', crop_size=28, padding=4),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='PackInputs'),
    ])))
custom_hooks = [dict(type='ClassCountsHook')]
