# CIFAR-10-LT for GLMC: two views per image (random crop 32 with 4-pixel
# zero padding, horizontal flip), B = 64 uniform + 64 re-balanced samples per
# batch. The test split stays balanced.
custom_imports = dict(imports=['glmc_mm'], allow_failed_imports=False)
dataset_type = 'CIFAR10LT'
data_root = 'data/cifar10'
data_preprocessor = dict(
    type='GLMCDataPreprocessor',
    num_classes=10,
    mean=[125.307, 122.961, 113.8575],
    std=[62.993, 62.089, 66.705],
    to_rgb=False,
    mix_alpha=1.0,
    label_weighting=1.2,
    cutmix_correct_lam=False)

view_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
train_pipeline = [
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=64,
    num_workers=4,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='RebalancedBatchSampler', resample_weighting=0.0),
    # one stacked tensor per view crosses from the workers, not 4B tensors
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        imbalance_factor=100,
        seed=0,
        pipeline=train_pipeline),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=4,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        pipeline=test_pipeline),
)
val_evaluator = dict(type='LongTailAccuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
