# ImageNet-LT with GLMC's two streams: two views of every image (MultiView),
# 15 uniform + 15 re-balanced images per GPU (q = 0.2), and GLMC's
# preprocessor keys (mixing ratio ~ Beta(1, 1), label weights p = 1.0).
_base_ = ['./imagenet-lt.py']
data_preprocessor = dict(
    type='GLMCDataPreprocessor',
    mix_alpha=1.0,
    label_weighting=1.0,
    cutmix_correct_lam=False)
train_dataloader = dict(
    batch_sampler=dict(type='RebalancedBatchSampler', resample_weighting=0.2),
    dataset=dict(pipeline=[
        *_base_.load_pipeline,
        dict(type='MultiView', num_views=2, transforms=[_base_.view_pipeline]),
        dict(type='PackInputs'),
    ]))
