"""Make mmengine 0.10 work on current torch, safely. Applied on import.

Only two things are patched, each because MMEngine offers no seam for it;
everything else goes through MMEngine's registries.

1. Checkpoints: torch >= 2.6 loads with ``weights_only=True``, which refuses
   the few non-tensor objects that mmengine checkpoints hold: the message
   hub's :class:`HistoryBuffer` with the NumPy arrays inside it, and the
   buffer's statistics methods, which mmengine pickles as
   ``getattr(HistoryBuffer, 'min')``. ``getattr`` is never allowed; instead
   buffers are saved without those methods (they are registered on the class
   at import anyway), and the inert classes are added to torch's allow-list.
   Local checkpoints are always loaded with ``weights_only=True`` (also on
   torch < 2.6). An empty, truncated or non-checkpoint file is named in a
   :class:`DamagedCheckpointError`, judged from its bytes before anything is
   unpickled. Pickle loading is never opened wide: a checkpoint holding any
   other global, such as one crafted to run code, is refused with
   :class:`UnsafeCheckpointError` before anything in it runs.
   Saving without those methods needs a ``__getstate__`` on
   :class:`HistoryBuffer` (MMEngine pickles the message hub itself); the
   loader is MMEngine's own seam, ``CheckpointLoader.register_scheme``.
   The allow-list needs torch >= 2.4 (``add_safe_globals``).
2. Distributed training without a GPU: MMEngine's PyTorch launcher
   (``mmengine.dist.utils._init_dist_pytorch``) calls
   ``torch.cuda.set_device`` unconditionally. On a machine without an
   accelerator it now starts ``gloo`` and skips ``set_device``; with one, it
   is MMEngine's function, unchanged. The runner calls the launcher before
   anything of a config is built, so only a patch reaches it, and the patch
   is what keeps ``tools/dist_train.sh`` working on a CPU machine with
   MMPretrain's own ``tools/train.py`` and ``custom_imports``. Wrapping the
   model for a CPU run is the registered
   :class:`AnyDeviceDistributedDataParallel`, which our runtime config
   selects through ``model_wrapper_cfg``.
"""
import os.path as osp
import pickle
import zipfile
from typing import Optional

import numpy as np
import torch
import torch.distributed as torch_dist
from mmengine.dist import utils as dist_utils
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader


if not hasattr(torch.serialization, 'add_safe_globals'):
    raise ImportError(f'glmc_mm needs torch >= 2.4 for its checkpoint '
                      f'allow-list, found torch {torch.__version__}')


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds objects outside the allow-list."""


def _checkpoint_globals() -> list:
    """The inert non-tensor classes that mmengine checkpoints hold."""
    if np.lib.NumpyVersion(np.__version__) >= '2.0.0':
        from numpy._core import multiarray
    else:
        from numpy.core import multiarray
    dtype_classes = {
        type(np.dtype(code))
        for code in '?bBhHiIlLqQefdgFDG'
    }
    return [
        HistoryBuffer, np.ndarray, np.dtype, multiarray._reconstruct,
        multiarray.scalar, *sorted(dtype_classes, key=str)
    ]


class DamagedCheckpointError(ValueError):
    """A checkpoint file is empty, truncated or not a checkpoint at all."""


def _format_problem(filename: str) -> Optional[str]:
    """Why ``filename`` cannot be a complete ``torch.save`` file, judged
    from its bytes alone (nothing is unpickled), or None."""
    size = osp.getsize(filename)
    if size == 0:
        return 'the file is empty'
    with open(filename, 'rb') as f:
        head = f.read(4)
    if zipfile.is_zipfile(filename) or head[:1] == b'\x80':
        return None  # a zip archive, or torch's legacy pickle format
    if head == b'PK\x03\x04':
        return (f'the zip archive has no end record ({size} bytes): the '
                'file is truncated, e.g. by a run killed while saving')
    return (f'it is neither a zip archive nor a pickle ({size} bytes, '
            f'starting with {head!r})')


@CheckpointLoader.register_scheme(prefixes='', force=True)
def load_from_local(filename: str, map_location=None) -> dict:
    """Load a local checkpoint with ``weights_only=True``.

    Args:
        filename (str): The checkpoint path.
        map_location (str, optional): As in :func:`torch.load`.

    Returns:
        dict: The checkpoint.

    Raises:
        FileNotFoundError: There is no such file.
        DamagedCheckpointError: The file is empty, truncated or not a
            checkpoint.
        UnsafeCheckpointError: It holds objects outside the allow-list.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(
            f'checkpoint {filename} can not be found (the file named by '
            'load_from, --resume or an init_cfg checkpoint=)')
    problem = _format_problem(filename)
    if problem is not None:
        raise DamagedCheckpointError(
            f'{filename} is not a complete checkpoint: {problem}')
    try:
        return torch.load(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        culprit = [
            line.strip() for line in str(error).splitlines()
            if 'GLOBAL' in line or 'Unsupported' in line
        ]
        raise UnsafeCheckpointError(
            f'Refused to load checkpoint {filename}: it holds Python objects '
            'that are not tensors or allow-listed data, so unpickling it could '
            'run code. Nothing in it was executed. Only load checkpoints you '
            f'trust. {" ".join(culprit)}') from None
    except (EOFError, RuntimeError, KeyError, ValueError,
            zipfile.BadZipFile) as error:
        raise DamagedCheckpointError(
            f'{filename} is not a complete checkpoint: reading it failed with '
            f'{type(error).__name__}: {error}') from None


def _history_buffer_state(self: HistoryBuffer) -> dict:
    """A :class:`HistoryBuffer`'s state without its statistics methods."""
    return {
        key: value
        for key, value in self.__dict__.items()
        if key != 'statistics_methods'
    }


_init_dist_pytorch_with_cuda = dist_utils._init_dist_pytorch


def _init_dist_pytorch(backend, init_backend='torch', **kwargs) -> None:
    """mmengine's PyTorch launcher, with ``gloo`` and no ``set_device`` when
    the machine has no accelerator."""
    accelerated = (
        torch.cuda.is_available() or dist_utils.is_mlu_available()
        or dist_utils.is_npu_available() or dist_utils.is_musa_available())
    if accelerated or init_backend != 'torch':
        return _init_dist_pytorch_with_cuda(backend, init_backend, **kwargs)
    torch_dist.init_process_group(
        backend='gloo' if backend == 'nccl' else backend, **kwargs)


HistoryBuffer.__getstate__ = _history_buffer_state
torch.serialization.add_safe_globals(_checkpoint_globals())
dist_utils._init_dist_pytorch = _init_dist_pytorch
