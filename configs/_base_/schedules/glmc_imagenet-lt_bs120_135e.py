# The reference's ImageNet-LT schedule: SGD lr 0.1, momentum 0.9, weight
# decay 2e-4, 135 epochs: linear warm-up over 10 epochs, then cosine,
# stepped per epoch. Batch 120 (+ 120 re-balanced) in all.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=2e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=10),
    dict(
        type='CosineAnnealingLR',
        by_epoch=True,
        begin=10,
        end=135,
        T_max=125,
        eta_min=0.),
]
train_cfg = dict(by_epoch=True, max_epochs=135, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=120)
