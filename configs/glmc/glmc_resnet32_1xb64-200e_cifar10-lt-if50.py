# GLMC, CIFAR-10-LT, IF 50: q = 0.0, p = 1.2, lambda_c = 1.
# Paper 90.18 / updated 91.04 top-1.
_base_ = ['./glmc_resnet32_1xb64-200e_cifar10-lt-if100.py']
train_dataloader = dict(dataset=dict(imbalance_factor=50))
