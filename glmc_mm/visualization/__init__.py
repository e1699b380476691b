from .long_tail_plots import (plot_class_counts, plot_per_class_accuracy,
                              plot_shot_group_accuracy, plot_training_curves)

__all__ = [
    'plot_class_counts', 'plot_per_class_accuracy', 'plot_shot_group_accuracy',
    'plot_training_curves'
]
