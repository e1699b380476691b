# Cross-entropy baseline for the Fashion-MNIST-LT GLMC config: the same
# backbone, long-tailed subset, schedule and batch size; one augmented view,
# uniform sampling, a linear classifier.
_base_ = [
    '../_base_/models/resnet32_cifar.py',
    '../_base_/datasets/fashion-mnist-lt.py',
    '../_base_/schedules/fashion-mnist-lt_bs64_30e.py',
    '../_base_/lt_runtime.py',
]
model = dict(
    backbone=dict(in_channels=1, base_channels=16), head=dict(in_channels=64))
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=10, max_keep_ckpts=2))
randomness = dict(seed=0)
