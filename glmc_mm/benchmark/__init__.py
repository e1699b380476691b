"""Applications on top of the method: the long-tailed benchmark runner and
its report, the speed measures, what a finished run left in its work dir,
the authors' reference step and loop, and generated data in the real on-disk
formats. Nothing in the method imports this package."""
from .authors_loop import AuthorsLoop
from .authors_step import (authors_box, authors_label_weights, authors_loss,
                           authors_mix, negative_cosine, soft_cross_entropy)
from .cpu_name import cpu_name
from .generated_data import (LAYOUTS, register_cifar_md5, write_cifar,
                             write_idx, write_jpeg_list)
from .run_results import (latest_test_metrics, median_iteration_time,
                          training_scalars, validation_history)

__all__ = [
    'AuthorsLoop', 'LAYOUTS', 'authors_box', 'authors_label_weights',
    'authors_loss', 'authors_mix', 'cpu_name', 'latest_test_metrics',
    'median_iteration_time', 'negative_cosine', 'register_cifar_md5',
    'soft_cross_entropy', 'training_scalars', 'validation_history',
    'write_cifar', 'write_idx', 'write_jpeg_list'
]
