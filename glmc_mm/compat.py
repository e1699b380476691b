"""Make MMEngine 0.10, MMCV 2.2 and MMPretrain 1.2 work, safely, on current
torch, NumPy, setuptools and matplotlib.

These are all the changes ``import glmc_mm`` makes to other libraries. Each
is applied only where the installed versions need it, judged from the
missing feature itself; :func:`applied_patches` names those applied in this
process. ``tests/test_compat.py`` checks, on every tested stack, that
exactly the needed ones are applied, and shows what each fixes failing
without it. Every other component goes through MMEngine's registries.

.. list-table::
   :header-rows: 1

   * - patch
     - target
     - what breaks without it
     - applied where
   * - ``checkpoint_loader``
     - MMEngine's local checkpoint loader, through its own seam
       (``CheckpointLoader.register_scheme``)
     - MMEngine calls ``torch.load`` without ``weights_only``: under
       torch < 2.6 a checkpoint can run code; an empty or truncated file
       fails with an error that names no file
     - MMEngine's ``load_from_local`` does not pass ``weights_only`` (all
       of MMEngine 0.10)
   * - ``checkpoint_allow_list``
     - torch's allow-list (``torch.serialization.add_safe_globals``)
     - ``weights_only`` loading refuses what MMEngine checkpoints hold
       besides tensors: the message hub's ``HistoryBuffer``, NumPy arrays,
       scalars and dtypes (both ``numpy.core`` and NumPy 2's
       ``numpy._core`` names, so that a checkpoint loads under either)
     - these classes are not yet allowed
   * - ``history_buffer_state``
     - ``mmengine.logging.HistoryBuffer.__getstate__``
     - MMEngine's own ``__getstate__`` adds the buffer's statistics methods,
       which pickle as ``getattr(HistoryBuffer, 'min')``; ``weights_only``
       refuses ``getattr``, so no checkpoint a run saves loads again. Here
       the state leaves them out (``__setstate__`` registers the defaults
       anyway)
     - a ``HistoryBuffer``'s state holds ``statistics_methods``
   * - ``dist_without_accelerator``
     - ``mmengine.dist.utils._init_dist_pytorch``
     - MMEngine's PyTorch launcher calls ``torch.cuda.set_device``: no
       ``tools/dist_train.sh`` on a machine without an accelerator (the
       launcher runs before a config is built, so no seam reaches it); here
       it starts ``gloo`` instead
     - this machine has no accelerator
   * - ``slurm_dist_without_accelerator``
     - ``mmengine.dist.utils._init_dist_slurm``
     - MMEngine's Slurm launcher calls ``torch.cuda.set_device`` too: no
       CPU job of ``tools/slurm_train.sh`` (``GPUS_PER_NODE=0``); here
       MMEngine's own launcher runs (``MASTER_ADDR`` from ``scontrol``,
       ``MASTER_PORT``, and ``WORLD_SIZE``, ``RANK`` and ``LOCAL_RANK``
       from Slurm's variables) with ``set_device`` a no-op for the call,
       and starts ``gloo`` instead of ``nccl``
     - this machine has no accelerator
   * - ``installed_path_from_importlib``
     - ``mmengine.config.get_installed_path`` and ``is_installed``
     - both import ``pkg_resources``, which setuptools >= 82 no longer
       ships: no ``mmpretrain::`` or ``glmc_mm::`` config resolves; here
       they are answered from :mod:`importlib`
     - ``pkg_resources`` is missing
   * - ``installed_path_editable``
     - ``mmengine.config.get_installed_path``
     - it assumes a package's folder sits beside its metadata, which is
       not so for an editable install by current pip and setuptools (PEP
       660): ``glmc_mm::`` configs are not found; here the folder Python
       imports the package from is used where the assumed one is missing
     - ``pkg_resources`` is present and ``glmc_mm`` is installed in
       editable mode
   * - ``hue_shift_numpy2``
     - ``mmcv.adjust_hue`` (MMPretrain's ``ColorJitter`` with ``hue > 0``)
     - it computes ``np.uint8(hue_factor * 255)``, which NumPy 2 refuses
       for a negative factor (``OverflowError`` on half of all draws); here
       a negative factor shifts the hue modulo 256, as under NumPy 1
     - NumPy refuses ``np.uint8(-25.5)``
   * - ``dataset_subset_memo``
     - ``mmengine.dataset.BaseDataset._copy_without_annotation`` (called by
       ``get_subset``, which ``LongTailDataset`` uses)
     - its ``memo`` defaults to one dict shared by every call of the
       process, which keeps the copy of each dataset ever subsetted under
       the dataset's ``id``: once that dataset is freed and a new object
       (a transform) gets its ``id``, a later subset's deep copy returns
       the stale dataset in the transform's place (``'FashionMNISTIDX'
       object is not callable`` mid-epoch, depending on memory reuse); two
       subsets of one dataset share one pipeline. Here each call gets a
       fresh ``memo``
     - the default ``memo`` is a dict

Overrides of private MMEngine methods. They patch nothing: each lives in
a subclass of ours that a config selects. MMEngine 0.10 offers no public
seam for them. Each was written against MMEngine 0.10.7, and
``tests/test_compat.py`` fails when MMEngine changes the method replaced
or the public method that calls it.

.. list-table::
   :header-rows: 1

   * - override
     - replaces
     - what it changes, and why
     - called from
   * - ``AtomicCheckpointHook._save_checkpoint``
     - ``CheckpointHook._save_checkpoint``
     - an epoch's checkpoint is held back until the epoch's validation has
       run, so a run killed during validation resumes before it (iteration
       checkpoints are left to MMEngine)
     - ``CheckpointHook.after_train_epoch``
   * - ``AtomicCheckpointHook._save_checkpoint_with_step``
     - ``CheckpointHook._save_checkpoint_with_step``
     - with ``max_keep_ckpts``, the oldest checkpoint is removed after the
       new one is written, not before; it records the new step first,
       which MMEngine reads as "nothing to remove"
     - ``_save_checkpoint``, ``_save_best_checkpoint``
   * - ``ScalarLogProcessor._collect_non_scalars``
     - ``LogProcessor._collect_non_scalars``
     - returns nothing while the evaluation log line is formatted, so the
       per-class lists stay out of the line (and in the saved results)
     - ``LogProcessor.get_log_after_epoch``
   * - ``EpochEndWarmupCosineLR._get_value``
     - ``_ParamScheduler._get_value``
     - the learning rate of each step: MMEngine's documented way to write a
       scheduler (the base method only raises ``NotImplementedError``)
     - ``_ParamScheduler.step``
   * - ``TorchDefaultBiasInit._get_init_info``
     - ``BaseInit._get_init_info``
     - the line MMEngine logs for the initializer, as every MMEngine
       initializer writes its own
     - ``TorchDefaultBiasInit.__call__`` (ours)

Not applied on import: :func:`fix_matplotlib_adjust_bbox`, for MMPretrain's
``browse_dataset.py``, which ``tools/visualization/browse_dataset.py``
calls (matplotlib is not imported by ``import glmc_mm``).

The ``_scope_`` key that MMEngine gives every inherited dict with a
``type`` needs no patch: the configs' collate function,
:func:`~glmc_mm.datasets.same_size_collate`, accepts it, and
:func:`~glmc_mm.visualization.browse_config` drops it from the visualizer.
"""
import importlib.util
import inspect
import math
import os.path as osp
import pickle
import zipfile
from importlib import metadata
from typing import List, Optional

