# CIFAR-100-LT for GLMC: as CIFAR-10-LT, with the reference's CIFAR-100
# normalisation.
_base_ = ['./cifar10-lt_glmc.py']
dataset_type = 'CIFAR100LT'
data_root = 'data/cifar100'
data_preprocessor = dict(
    num_classes=100,
    mean=[125.307, 122.961, 113.8575],
    std=[51.5865, 50.847, 51.255])
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader
