from .browse_config import browse_config
from .long_tail_plots import (plot_class_counts, plot_per_class_accuracy,
                              plot_shot_group_accuracy, plot_training_curves,
                              plot_validation_curves)

__all__ = [
    'browse_config', 'plot_class_counts', 'plot_per_class_accuracy',
    'plot_shot_group_accuracy', 'plot_training_curves',
    'plot_validation_curves'
]
