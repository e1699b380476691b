# MMPretrain's default runtime plus what every long-tailed run here needs:
# the model records its training class counts (they travel in checkpoints
# and reach LongTailAccuracy), and distributed runs also work on a machine
# without a GPU.
_base_ = ['mmpretrain::_base_/default_runtime.py']
custom_hooks = [dict(type='ClassCountsHook')]
model_wrapper_cfg = dict(
    type='AnyDeviceDistributedDataParallel', broadcast_buffers=False)
