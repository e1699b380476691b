# A CPU-sized schedule for Fashion-MNIST-LT: SGD lr 0.05, momentum 0.9,
# weight decay 5e-4, cosine over 30 epochs stepped per epoch, B = 64,
# validation every 10 epochs.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='CosineAnnealingLR', by_epoch=True, T_max=30, eta_min=0.)
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)
