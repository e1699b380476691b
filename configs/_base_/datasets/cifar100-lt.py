# CIFAR-100-LT (imbalance factor 100): as CIFAR-10-LT, with the authors'
# CIFAR-100 normalisation.
_base_ = ['./cifar10-lt.py']
dataset_type = 'CIFAR100LT'
data_root = 'data/cifar100'
data_preprocessor = dict(
    num_classes=100,
    mean=[v * 255 for v in (0.4914, 0.4822, 0.4465)],
    std=[v * 255 for v in (0.2023, 0.1994, 0.2010)])
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader
