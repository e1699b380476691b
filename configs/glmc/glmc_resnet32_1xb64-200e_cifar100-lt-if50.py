# GLMC, CIFAR-100-LT, IF 50: q = 0.2, p = 1.2, lambda_c = 6.
# Paper 61.08 / updated 63.78 top-1.
_base_ = ['./glmc_resnet32_1xb64-200e_cifar100-lt-if100.py']
model = dict(head=dict(consistency_loss=dict(loss_weight=6.0)))
train_dataloader = dict(
    batch_sampler=dict(resample_weighting=0.2),
    dataset=dict(imbalance_factor=50))
