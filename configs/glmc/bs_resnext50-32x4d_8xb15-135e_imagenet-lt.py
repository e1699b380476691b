# Balanced Softmax on ImageNet-LT, as on CIFAR-10-LT (the config of the same
# name), on the ImageNet-LT baseline.
_base_ = ['./ce_resnext50-32x4d_8xb15-135e_imagenet-lt.py']
model = dict(head=dict(loss=dict(type='BalancedSoftmaxLoss', tau=1.0)))
