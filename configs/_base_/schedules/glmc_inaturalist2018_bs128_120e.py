# The reference's iNaturalist 2018 schedule: as ImageNet-LT with weight decay
# 1e-4, 120 epochs, batch 128 (+ 128 re-balanced) in all.
_base_ = ['./glmc_imagenet-lt_bs120_135e.py']
optim_wrapper = dict(optimizer=dict(weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=10),
    dict(
        type='CosineAnnealingLR',
        by_epoch=True,
        begin=10,
        end=120,
        T_max=110,
        eta_min=0.),
]
train_cfg = dict(max_epochs=120)
auto_scale_lr = dict(base_batch_size=128)
