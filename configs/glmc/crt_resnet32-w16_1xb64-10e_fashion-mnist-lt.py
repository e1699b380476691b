# cRT, stage 2, on Fashion-MNIST-LT: the backbone of the CE baseline's final
# checkpoint, frozen (weights and BatchNorm statistics), and a new linear
# classifier trained for 10 epochs with class-balanced sampling
# (re-balanced stream, q = 1, alone). Train the CE baseline first, or point
# checkpoint= at its checkpoint.
_base_ = ['./ce_resnet32-w16_1xb64-30e_fashion-mnist-lt.py']
model = dict(
    backbone=dict(
        frozen_stages=3,
        norm_eval=True,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/ce_resnet32-w16_1xb64-30e_fashion-mnist-lt/'
            'epoch_30.pth',
            prefix='backbone.')))
train_dataloader = dict(
    batch_sampler=dict(
        type='RebalancedBatchSampler',
        resample_weighting=1.0,
        with_uniform=False))
param_scheduler = dict(T_max=10)
train_cfg = dict(max_epochs=10, val_interval=10)
