"""The keys under which the per-class image counts travel in MMEngine's
``metainfo`` / ``dataset_meta``: a dataset's own counts, and the training
set's counts that the evaluator and the hooks receive."""
CLASS_COUNTS_KEY = 'class_counts'
TRAIN_CLASS_COUNTS_KEY = 'train_class_counts'
