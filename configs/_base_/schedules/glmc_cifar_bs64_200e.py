# The reference's CIFAR-LT schedule: SGD lr 0.01, momentum 0.9, weight decay
# 5e-3, cosine annealing over all 200 epochs, stepped per epoch. GLMC needs
# the long schedule: its inference classifier fc_cb is weighted by
# 1 - alpha = (epoch / max_epochs) ** 2, near 0 for the first third.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-3))
param_scheduler = dict(
    type='CosineAnnealingLR', by_epoch=True, T_max=200, eta_min=0.)
train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)
