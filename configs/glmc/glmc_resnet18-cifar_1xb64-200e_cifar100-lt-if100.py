# GLMC on MMPretrain's ResNet_CIFAR-18 (512-d feature), CIFAR-100-LT IF 100:
# the ResNet-32 recipe with another backbone.
_base_ = ['./glmc_resnet32_1xb64-200e_cifar100-lt-if100.py']
model = dict(
    backbone=dict(_delete_=True, type='ResNet_CIFAR', depth=18),
    head=dict(in_channels=512))
