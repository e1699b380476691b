"""CIFAR-10-LT and CIFAR-100-LT."""
from mmpretrain.datasets import CIFAR10, CIFAR100
from mmpretrain.registry import DATASETS

from .long_tail_mixin import LongTailMixin


@DATASETS.register_module()
class CIFAR10LT(LongTailMixin, CIFAR10):
    """CIFAR-10-LT: MMPretrain's :class:`CIFAR10` with an exponentially
    long-tailed training split.

    Class ``i`` of the training split keeps ``int(5000 * (1 / IF) ** (i /
    9))`` images (12,406 in all for ``IF = 100``, 13,996 for ``IF = 50``);
    ``split='test'`` stays the full balanced test set.

    Args:
        data_root (str): The directory holding ``cifar-10-batches-py``.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        imbalance_factor (float): ``IF = n_max / n_min`` (>= 1).
            Defaults to 100.
        seed (int): Seed of the subset draw. Defaults to 0.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.CIFAR10`.
    """


@DATASETS.register_module()
class CIFAR100LT(LongTailMixin, CIFAR100):
    """CIFAR-100-LT: MMPretrain's :class:`CIFAR100` with an exponentially
    long-tailed training split.

    Class ``i`` of the training split keeps ``int(500 * (1 / IF) ** (i /
    99))`` images (10,847 in all for ``IF = 100``, 12,608 for ``IF = 50``);
    ``split='test'`` stays the full balanced test set.

    Args:
        data_root (str): The directory holding ``cifar-100-python``.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        imbalance_factor (float): ``IF = n_max / n_min`` (>= 1).
            Defaults to 100.
        seed (int): Seed of the subset draw. Defaults to 0.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.CIFAR100`.
    """
