# ImageNet-LT for GLMC: the published lists (ImageNet_LT_train.txt,
# ImageNet_LT_test.txt) under data/imagenet. Two views per image with the
# reference's augmentation: RandomResizedCrop 224, ColorJitter(0.4, 0.4, 0.4,
# 0) always, RandomGrayscale p=0.2, GaussianBlur sigma in [0.1, 2] p=0.5,
# horizontal flip. 120 uniform + 120 re-balanced images per step in all
# (8 GPUs x 15).
custom_imports = dict(imports=['glmc_mm'], allow_failed_imports=False)
dataset_type = 'ImageNetLT'
data_root = 'data/imagenet'
data_preprocessor = dict(
    type='GLMCDataPreprocessor',
    num_classes=1000,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True,
    mix_alpha=1.0,
    label_weighting=1.0,
    cutmix_correct_lam=False)

view_pipeline = [
    dict(type='RandomResizedCrop', scale=224, backend='pillow'),
    dict(
        type='ColorJitter',
        brightness=0.4,
        contrast=0.4,
        saturation=0.4,
        hue=0.),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True),
    dict(
        type='GaussianBlur',
        magnitude_range=(0.1, 2.0),
        magnitude_std='inf',
        prob=0.5),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=15,
    num_workers=8,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='RebalancedBatchSampler', resample_weighting=0.2),
    # one stacked tensor per view crosses from the workers, not 4B tensors
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='ImageNet_LT_train.txt',
        pipeline=train_pipeline),
)
val_dataloader = dict(
    batch_size=64,
    num_workers=8,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='ImageNet_LT_test.txt',
        pipeline=test_pipeline),
)
val_evaluator = dict(type='LongTailAccuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
