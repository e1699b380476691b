# The authors' ImageNet-LT schedule: SGD lr 0.1, momentum 0.9, weight decay
# 2e-4, 135 epochs, batch 120 (+ 120 re-balanced) in all. The learning rate
# follows their code: set after each epoch, so epoch 0 runs at 0.1, epochs
# 1-11 at 0.01 ... 0.11, then cosine over (epoch - 10) / 126. The paper
# describes a 10-epoch linear warm-up then cosine instead; to train that,
# replace param_scheduler with
#   [dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=10),
#    dict(type='CosineAnnealingLR', by_epoch=True, begin=10, end=135,
#         T_max=125, eta_min=0.)]
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=2e-4))
param_scheduler = dict(
    type='EpochEndWarmupCosineLR', warmup_epochs=10, total_epochs=135)
train_cfg = dict(by_epoch=True, max_epochs=135, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=120)
