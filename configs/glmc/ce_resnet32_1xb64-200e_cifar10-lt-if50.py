# Cross-entropy baseline, CIFAR-10-LT IF 50.
_base_ = ['./ce_resnet32_1xb64-200e_cifar10-lt-if100.py']
train_dataloader = dict(dataset=dict(imbalance_factor=50))
