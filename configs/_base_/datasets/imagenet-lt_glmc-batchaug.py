# ImageNet-LT with GLMC's two streams, the photometric augmentations
# (ColorJitter 0.4/0.4/0.4, grey p = 0.2, Gaussian blur sigma in [0.1, 2]
# p = 0.5) drawn per view but applied to the whole batch on the model's
# device by the preprocessor. The dataloader workers only decode, crop and
# flip (a flip commutes with these steps), so each delivers about twice the
# samples per second.
_base_ = ['./imagenet-lt_glmc.py']
data_preprocessor = dict(
    photometric=dict(
        type='BatchPhotometricAugment',
        brightness=0.4,
        contrast=0.4,
        saturation=0.4,
        grey_prob=0.2,
        blur_prob=0.5,
        blur_sigma=(0.1, 2.0)))
crop_flip_pipeline = [
    dict(type='ContiguousRandomResizedCrop', scale=224, backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
train_dataloader = dict(
    dataset=dict(pipeline=[
        *_base_.load_pipeline,
        dict(type='MultiView', num_views=2, transforms=[crop_flip_pipeline]),
        dict(type='PackInputs'),
    ]))
