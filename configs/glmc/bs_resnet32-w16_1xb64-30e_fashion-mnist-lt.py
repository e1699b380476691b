# Balanced Softmax on Fashion-MNIST-LT: the CE baseline trained on logits +
# log prior (tau = 1); it predicts with the plain logits.
_base_ = ['./ce_resnet32-w16_1xb64-30e_fashion-mnist-lt.py']
model = dict(head=dict(loss=dict(type='BalancedSoftmaxLoss', tau=1.0)))