try:
    import mmcv
except ImportError as error:  # the wheel leaves the choice to the user
    raise ImportError(
        'glmc_mm needs mmcv 2.x below 2.4, and none is installed: '
        'pip install "glmc_mm[lite]" adds mmcv-lite, all that MMPretrain '
        'needs; pip install "glmc_mm[mim]" (or mim install mmcv) adds full '
        'mmcv with its compiled ops') from error
import mmcv.image.photometric as mmcv_photometric
import mmengine.config.config as mmengine_config
import numpy as np
import torch
import torch.distributed as torch_dist
from mmengine.dataset import BaseDataset
from mmengine.dist import utils as dist_utils
from mmengine.logging import HistoryBuffer
from mmengine.runner import checkpoint as mmengine_checkpoint
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
    dtype_classes = {type(np.dtype(code)) for code in '?bBhHiIlLqQefdgFDG'}
    rebuilders = [(function, f'numpy.{core}.multiarray.{function.__name__}')
                  for function in (multiarray._reconstruct, multiarray.scalar)
                  for core in ('core', '_core')]
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
            'that are not tensors or allow-listed data, so unpickling it '
            'could run code. Nothing in it was executed. Only load '
            f'checkpoints you trust. {" ".join(culprit)}') from None
    except (EOFError, RuntimeError, KeyError, ValueError,
            zipfile.BadZipFile) as error:
        raise DamagedCheckpointError(
            f'{filename} is not a complete checkpoint: reading it failed with '
            f'{type(error).__name__}: {error}') from None


