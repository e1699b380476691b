# Fashion-MNIST-LT with GLMC's two streams, as CIFAR-10-LT's.
_base_ = ['./fashion-mnist-lt.py']
data_preprocessor = dict(
    type='GLMCDataPreprocessor',
    mix_alpha=1.0,
    label_weighting=1.2,
    cutmix_correct_lam=False)
train_dataloader = dict(
    batch_sampler=dict(type='RebalancedBatchSampler', resample_weighting=0.0),
    dataset=dict(
        dataset=dict(pipeline=[
            *_base_.load_pipeline,
            dict(
                type='MultiView',
                num_views=2,
                transforms=[_base_.view_pipeline]),
            dict(type='PackInputs'),
        ])))
