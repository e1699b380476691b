# Fashion-MNIST-LT for GLMC: Debian's Fashion-MNIST (apt-get install
# dataset-fashion-mnist) made long-tailed by LongTailDataset: head class
# capped at 1200 images, imbalance factor 100 (1200 ... 12 images: 5 many,
# 4 medium, 1 few-shot class). The test split stays balanced (1000/class).
# Loaders, streams and two views as CIFAR-10-LT; 28x28 grey images.
_base_ = ['./cifar10-lt_glmc.py']
dataset_type = 'FashionMNISTIDX'
data_root = '/usr/share/datasets/fashion-mnist'
data_preprocessor = dict(num_classes=10, mean=[72.94], std=[90.02])

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
    num_workers=2,
    dataset=dict(
        _delete_=True,
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
    num_workers=2,
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        split='test',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
