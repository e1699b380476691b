"""Make mmengine 0.10 work on current torch, safely. Applied on import.

Only four things are patched, each because its owner offers no seam for it;
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

The other three are wrappers around MMEngine's and matplotlib's own
functions that change only one input:

3. A config that inherits another package's config (``glmc_mm::...``)
   gets MMEngine's ``_scope_`` key on every inherited dict, and
   ``Runner.build_dataloader`` passes every key of ``collate_fn`` to the
   collate function, which then fails on ``_scope_``; the key is dropped
   from ``collate_fn`` (the function is MMEngine's ``FUNCTIONS`` entry
   either way).
4. MMEngine's ``get_installed_path`` and ``is_installed`` (which resolve
   ``mmpretrain::`` and ``glmc_mm::`` configs) import ``pkg_resources``,
   which setuptools >= 82 no longer ships: where it is missing, both are
   answered from :mod:`importlib` (``importlib.metadata`` and where Python
   imports the package from). Where it is present, ``get_installed_path``
   assumes a package's folder sits beside its metadata; in an editable
   install by current pip and setuptools (PEP 660) it does not, so for a
   package whose assumed folder is missing it answers with where Python
   imports the package from.
6. mmcv's ``adjust_hue`` (MMPretrain's ``ColorJitter`` with ``hue > 0``)
   computes ``np.uint8(hue_factor * 255)``, which NumPy 2 refuses for a
   negative factor (``OverflowError``: half of all hue draws); where NumPy
   refuses it, a negative factor shifts the hue as NumPy 1 did (modulo 256).
5. matplotlib >= 3.8 made the ``renderer`` argument of
   ``matplotlib._tight_bbox.adjust_bbox`` required, and MMPretrain's
   ``tools/visualization/browse_dataset.py`` calls it without one; when it
   is missing, the figure's own renderer is passed.
"""
import importlib.util
import inspect
import math
import os.path as osp
import pickle
import zipfile
from importlib import metadata
from typing import Optional

import matplotlib._tight_bbox as mpl_tight_bbox
import mmcv
import mmcv.image.photometric as mmcv_photometric
import mmengine.config.config as mmengine_config
import numpy as np
import torch
import torch.distributed as torch_dist
from mmengine.dist import utils as dist_utils
from mmengine.logging import HistoryBuffer
from mmengine.runner import Runner
from mmengine.runner.checkpoint import CheckpointLoader