def _history_buffer_state(self: HistoryBuffer) -> dict:
    """A :class:`HistoryBuffer`'s state without its statistics methods."""
    return {
        key: value
        for key, value in self.__dict__.items() if key != 'statistics_methods'
    }


def _accelerated() -> bool:
    return (torch.cuda.is_available() or dist_utils.is_mlu_available()
            or dist_utils.is_npu_available() or dist_utils.is_musa_available())


def _init_dist_pytorch(backend, init_backend='torch', **kwargs) -> None:
    """MMEngine's PyTorch launcher, starting ``gloo`` without
    ``set_device`` (this machine has no accelerator)."""
    if init_backend != 'torch':
        return _mmengine_init_dist_pytorch(backend, init_backend, **kwargs)
    torch_dist.init_process_group(
        backend='gloo' if backend == 'nccl' else backend, **kwargs)


def _init_dist_slurm(backend: str,
                     port: Optional[int] = None,
                     init_backend: str = 'torch',
                     **kwargs) -> None:
    """MMEngine's Slurm launcher, without its ``torch.cuda.set_device``
    (this machine has no accelerator) and starting ``gloo`` where
    ``nccl`` is asked for."""
    if init_backend != 'torch':
        return _mmengine_init_dist_slurm(backend, port, init_backend, **kwargs)
    set_device = torch.cuda.set_device
    torch.cuda.set_device = lambda device: None
    try:
        _mmengine_init_dist_slurm('gloo' if backend == 'nccl' else backend,
                                  port, init_backend, **kwargs)
    finally:
        torch.cuda.set_device = set_device


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


def fix_matplotlib_adjust_bbox() -> bool:
    """Let MMPretrain's ``tools/visualization/browse_dataset.py`` save its
    figures under matplotlib >= 3.8, which made the ``renderer`` argument
    of ``matplotlib._tight_bbox.adjust_bbox`` required (the browser calls
    it without one): where it is required, the figure's own renderer is
    passed when none is. Called by our ``browse_dataset.py`` alone, so that
    ``import glmc_mm`` imports no matplotlib.

    Returns:
        bool: Whether the installed matplotlib needed it.
    """
    import matplotlib._tight_bbox as tight_bbox
    adjust_bbox = tight_bbox.adjust_bbox
    renderer = inspect.signature(adjust_bbox).parameters['renderer']
    if renderer.default is not inspect.Parameter.empty:
        return False

    def _adjust_bbox(fig, bbox_inches, renderer=None, fixed_dpi=None):
        if renderer is None:
            renderer = fig.canvas.get_renderer()
        return adjust_bbox(fig, bbox_inches, renderer, fixed_dpi)

    tight_bbox.adjust_bbox = _adjust_bbox
    return True


def _loader_passes_weights_only() -> bool:
    return 'weights_only' in inspect.getsource(
        mmengine_checkpoint.load_from_local)


