# cRT (Kang et al., ICLR 2020), stage 2, on ImageNet-LT: the backbone of the
# CE baseline's final checkpoint, frozen (MMPretrain's frozen_stages and
# norm_eval), and a new linear classifier trained for 10 epochs (cosine)
# with class-balanced sampling (re-balanced stream, q = 1, alone). Train the
# CE baseline first, or point checkpoint= at its checkpoint.
_base_ = ['./ce_resnext50-32x4d_8xb15-135e_imagenet-lt.py']
model = dict(
    backbone=dict(
        frozen_stages=4,
        norm_eval=True,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/ce_resnext50-32x4d_8xb15-135e_imagenet-lt/'
            'epoch_135.pth',
            prefix='backbone.')))
train_dataloader = dict(
    batch_sampler=dict(
        type='RebalancedBatchSampler',
        resample_weighting=1.0,
        with_uniform=False))
param_scheduler = dict(
    _delete_=True,
    type='CosineAnnealingLR',
    by_epoch=True,
    T_max=10,
    eta_min=0.)
train_cfg = dict(max_epochs=10, val_interval=10)
