# The authors' iNaturalist 2018 schedule: as ImageNet-LT with weight decay
# 1e-4, 120 epochs (cosine over (epoch - 10) / 111), batch 128 (+ 128
# re-balanced) in all.
_base_ = ['./glmc_imagenet-lt_bs120_135e.py']
optim_wrapper = dict(optimizer=dict(weight_decay=1e-4))
param_scheduler = dict(total_epochs=120)
train_cfg = dict(max_epochs=120)
auto_scale_lr = dict(base_batch_size=128)