def _not_yet_allowed() -> list:
    """The entries of :func:`_checkpoint_globals` that torch's allow-list
    lacks (an object, or an ``(object, name)`` pair)."""

    def key(entry) -> tuple:
        return (id(entry[0]),
                entry[1]) if isinstance(entry, tuple) else (id(entry), None)

    listed = getattr(torch.serialization, 'get_safe_globals', list)()
    allowed = {key(entry) for entry in listed}
    return [e for e in _checkpoint_globals() if key(e) not in allowed]


def _installed_editable(package: str) -> bool:
    """Whether ``package`` is installed where MMEngine's
    ``get_installed_path`` would not find it (beside its metadata)."""
    try:
        location = metadata.distribution(package).locate_file('')
    except metadata.PackageNotFoundError:
        return False
    return not osp.isdir(osp.join(str(location), package))


def _apply_checkpoint_loader() -> None:
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)


def _apply_installed_path_from_importlib() -> None:
    mmengine_config.get_installed_path = (
        _get_installed_path_without_pkg_resources)
    mmengine_config.is_installed = _is_installed_without_pkg_resources


def _copy_without_annotation(self: BaseDataset,
                             memo: Optional[dict] = None) -> BaseDataset:
    return _mmengine_copy_without_annotation(self,
                                             {} if memo is None else memo)


def _shares_subset_memo() -> bool:
    memo = inspect.signature(
        BaseDataset._copy_without_annotation).parameters['memo']
    return isinstance(memo.default, dict)


def _apply_hue_shift() -> None:
    for module in (mmcv, mmcv.image, mmcv_photometric):
        module.adjust_hue = _adjust_hue


_mmengine_init_dist_pytorch = dist_utils._init_dist_pytorch
_mmengine_init_dist_slurm = dist_utils._init_dist_slurm
_mmengine_history_buffer_state = HistoryBuffer.__getstate__
_mmengine_get_installed_path = mmengine_config.get_installed_path
_mmcv_adjust_hue = mmcv_photometric.adjust_hue
_mmengine_copy_without_annotation = BaseDataset._copy_without_annotation
_has_pkg_resources = importlib.util.find_spec('pkg_resources') is not None
_missing_globals = _not_yet_allowed()

# (name, needed on this stack, how it is applied): the table above
PATCHES = [
    ('checkpoint_loader', not _loader_passes_weights_only(),
     _apply_checkpoint_loader),
    ('checkpoint_allow_list', bool(_missing_globals),
     lambda: torch.serialization.add_safe_globals(_missing_globals)),
    ('history_buffer_state', 'statistics_methods'
     in HistoryBuffer().__getstate__(),
     lambda: setattr(HistoryBuffer, '__getstate__', _history_buffer_state)),
    ('dist_without_accelerator', not _accelerated(),
     lambda: setattr(dist_utils, '_init_dist_pytorch', _init_dist_pytorch)),
    ('slurm_dist_without_accelerator', not _accelerated(),
     lambda: setattr(dist_utils, '_init_dist_slurm', _init_dist_slurm)),
    ('installed_path_from_importlib', not _has_pkg_resources,
     _apply_installed_path_from_importlib),
    ('installed_path_editable', _has_pkg_resources
     and _installed_editable('glmc_mm'), lambda: setattr(
         mmengine_config, 'get_installed_path', _get_installed_path)),
    ('hue_shift_numpy2', _numpy_refuses_negative_uint8(), _apply_hue_shift),
    ('dataset_subset_memo', _shares_subset_memo(), lambda: setattr(
        BaseDataset, '_copy_without_annotation', _copy_without_annotation)),
]
_APPLIED: List[str] = []
for _name, _needed, _apply in PATCHES:
    if _needed:
        _apply()
        _APPLIED.append(_name)


def applied_patches() -> List[str]:
    """The names of the patches of the table above applied in this process,
    in the table's order."""
    return list(_APPLIED)
