# CIFAR-10-LT with GLMC's two streams: two views of every image (MultiView),
# B = 64 uniform + 64 re-balanced samples per batch (q = 0), and GLMC's
# preprocessor keys (mixing ratio ~ Beta(1, 1), label weights p = 1.2).
_base_ = ['./cifar10-lt.py']
data_preprocessor = dict(
    type='GLMCDataPreprocessor',
    mix_alpha=1.0,
    label_weighting=1.2,
    cutmix_correct_lam=False)
train_dataloader = dict(
    batch_sampler=dict(type='RebalancedBatchSampler', resample_weighting=0.0),
    dataset=dict(pipeline=[
        *_base_.load_pipeline,
        dict(type='MultiView', num_views=2, transforms=[_base_.view_pipeline]),
        dict(type='PackInputs'),
    ]))
