# Balanced Softmax + SAM on Fashion-MNIST-LT: the Balanced Softmax baseline
# trained with sharpness-aware minimization (SAMOptimWrapper), plain SAM,
# rho = 0.05 as GLMC + SAM; its one loss gives both the ascent and the step.
_base_ = ['./bs_resnet32-w16_1xb64-30e_fashion-mnist-lt.py']
optim_wrapper = dict(type='SAMOptimWrapper', rho=0.05)
