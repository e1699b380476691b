"""Write the small checkpoint ``tests/test_compat.py`` loads under the other
NumPy major version: what an MMEngine checkpoint holds besides tensors (the
message hub's ``HistoryBuffer`` with NumPy arrays, NumPy scalars and arrays
in ``meta``). Run once per stack:

    .venv-oldest/bin/python \\
        tests/numpy_checkpoints/write_numpy_checkpoint.py \\
        tests/numpy_checkpoints/checkpoint_numpy1.pth
    .venv-newest/bin/python \\
        tests/numpy_checkpoints/write_numpy_checkpoint.py \\
        tests/numpy_checkpoints/checkpoint_numpy2.pth
"""
import sys

import numpy as np
import torch
from mmengine.logging import MessageHub

import glmc_mm  # noqa: F401  (saves HistoryBuffer without its methods)


def main(path: str) -> None:
    hub = MessageHub('numpy_checkpoint')
    for loss in (2.5, 1.25, 0.5):
        hub.update_scalar('train/loss', np.float64(loss), count=1)
    hub.update_info('seen', np.int64(3))
    torch.save(
        dict(
            meta=dict(
                numpy=np.__version__,
                dataset_meta=dict(class_counts=np.array([5, 3, 1]))),
            message_hub=hub.state_dict(),
            state_dict=dict(weight=torch.arange(6.).reshape(2, 3))), path)


if __name__ == '__main__':
    main(sys.argv[1])
