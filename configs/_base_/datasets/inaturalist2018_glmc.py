# iNaturalist 2018 for GLMC: the published lists (iNaturalist18_train.txt,
# iNaturalist18_val.txt) under data/inat2018, the ImageNet-LT augmentation
# with iNaturalist's normalisation, 128 + 128 images per step (8 GPUs x 16).
_base_ = ['./imagenet-lt_glmc.py']
dataset_type = 'INaturalist2018'
data_root = 'data/inat2018'
data_preprocessor = dict(
    num_classes=8142,
    mean=[118.83, 120.105, 96.9],
    std=[49.725, 49.47, 48.96])
train_dataloader = dict(
    batch_size=16,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='iNaturalist18_train.txt'))
val_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='iNaturalist18_val.txt'))
test_dataloader = val_dataloader
