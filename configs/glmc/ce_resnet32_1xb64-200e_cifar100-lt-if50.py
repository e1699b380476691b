# Cross-entropy baseline, CIFAR-100-LT IF 50.
_base_ = ['./ce_resnet32_1xb64-200e_cifar100-lt-if100.py']
train_dataloader = dict(dataset=dict(imbalance_factor=50))
