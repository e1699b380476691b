# Cross-entropy baseline, CIFAR-100-LT IF 100 (the reference's CIFAR-100
# normalisation, as the GLMC config).
_base_ = ['./ce_resnet32_1xb64-200e_cifar10-lt-if100.py']
model = dict(head=dict(num_classes=100))
data_preprocessor = dict(
    num_classes=100, std=[51.5865, 50.847, 51.255])
train_dataloader = dict(
    dataset=dict(type='CIFAR100LT', data_root='data/cifar100'))
val_dataloader = dict(
    dataset=dict(type='CIFAR100LT', data_root='data/cifar100'))
test_dataloader = val_dataloader
