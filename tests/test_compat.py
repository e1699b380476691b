"""The compatibility fixes, each proven on a real run or a real file."""
import glob
import hashlib
import importlib
import importlib.util
import inspect
import os
import os.path as osp
import pickle
import pkgutil
import subprocess
import sys
from importlib import metadata
from unittest import mock

import numpy as np
import pytest
import torch
from mmengine.config.config import get_installed_path
from mmengine.dataset import BaseDataset
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader
from tiny_run import (free_port, make_tiny_cifar, run_tool, tool_env,
                      write_config)

from glmc_mm import compat
from glmc_mm.compat import UnsafeCheckpointError


class Payload:
    """Unpickling this creates ``marker``: a real code-execution payload."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


def write_malicious(path, marker):
    torch.save({
        'state_dict': {
            'w': torch.zeros(2)
        },
        'meta': Payload(marker)
    }, path)


def test_malicious_checkpoint_is_refused_without_running(tmp_path):
    evil = str(tmp_path / 'evil.pth')
    write_malicious(evil, tmp_path / 'pwned')
    # The payload is real: a plain unpickling runs it.
    probe = str(tmp_path / 'probe.pth')
    write_malicious(probe, tmp_path / 'probe_ran')
    run_tool([
        sys.executable, '-c',
        f'import torch; torch.load({probe!r}, weights_only=False)'
    ],
             check=True)
    assert osp.exists(tmp_path / 'probe_ran')

    with pytest.raises(
            UnsafeCheckpointError,
            match=r'Refused to load checkpoint .*evil\.pth.*'
            r'Nothing in it was executed.*posix\.system'):
        CheckpointLoader.load_checkpoint(evil, map_location='cpu')
    assert not osp.exists(tmp_path / 'pwned')


@pytest.fixture(scope='module')
def tiny_run(tmp_path_factory):
    """A real 2-epoch run of tools/train.py, then a resume to epoch 3."""
    root = tmp_path_factory.mktemp('tiny')
    md5 = make_tiny_cifar(str(root))
    config = write_config(str(root / 'plain.py'), str(root))
    work_dir = str(root / 'work')
    first = run_tool(
        [sys.executable, 'tools/train.py', config, '--work-dir', work_dir],
        md5,
        check=True)
    resumed = run_tool([
        sys.executable, 'tools/train.py', config, '--work-dir', work_dir,
        '--resume', '--cfg-options', 'train_cfg.max_epochs=3'
    ],
                       md5,
                       check=True)
    return dict(
        root=root,
        md5=md5,
        config=config,
        work_dir=work_dir,
        first=first,
        resumed=resumed)


def test_resume_continues_from_the_last_checkpoint(tiny_run):
    log = tiny_run['resumed'].stdout
    assert 'resumed epoch: 2, iter: 20' in log
    assert 'Epoch(train) [1]' not in log and 'Epoch(train) [3]' in log
    checkpoints = sorted(
        osp.basename(p)
        for p in glob.glob(osp.join(tiny_run['work_dir'], 'epoch_*.pth')))
    assert checkpoints == ['epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth']
    state = torch.load(
        osp.join(tiny_run['work_dir'], 'epoch_3.pth'), weights_only=True)
    assert state['meta']['epoch'] == 3 and state['meta']['iter'] == 30


def test_test_tool_refuses_a_malicious_checkpoint(tiny_run, tmp_path):
    evil = str(tmp_path / 'evil.pth')
    write_malicious(evil, tmp_path / 'pwned')
    result = run_tool([
        sys.executable, 'tools/test.py', tiny_run['config'], evil,
        '--work-dir',
        str(tmp_path / 'w')
    ], tiny_run['md5'])
    assert result.returncode != 0
    assert 'UnsafeCheckpointError: Refused to load checkpoint' in result.stderr
    assert not osp.exists(tmp_path / 'pwned')


def globals_named_in(path: str) -> set:
    """Every global a checkpoint names (with an empty allow-list)."""
    allowed = torch.serialization.get_safe_globals()
    torch.serialization.clear_safe_globals()
    try:
        return set(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    finally:
        torch.serialization.add_safe_globals(allowed)


def test_real_checkpoint_holds_only_allow_listed_globals(tiny_run):
    unsafe = globals_named_in(osp.join(tiny_run['work_dir'], 'epoch_3.pth'))
    assert 'builtins.getattr' not in unsafe
    core = 'core' if np.__version__.startswith('1.') else '_core'
    assert unsafe <= {
        'mmengine.logging.history_buffer.HistoryBuffer', 'numpy.ndarray',
        'numpy.dtype', f'numpy.{core}.multiarray._reconstruct',
        f'numpy.{core}.multiarray.scalar', 'numpy.dtypes.Float64DType',
        'numpy.dtypes.Int64DType'
    }
    assert 'mmengine.logging.history_buffer.HistoryBuffer' in unsafe


@pytest.mark.parametrize('major', [1, 2])
def test_a_checkpoint_written_under_either_numpy_loads(major):
    """tests/numpy_checkpoints/checkpoint_numpy{1,2}.pth were written by
    write_numpy_checkpoint.py beside them under NumPy 1.26 and 2.4: each
    stack loads both."""
    path = osp.join(
        osp.dirname(__file__), 'numpy_checkpoints',
        f'checkpoint_numpy{major}.pth')
    core = 'core' if major == 1 else '_core'
    assert f'numpy.{core}.multiarray._reconstruct' in globals_named_in(path)
    checkpoint = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    assert checkpoint['meta']['numpy'].startswith(f'{major}.')
    assert checkpoint['meta']['dataset_meta']['class_counts'].tolist() == [
        5, 3, 1
    ]
    hub = MessageHub('numpy_checkpoint_loaded')
    hub.load_state_dict(checkpoint['message_hub'])
    assert hub.get_scalar('train/loss').current() == 0.5
    assert hub.get_scalar('train/loss').mean() == pytest.approx(4.25 / 3)
    assert int(hub.get_info('seen')) == 3


def test_negative_hue_jitter_shifts_as_under_numpy_1():
    """mmcv's adjust_hue under NumPy 2 raised OverflowError for a negative
    factor; every stack now gives what NumPy 1.26 gave (values measured
    there, where mmcv's function runs unpatched)."""
    import mmcv
    from mmpretrain.registry import TRANSFORMS
    img = (np.arange(4 * 4 * 3).reshape(4, 4, 3) * 5 % 256).astype(np.uint8)
    for backend, total in (('cv2', 5573), ('pillow', 5579)):
        out = mmcv.adjust_hue(img, -0.1, backend=backend)
        assert out[0, 1].tolist() == [16, 15, 25]
        assert int(out.sum()) == total
    assert mmcv.adjust_hue(
        img, -0.5, backend='cv2')[0, 1].tolist() == [25, 20, 15]
    jitter = TRANSFORMS.build(dict(type='ColorJitter', hue=0.5))
    np.random.seed(0)
    for _ in range(20):  # about half of the factors drawn are negative
        assert jitter(dict(img=img.copy()))['img'].shape == (4, 4, 3)


def expected_patches() -> list:
    """The patches of glmc_mm.compat's table this stack needs, judged here
    from the stack itself."""
    import glmc_mm
    try:  # an editable install: the package is not beside its metadata
        location = metadata.distribution('glmc_mm').locate_file('')
        editable = osp.realpath(osp.join(str(location), 'glmc_mm')) != \
            osp.dirname(osp.realpath(glmc_mm.__file__))
    except metadata.PackageNotFoundError:
        editable = False
    has_pkg_resources = importlib.util.find_spec('pkg_resources') is not None
    needed = {
        'checkpoint_loader': True,  # MMEngine 0.10 passes no weights_only
        'checkpoint_allow_list': True,
        'history_buffer_state': True,  # MMEngine 0.10's own __getstate__
        'dist_without_accelerator': not torch.cuda.is_available(),
        'slurm_dist_without_accelerator': not torch.cuda.is_available(),
        'installed_path_from_importlib': not has_pkg_resources,
        'installed_path_editable': has_pkg_resources and editable,
        'hue_shift_numpy2': int(np.__version__.split('.')[0]) >= 2,
        'dataset_subset_memo': True,  # MMEngine 0.10's shared default dict
    }
    return [name for name, need in needed.items() if need]


def test_exactly_the_needed_patches_are_applied():
    assert [name for name, _, _ in compat.PATCHES] == [
        'checkpoint_loader', 'checkpoint_allow_list', 'history_buffer_state',
        'dist_without_accelerator', 'slurm_dist_without_accelerator',
        'installed_path_from_importlib', 'installed_path_editable',
        'hue_shift_numpy2', 'dataset_subset_memo'
    ]
    assert compat.applied_patches() == expected_patches()
    # every patch is in the docstring's table
    for name, _, _ in compat.PATCHES:
        assert f'   * - ``{name}``' in compat.__doc__


def test_import_leaves_matplotlib_alone():
    out = run_tool([
        sys.executable, '-c', 'import sys, glmc_mm; '
        'print(sorted(m for m in sys.modules if m.split(".")[0] == '
        '"matplotlib"))'
    ],
                   check=True).stdout
    assert out.strip() == '[]'


def test_each_applied_patch_fixes_what_it_says(tmp_path):
    """MMEngine's or MMCV's own function fails; with the patch it works."""
    applied = compat.applied_patches()
    empty = tmp_path / 'empty.pth'
    empty.write_bytes(b'')
    with pytest.raises(Exception) as unpatched:  # EOFError, no file named
        mmengine_checkpoint.load_from_local(str(empty), 'cpu')
    assert 'empty.pth' not in str(unpatched.value)
    with pytest.raises(
            compat.DamagedCheckpointError,
            match='empty.pth is not a complete checkpoint'):
        CheckpointLoader.load_checkpoint(str(empty), map_location='cpu')

    path = osp.join(
        osp.dirname(__file__), 'numpy_checkpoints',
        f'checkpoint_numpy{np.__version__[0]}.pth')
    allowed = torch.serialization.get_safe_globals()
    torch.serialization.clear_safe_globals()
    try:
        with pytest.raises(pickle.UnpicklingError, match='Unsupported global'):
            torch.load(path, weights_only=True)
    finally:
        torch.serialization.add_safe_globals(allowed)
    assert torch.load(path, weights_only=True)['meta']['numpy']

    buffer = HistoryBuffer()
    buffer.update(1.0)
    saved = tmp_path / 'buffer.pth'
    with mock.patch.object(HistoryBuffer, '__getstate__',
                           compat._mmengine_history_buffer_state):
        torch.save({'buffer': buffer}, saved)
    with pytest.raises(pickle.UnpicklingError, match='getattr'):
        torch.load(saved, weights_only=True)
    torch.save({'buffer': buffer}, saved)
    assert torch.load(saved, weights_only=True)['buffer'].current() == 1.0

    if 'dist_without_accelerator' in applied:
        # MMEngine's launcher selects a CUDA device, which this machine
        # lacks; the patched one runs in test_distributed_and_resume.py's
        # two-rank run
        env = dict(RANK='0', LOCAL_RANK='0', WORLD_SIZE='1')
        with mock.patch.dict(os.environ, env):
            with pytest.raises((RuntimeError, AssertionError),
                               match='NVIDIA driver|CUDA'):
                compat._mmengine_init_dist_pytorch('nccl')
    if 'slurm_dist_without_accelerator' in applied:
        # so does its Slurm launcher, after setting up the environment; the
        # patched one: test_slurm_launcher_starts_gloo_without_an_accelerator
        env = dict(
            SLURM_PROCID='0',
            SLURM_LOCALID='0',
            SLURM_NTASKS='1',
            SLURM_NODELIST='localhost',
            MASTER_ADDR='127.0.0.1')
        with mock.patch.dict(os.environ, env):
            with pytest.raises((RuntimeError, AssertionError),
                               match='NVIDIA driver|CUDA'):
                compat._mmengine_init_dist_slurm('nccl')
            assert os.environ['WORLD_SIZE'] == '1'
    if 'installed_path_from_importlib' in applied:
        with pytest.raises(ModuleNotFoundError, match='pkg_resources'):
            compat._mmengine_get_installed_path('mmpretrain')
    if 'installed_path_from_importlib' in applied or \
            'installed_path_editable' in applied:
        package = get_installed_path('glmc_mm')
        assert osp.isfile(osp.join(package, '__init__.py'))
    if 'installed_path_editable' in applied:
        assert not osp.isdir(compat._mmengine_get_installed_path('glmc_mm'))
    if 'hue_shift_numpy2' in applied:
        img = np.zeros((2, 2, 3), np.uint8)
        with pytest.raises(OverflowError):
            compat._mmcv_adjust_hue(img, -0.1)
        # the values: test_negative_hue_jitter_shifts_as_under_numpy_1
    if 'dataset_subset_memo' in applied:
        dataset = BaseDataset(
            data_root=str(tmp_path),
            ann_file='',
            lazy_init=True,
            pipeline=[dict(type='mmpretrain.PackInputs')])
        with mock.patch.object(BaseDataset, '_copy_without_annotation',
                               compat._mmengine_copy_without_annotation):
            first, second = (
                dataset._copy_without_annotation() for _ in range(2))
        assert first.pipeline is second.pipeline  # MMEngine's shared memo
        first, second = (dataset._copy_without_annotation() for _ in range(2))
        assert first.pipeline is not second.pipeline
        assert first.pipeline is not dataset.pipeline


# One task of a Slurm job: MMEngine's Slurm launcher asked for nccl, as the
# configs ask; an all-reduce of rank + 1 over the group.
SLURM_TASK = """
import os
import torch
import torch.distributed as dist
from mmengine.dist import init_dist
import glmc_mm  # noqa: F401
from glmc_mm.utils.process_group import destroy_process_group
set_device = torch.cuda.set_device
init_dist('slurm', backend='nccl')
total = torch.tensor([dist.get_rank() + 1])
dist.all_reduce(total)
print(dist.get_backend(), dist.get_world_size(), os.environ['RANK'],
      os.environ['LOCAL_RANK'], int(total),
      torch.cuda.set_device is set_device)
destroy_process_group()  # as the tools end: no gloo teardown race at exit
"""


@pytest.mark.skipif(
    torch.cuda.is_available(),
    reason="with an accelerator, MMEngine's own Slurm launcher is used")
def test_slurm_launcher_starts_gloo_without_an_accelerator():
    """Two processes with the variables srun gives two tasks on one node
    (MASTER_ADDR preset, which MMEngine keeps: scontrol needs a cluster;
    under a real srun in tests/test_slurm.py)."""
    port = str(free_port())
    tasks = [
        subprocess.Popen([sys.executable, '-c', SLURM_TASK],
                         env=tool_env(
                             extra_env=dict(
                                 SLURM_PROCID=rank,
                                 SLURM_LOCALID=rank,
                                 SLURM_NTASKS='2',
                                 SLURM_NODELIST='localhost',
                                 MASTER_ADDR='127.0.0.1',
                                 MASTER_PORT=port)),
                         stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE,
                         text=True) for rank in ('0', '1')
    ]
    outputs = [task.communicate(timeout=300) for task in tasks]
    for task, (_, err) in zip(tasks, outputs):
        assert task.returncode == 0, err[-3000:]
    # gloo, world size 2, RANK and LOCAL_RANK from SLURM_*, 1 + 2 = 3, and
    # torch.cuda.set_device restored after the launch
    assert [out.split() for out, _ in outputs] == [
        ['gloo', '2', '0', '0', '3', 'True'],
        ['gloo', '2', '1', '1', '3', 'True'],
    ]


def test_matplotlib_fix_for_the_dataset_browser():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib._tight_bbox as tight_bbox
    import matplotlib.pyplot as plt
    from matplotlib.transforms import Bbox
    original = tight_bbox.adjust_bbox
    fig = plt.figure()
    try:
        needed = compat.fix_matplotlib_adjust_bbox()
        assert needed == (
            inspect.signature(original).parameters['renderer'].default
            is inspect.Parameter.empty)
        if needed:
            with pytest.raises(TypeError, match='renderer'):
                original(fig, Bbox([[0, 0], [1, 1]]))
        restore = tight_bbox.adjust_bbox(fig, Bbox([[0, 0], [1, 1]]))
        restore()
    finally:
        tight_bbox.adjust_bbox = original
        plt.close(fig)


# MMEngine's methods that our subclasses replace, or that call a method we
# replace, with the SHA-256 (first 16 hex digits) of their source in MMEngine
# 0.10.7: a change in any of them must be read before it is trusted.
MMENGINE_METHODS = {
    'CheckpointHook._save_checkpoint': 'ec62a0a4f987522f',
    'CheckpointHook._save_checkpoint_with_step': 'cdbc1b54c7c88d95',
    'CheckpointHook.after_train_epoch': '2130891b986311c9',
    'LogProcessor._collect_non_scalars': '52db1bfce4ec430e',
    'LogProcessor.get_log_after_epoch': 'f63aaf9d20b624ac',
    '_ParamScheduler._get_value': '3f0e917a541ca4d2',
    '_ParamScheduler.step': '797e57236f99e86d',
    'BaseInit._get_init_info': '281727d26f8c1004',
}


def private_overrides() -> set:
    """``(our class.method, the MMEngine class.method it replaces)`` of
    every method of ours named ``_x`` that replaces one of an OpenMMLab
    base class."""
    import glmc_mm
    found = set()
    for info in pkgutil.walk_packages(glmc_mm.__path__, 'glmc_mm.'):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and cls.__module__ == info.name):
                continue
            for name in vars(cls):
                if not name.startswith('_') or name.startswith('__') or (
                        name == '_abc_impl'):
                    continue
                base = next((b for b in cls.__mro__[1:] if name in vars(b)),
                            None)
                openmmlab = ('mmengine', 'mmpretrain', 'mmcv')
                if base is not None and base.__module__.startswith(openmmlab):
                    found.add(
                        (f'{cls.__name__}.{name}', f'{base.__name__}.{name}'))
    return found


