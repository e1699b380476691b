# Fashion-MNIST-LT for GLMC: Debian's Fashion-MNIST (apt-get install
# dataset-fashion-mnist) made long-tailed by LongTailDataset: head class
# capped at 1200 images, imbalance factor 100 (1200 ... 12 images: 5 many,
# 4 medium, 1 few-shot class). The test split stays balanced (1000/class).
# Each image yields two independently augmented views (MultiView) and every
# batch of 64 uniform samples comes with 64 re-balanced samples
# (RebalancedBatchSampler, q = resample_weighting).
custom_imports = dict(imports=['glmc_mm'], allow_failed_imports=False)
dataset_type = 'FashionMNISTIDX'
data_root = '/usr/share/datasets/fashion-mnist'
data_preprocessor = dict(
    num_classes=10, mean=[72.94], std=[90.02], to_rgb=False)

view_pipeline = [
    dict(type='RandomCrop', crop_size=28, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
train_pipeline = [
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='RebalancedBatchSampler', resample_weighting=0.0),
    dataset=dict(
        type='LongTailDataset',
        imbalance_factor=100,
        max_per_class=1200,
        seed=0,
        dataset=dict(
            type=dataset_type,
            data_root=data_root,
            split='train',
            pipeline=train_pipeline)),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        pipeline=test_pipeline),
)
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
