"""Reference computations and generated data for the tests and benchmarks."""
from .authors_loop import AuthorsLoop
from .authors_step import (authors_box, authors_label_weights, authors_loss,
                           authors_mix, negative_cosine, soft_cross_entropy)
from .generated_data import (LAYOUTS, register_cifar_md5, write_cifar,
                             write_idx, write_jpeg_list)

__all__ = [
    'AuthorsLoop', 'LAYOUTS', 'authors_box', 'authors_label_weights',
    'authors_loss', 'authors_mix', 'negative_cosine', 'register_cifar_md5',
    'soft_cross_entropy', 'write_cifar', 'write_idx', 'write_jpeg_list'
]
