# Plain cross-entropy baseline for GLMC on CIFAR-10-LT IF 100: the same
# ResNet-32 (width 64), long-tailed subset, schedule and batch size (64), one
# augmented view, uniform sampling, a linear classifier.
_base_ = [
    '../_base_/models/resnet32_cifar.py',
    '../_base_/datasets/cifar10-lt.py',
    '../_base_/schedules/glmc_cifar_bs64_200e.py',
    '../_base_/lt_runtime.py',
]
