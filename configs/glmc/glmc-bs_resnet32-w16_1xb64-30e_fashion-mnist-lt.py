# GLMC + BS on Fashion-MNIST-LT: GLMC with fc_cb trained by Balanced Softmax
# on the mixed targets in place of the label-weighted soft cross-entropy.
_base_ = ['./glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py']
model = dict(
    head=dict(
        rebalanced_loss=dict(
            type='BalancedSoftmaxLoss', tau=1.0, use_soft=True)))
