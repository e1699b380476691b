# MMPretrain's default runtime plus what every long-tailed run here needs:
# the model records its training class counts (they travel in checkpoints
# and reach LongTailAccuracy); a non-finite loss stops the run, and so
# does a non-finite predicted score in validation or testing; a
# checkpoint that does not fit the model, or holds NaN weights or bad class
# counts, is refused, and so is a resume whose config the checkpoint's
# state would override or whose training set differs; an evaluation set
# must have the classes the model was trained on; every image file is
# checked before the run reads it; checkpoints are written
# atomically and the oldest is removed only after the newest is complete;
# evaluation log lines hold scalars only, the per-class accuracy goes to the
# JSON results and a CSV beside them; the main process's threads are fixed
# for the run from the CPUs it may use; a resumed run continues the global
# random streams where the checkpoint left them; distributed runs also
# work on a machine without a GPU, and end within minutes, naming the
# process, when one of their processes stops answering.
_base_ = ['mmpretrain::_base_/default_runtime.py']
custom_hooks = [
    dict(type='ThreadSettlingHook'),
    dict(type='ClassCountsHook'),
    dict(type='NonFiniteLossHook'),
    dict(type='NonFinitePredictionHook'),
    dict(type='StrictLoadHook'),
    dict(type='ResumeCheckHook'),
    dict(type='ClassMatchHook'),
    dict(type='ImageFileCheckHook'),
    dict(type='PerClassAccuracyHook'),
    dict(type='RandomStateHook'),
    dict(type='RankHeartbeatHook'),
]
log_processor = dict(type='ScalarLogProcessor')
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
model_wrapper_cfg = dict(
    type='AnyDeviceDistributedDataParallel', broadcast_buffers=False)