def test_every_private_override_is_in_the_table_and_mmengine_is_unchanged():
    import mmengine.hooks
    import mmengine.model.weight_init
    import mmengine.optim.scheduler.param_scheduler
    import mmengine.runner
    overrides = private_overrides()
    assert {ours
            for ours, _ in overrides} == {
                'AtomicCheckpointHook._save_checkpoint',
                'AtomicCheckpointHook._save_checkpoint_with_step',
                'ScalarLogProcessor._collect_non_scalars',
                'EpochEndWarmupCosineLR._get_value',
                'TorchDefaultBiasInit._get_init_info'
            }
    for ours, theirs in overrides:
        assert f'``{ours}``' in compat.__doc__ and (f'``{theirs}``'
                                                    in compat.__doc__), ours
        assert theirs in MMENGINE_METHODS, theirs
    classes = {
        'CheckpointHook': mmengine.hooks.CheckpointHook,
        'LogProcessor': mmengine.runner.LogProcessor,
        '_ParamScheduler':
        mmengine.optim.scheduler.param_scheduler._ParamScheduler,
        'BaseInit': mmengine.model.weight_init.BaseInit,
    }
    changed = []
    for qualified, digest in MMENGINE_METHODS.items():
        owner, name = qualified.split('.')
        source = inspect.getsource(getattr(classes[owner], name))
        if hashlib.sha256(source.encode()).hexdigest()[:16] != digest:
            changed.append(qualified)
    assert changed == [], (
        f'MMEngine changed {changed}: re-read them against the overrides '
        'in the table of glmc_mm/compat.py, then update their digests')


def test_import_without_mmcv_says_which_extra_to_install():
    # the interpreter cannot import mmcv, as where it is not installed
    result = run_tool([
        sys.executable, '-c',
        "import sys; sys.modules['mmcv'] = None; import glmc_mm"
    ])
    assert result.returncode == 1
    assert ('ImportError: glmc_mm needs mmcv 2.x below 2.4, and none is '
            'installed: pip install "glmc_mm[lite]"') in result.stderr
