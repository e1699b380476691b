# MMPretrain's default runtime plus the hooks GLMC needs: the training
# class counts (label weights, class-number check) and the cumulative
# coefficient alpha = 1 - (epoch / max_epochs) ** 2.
_base_ = ['mmpretrain::_base_/default_runtime.py']
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='CumulativeLearningHook'),
]
