"""The configs inside the installed package: a non-editable ``pip install``
ships them in ``glmc_mm/.mim``; ``mim train glmc_mm NAME`` and a user config
that inherits ``glmc_mm::glmc/<name>.py`` work from a folder outside the
repository."""
import glob
import os
import os.path as osp
import subprocess
import sys

import pytest
from mmengine.config import Config
from mmengine.registry import MODELS as MMENGINE_MODELS
from tiny_run import (HAS_MIM, MIM, REPO, TESTS, make_tiny_cifar, needs_mim,
                      run_tool)

FASHION = 'glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py'


@pytest.fixture(scope='module')
def installed(tmp_path_factory) -> str:
    """``pip install --target SITE`` of a copy of the checkout's files (as
    git sees them), so nothing is built inside the repository; returns
    SITE."""
    tmp = tmp_path_factory.mktemp('installed')
    source, site = tmp / 'source', tmp / 'site'
    files = subprocess.run(
        ['git', 'ls-files', '--cached', '--others', '--exclude-standard'],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True).stdout.split()
    for name in files:
        if osp.isfile(osp.join(REPO, name)):
            os.makedirs(source / osp.dirname(name), exist_ok=True)
            with open(osp.join(REPO, name), 'rb') as src:
                (source / name).write_bytes(src.read())
    result = subprocess.run([
        sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
        '--no-build-isolation', '--disable-pip-version-check', '--target',
        str(site),
        str(source)
    ],
                            capture_output=True,
                            text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return str(site)


def outside_run(args: list,
                cwd: str,
                site: str,
                md5_table: str = '') -> subprocess.CompletedProcess:
    """Run a command in ``cwd``, a folder outside the repository, with the
    installed copy first on the path (and the tests' plugin that accepts
    generated CIFAR files importable)."""
    return run_tool(
        args,
        md5_table,
        cwd=cwd,
        check=True,
        extra_env=dict(PYTHONPATH=os.pathsep.join([site, TESTS])))


def test_the_wheel_ships_every_config_the_tools_and_the_model_index(installed):
    mim = osp.join(installed, 'glmc_mm', '.mim')
    ours = sorted(
        osp.relpath(p, osp.join(REPO, 'configs')) for p in glob.glob(
            osp.join(REPO, 'configs', '**', '*.py'), recursive=True))
    shipped = sorted(
        osp.relpath(p, osp.join(mim, 'configs')) for p in glob.glob(
            osp.join(mim, 'configs', '**', '*.py'), recursive=True))
    assert shipped == ours and len(ours) > 60
    for name in ('model-index.yml', 'configs/glmc/metafile.yml',
                 'tools/train.py', 'tools/test.py', 'tools/dist_train.sh'):
        assert osp.isfile(osp.join(mim, name)), name


@needs_mim
def test_mim_train_glmc_mm_by_config_name(installed, fmnist, tmp_path):
    """The flagship Fashion-MNIST-LT GLMC config, found by its name in the
    installed package, trains two epochs (GLMC's minimum) on generated
    Fashion-MNIST."""
    result = outside_run([
        MIM, 'train', 'glmc_mm', FASHION, '--work-dir', 'work',
        '--cfg-options', 'train_cfg.max_epochs=2', 'param_scheduler.T_max=2',
        'model.backbone.depth=8', 'train_dataloader.batch_size=8',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        f'train_dataloader.dataset.dataset.data_root={fmnist}',
        'train_dataloader.dataset.max_per_class=24',
        'train_dataloader.dataset.imbalance_factor=4',
        'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        f'val_dataloader.dataset.data_root={fmnist}'
    ], str(tmp_path), installed)
    found = osp.join(installed, 'glmc_mm', '.mim', 'configs', 'glmc', FASHION)
    assert f'will use {found} instead' in result.stdout
    assert 'loss_consistency' in result.stdout and 'lt/top1' in result.stdout
    assert osp.isfile(tmp_path / 'work' / 'epoch_2.pth')


def test_user_config_inherits_a_glmc_mm_config(installed, tmp_path):
    """``_base_ = ['glmc_mm::glmc/<CIFAR-10-LT GLMC>.py']``: resolved in the
    installed package, trained two epochs on generated CIFAR-10 under
    ./data/cifar10 through ``mim train glmc_mm`` (the package's own
    tools/train.py), every inherited part built without MMEngine's
    registry-scope warnings; then ``mim test glmc_mm`` evaluates it."""
    md5 = make_tiny_cifar(str(tmp_path / 'data' / 'cifar10'))
    (tmp_path / 'my_glmc.py').write_text(
        "_base_ = ['glmc_mm::glmc/glmc_resnet32_1xb64-200e_cifar10-lt-if100"
        ".py']\n"
        "custom_imports = dict(imports=['glmc_mm', 'cifar_md5_from_env'])\n"
        'train_cfg = dict(max_epochs=2)\n'
        'model = dict(backbone=dict(depth=8, base_channels=8),\n'
        '             head=dict(in_channels=32, proj_channels=16))\n'
        'train_dataloader = dict(\n'
        '    batch_size=16, num_workers=0, persistent_workers=False,\n'
        '    dataset=dict(imbalance_factor=10))\n'
        'val_dataloader = dict(num_workers=0, persistent_workers=False)\n')
    where = outside_run([
        sys.executable, '-c',
        'import glmc_mm; from mmengine.config import Config; '
        "print(glmc_mm.__file__); print(Config.fromfile('my_glmc.py')"
        '.model._scope_)'
    ], str(tmp_path), installed, md5)
    assert where.stdout.split()[-2:] == [
        osp.join(installed, 'glmc_mm', '__init__.py'), 'glmc_mm'
    ]
    # mim where it runs, else the package's own tools/train.py, which mim
    # would call
    train = [MIM, 'train', 'glmc_mm'] if HAS_MIM else [
        sys.executable,
        osp.join(installed, 'glmc_mm', '.mim', 'tools', 'train.py')
    ]
    result = outside_run([*train, 'my_glmc.py', '--work-dir', 'work'],
                         str(tmp_path), installed, md5)
    assert 'Failed to search registry' not in result.stdout + result.stderr
    assert 'loss_consistency' in result.stdout and 'lt/top1' in result.stdout
    assert osp.isfile(tmp_path / 'work' / 'epoch_2.pth')
    test = [MIM, 'test', 'glmc_mm', 'my_glmc.py', '--checkpoint'] \
        if HAS_MIM else [
            sys.executable,
            osp.join(installed, 'glmc_mm', '.mim', 'tools', 'test.py'),
            'my_glmc.py'
        ]
    tested = outside_run([*test, 'work/epoch_2.pth', '--work-dir', 'test'],
                         str(tmp_path), installed, md5)
    assert 'Epoch(test)' in tested.stdout and 'lt/top1' in tested.stdout


def test_glmc_mm_scope_in_the_editable_checkout(tmp_path):
    """The same inheritance where glmc_mm is installed in editable mode
    (``tools/setup_env.sh``): ``glmc_mm/.mim`` links to the checkout."""
    (tmp_path / 'my.py').write_text(f"_base_ = ['glmc_mm::glmc/{FASHION}']\n")
    cfg = Config.fromfile(str(tmp_path / 'my.py'))
    assert cfg.model.type == 'GLMCClassifier'
    assert cfg.model._scope_ == 'glmc_mm'
    with MMENGINE_MODELS.switch_scope_and_registry('glmc_mm') as registry:
        assert registry.scope == 'glmc_mm'
        assert registry.get('GLMCClassifier').__name__ == 'GLMCClassifier'
