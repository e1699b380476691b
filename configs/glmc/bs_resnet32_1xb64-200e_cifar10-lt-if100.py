# Balanced Softmax (Ren et al., NeurIPS 2020) on CIFAR-10-LT IF 100: the CE
# baseline trained on logits + log prior (tau = 1); it predicts with the
# plain logits.
_base_ = ['./ce_resnet32_1xb64-200e_cifar10-lt-if100.py']
model = dict(head=dict(loss=dict(type='BalancedSoftmaxLoss', tau=1.0)))
