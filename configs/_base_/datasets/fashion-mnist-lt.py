# Fashion-MNIST-LT: Debian's Fashion-MNIST (apt-get install
# dataset-fashion-mnist) made long-tailed by LongTailDataset: head class
# capped at 1200 images, imbalance factor 100 (1200 ... 12 images: 5 many,
# 4 medium, 1 few-shot class by the standard convention). The test split
# stays balanced (1000 per class). 28x28 grey images, random crop 28 with
# 4-pixel padding and horizontal flip, B = 64.
custom_imports = dict(imports=['glmc_mm'], allow_failed_imports=False)
dataset_type = 'FashionMNISTIDX'
data_root = '/usr/share/datasets/fashion-mnist'
data_preprocessor = dict(num_classes=10, mean=[72.94], std=[90.02])

load_pipeline = []
view_pipeline = [
    dict(type='RandomCrop', crop_size=28, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
train_pipeline = [*load_pipeline, *view_pipeline, dict(type='PackInputs')]
# The dataset gives grey arrays, which pass unchanged; an image file read by
# an inferencer (colour, BGR) is turned grey first.
test_pipeline = [
    dict(type='RandomLumaGrayscale', prob=1.0),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=True),
    # one stacked tensor per input crosses from the workers, not one per
    # image; an image of another size is named (glmc_mm's same_size_collate)
    collate_fn=dict(type='same_size_collate'),
    dataset=dict(
        type='LongTailDataset',
        imbalance_factor=100,
        max_per_class=1200,
        seed=0,
        dataset=dict(
            type=dataset_type,
            data_root=data_root,
            split='train',
            pipeline=train_pipeline)))
val_dataloader = dict(
    batch_size=256,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='same_size_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        pipeline=test_pipeline))
val_evaluator = dict(type='LongTailAccuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
