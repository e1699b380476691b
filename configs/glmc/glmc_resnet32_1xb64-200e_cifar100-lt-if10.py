# GLMC, CIFAR-100-LT, IF 10: q = 0.2, p = 1.2, lambda_c = 4.
# Paper 70.74 / updated 73.40 top-1.
_base_ = ['./glmc_resnet32_1xb64-200e_cifar100-lt-if100.py']
train_dataloader = dict(
    batch_sampler=dict(resample_weighting=0.2),
    dataset=dict(imbalance_factor=10))
