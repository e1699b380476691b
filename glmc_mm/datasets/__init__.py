from .cifar_lt import CIFAR10LT, CIFAR100LT
from .class_counts import (LabelCountsMixin, class_counts_from_config,
                           get_class_counts)
from .fashion_mnist_idx import FashionMNISTIDX
from .label_list_dataset import ImageNetLT, INaturalist2018, LabelListDataset
from .long_tail_dataset import LongTailDataset
from .long_tail_mixin import LongTailMixin
from .long_tail_subset import long_tail_class_sizes, long_tail_indices
from .same_size_collate import same_size_collate
from .samplers import RebalancedBatchSampler
from .training_stream_dataset import TrainingStreamDataset
from .transforms import RandomLumaGrayscale

__all__ = [
    'CIFAR10LT', 'CIFAR100LT', 'FashionMNISTIDX', 'INaturalist2018',
    'ImageNetLT', 'LabelCountsMixin', 'LabelListDataset', 'LongTailDataset',
    'LongTailMixin', 'RandomLumaGrayscale', 'RebalancedBatchSampler',
    'TrainingStreamDataset', 'class_counts_from_config', 'get_class_counts',
    'long_tail_class_sizes', 'long_tail_indices', 'same_size_collate'
]
