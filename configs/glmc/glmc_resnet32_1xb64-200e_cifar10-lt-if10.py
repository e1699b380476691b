# GLMC, CIFAR-10-LT, IF 10: q = 0.2, p = 1.0, lambda_c = 2.
# Paper 94.04 / updated 94.87 top-1.
_base_ = ['./glmc_resnet32_1xb64-200e_cifar10-lt-if100.py']
model = dict(head=dict(consistency_loss=dict(loss_weight=2.0)))
data_preprocessor = dict(label_weighting=1.0)
train_dataloader = dict(
    batch_sampler=dict(resample_weighting=0.2),
    dataset=dict(imbalance_factor=10))
