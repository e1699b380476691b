# ImageNet-LT: the published lists (ImageNet_LT_train.txt,
# ImageNet_LT_test.txt) under data/imagenet, 15 images per GPU (8 x 15 =
# 120 per step), the authors' augmentation: RandomResizedCrop 224,
# ColorJitter(0.4, 0.4, 0.4, 0) always, grey with p = 0.2 (PIL's luma),
# GaussianBlur sigma in [0.1, 2] with p = 0.5, horizontal flip. Images are
# decoded without applying EXIF orientation, as PIL's Image.open does in the
# authors' code. Many/medium/few accuracy with the authors' few-shot
# convention (<= 20 training images).
custom_imports = dict(imports=['glmc_mm'], allow_failed_imports=False)
dataset_type = 'ImageNetLT'
data_root = 'data/imagenet'
data_preprocessor = dict(
    num_classes=1000,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

load_pipeline = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
]
view_pipeline = [
    dict(type='ContiguousRandomResizedCrop', scale=224, backend='pillow'),
    dict(
        type='ColorJitter',
        brightness=0.4,
        contrast=0.4,
        saturation=0.4,
        hue=0.),
    dict(type='RandomLumaGrayscale', prob=0.2, keep_channels=True),
    dict(
        type='GaussianBlur',
        magnitude_range=(0.1, 2.0),
        magnitude_std='inf',
        prob=0.5),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
train_pipeline = [*load_pipeline, *view_pipeline, dict(type='PackInputs')]
test_pipeline = [
    *load_pipeline,
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=15,
    num_workers=8,
    sampler=dict(type='DefaultSampler', shuffle=True),
    # one stacked tensor per input crosses from the workers, not one per
    # image; an image of another size is named (glmc_mm's same_size_collate)
    collate_fn=dict(type='same_size_collate'),
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
    collate_fn=dict(type='same_size_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='ImageNet_LT_test.txt',
        pipeline=test_pipeline),
)
val_evaluator = dict(
    type='LongTailAccuracy', topk=(1, 5), convention='authors')
test_dataloader = val_dataloader
test_evaluator = val_evaluator
