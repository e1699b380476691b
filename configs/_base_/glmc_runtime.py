# The long-tailed runtime plus GLMC's cumulative coefficient
# alpha = 1 - (epoch / max_epochs) ** 2.
_base_ = ['./lt_runtime.py']
custom_hooks = [*_base_.custom_hooks, dict(type='CumulativeLearningHook')]
