# iNaturalist 2018: the published lists (iNaturalist18_train.txt,
# iNaturalist18_val.txt) under data/inat2018, the ImageNet-LT augmentation
# with the authors' iNaturalist normalisation, 16 images per GPU (8 x 16 =
# 128 per step).
_base_ = ['./imagenet-lt.py']
dataset_type = 'INaturalist2018'
data_root = 'data/inat2018'
data_preprocessor = dict(
    num_classes=8142,
    mean=[v * 255 for v in (0.466, 0.471, 0.380)],
    std=[v * 255 for v in (0.195, 0.194, 0.192)])
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