if not hasattr(torch.serialization, 'add_safe_globals'):
    raise ImportError(f'glmc_mm needs torch >= 2.4 for its checkpoint '
                      f'allow-list, found torch {torch.__version__}')


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds objects outside the allow-list."""


def _checkpoint_globals() -> list:
    """The inert non-tensor classes that mmengine checkpoints hold.

    NumPy 2 renamed ``numpy.core`` to ``numpy._core``, and pickles name the
    module they were written with: the array and scalar rebuilders are
    listed under both names, so that a checkpoint written under NumPy 1
    loads under NumPy 2 and back.
    """
    if np.lib.NumpyVersion(np.__version__) >= '2.0.0':
        from numpy._core import multiarray
    else:
        from numpy.core import multiarray
    dtype_classes = {
        type(np.dtype(code))
        for code in '?bBhHiIlLqQefdgFDG'
    }
    rebuilders = [
        (function, f'numpy.{core}.multiarray.{function.__name__}')
        for function in (multiarray._reconstruct, multiarray.scalar)
        for core in ('core', '_core')
    ]
    return [
        HistoryBuffer, np.ndarray, np.dtype, *rebuilders,
        *sorted(dtype_classes, key=str)
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


def _get_installed_path(package: str) -> str:
    """MMEngine's ``get_installed_path``, or, where the folder it names does
    not exist (an editable install), the folder Python imports ``package``
    from."""
    path = _mmengine_get_installed_path(package)
    if not osp.isdir(path):
        return _imported_path(package) or path
    return path


def _imported_path(package: str) -> Optional[str]:
    """The folder Python imports ``package`` (a distribution whose top-level
    module has the same name, or is named in its ``top_level.txt``) from,
    or None."""
    names = [package]
    try:
        top_level = metadata.distribution(package).read_text('top_level.txt')
        names += (top_level or '').split()
    except metadata.PackageNotFoundError:
        pass
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            return list(spec.submodule_search_locations)[0]
        if spec is not None and spec.origin is not None:
            return osp.dirname(spec.origin)
    return None


def _get_installed_path_without_pkg_resources(package: str) -> str:
    """``get_installed_path`` from :mod:`importlib` (no ``pkg_resources``)."""
    path = _imported_path(package)
    if path is None:
        raise metadata.PackageNotFoundError(package)
    return path


def _is_installed_without_pkg_resources(package: str) -> bool:
    """``is_installed`` from :mod:`importlib` (no ``pkg_resources``)."""
    try:
        metadata.distribution(package)
        return True
    except metadata.PackageNotFoundError:
        return _imported_path(package) is not None


def _build_dataloader(dataloader, seed=None, diff_rank_seed=False):
    """MMEngine's ``Runner.build_dataloader`` without the ``_scope_`` key of
    an inherited ``collate_fn``."""
    collate_fn = dataloader.get('collate_fn') if isinstance(
        dataloader, dict) else None
    if isinstance(collate_fn, dict) and '_scope_' in collate_fn:
        collate_fn = {k: v for k, v in collate_fn.items() if k != '_scope_'}
        dataloader = {**dataloader, 'collate_fn': collate_fn}
    return _mmengine_build_dataloader(dataloader, seed, diff_rank_seed)


class _WrappingHueFactor(float):
    """A negative hue factor whose multiple is the 8-bit hue shift it means:
    mmcv's ``adjust_hue`` adds ``np.uint8(hue_factor * 255)`` to the hue
    channel, which NumPy 1 wrapped modulo 256 and NumPy 2 refuses for a
    negative factor (``OverflowError``)."""

    def __mul__(self, other):
        return math.trunc(float(self) * other) % 256

    __rmul__ = __mul__


def _adjust_hue(img: np.ndarray, hue_factor: float, backend=None):
    """mmcv's ``adjust_hue``, with a negative ``hue_factor`` shifting the
    hue as under NumPy 1."""
    if hue_factor < 0:
        hue_factor = _WrappingHueFactor(hue_factor)
    return _mmcv_adjust_hue(img, hue_factor, backend)


def _numpy_refuses_negative_uint8() -> bool:
    try:
        np.uint8(-25.5)
    except OverflowError:
        return True
    return False


def _adjust_bbox(fig, bbox_inches, renderer=None, fixed_dpi=None):
    """matplotlib's ``adjust_bbox`` with the figure's renderer by default."""
    if renderer is None:
        renderer = fig.canvas.get_renderer()
    return _mpl_adjust_bbox(fig, bbox_inches, renderer, fixed_dpi)


_mmengine_build_dataloader = Runner.build_dataloader
Runner.build_dataloader = staticmethod(_build_dataloader)
_mmengine_get_installed_path = mmengine_config.get_installed_path
if importlib.util.find_spec('pkg_resources') is None:
    mmengine_config.get_installed_path = (
        _get_installed_path_without_pkg_resources)
    mmengine_config.is_installed = _is_installed_without_pkg_resources
else:
    mmengine_config.get_installed_path = _get_installed_path
_mpl_adjust_bbox = mpl_tight_bbox.adjust_bbox
if inspect.signature(_mpl_adjust_bbox).parameters['renderer'].default is (
        inspect.Parameter.empty):
    mpl_tight_bbox.adjust_bbox = _adjust_bbox
_mmcv_adjust_hue = mmcv_photometric.adjust_hue
if _numpy_refuses_negative_uint8():
    for _module in (mmcv, mmcv.image, mmcv_photometric):
        _module.adjust_hue = _adjust_hue
