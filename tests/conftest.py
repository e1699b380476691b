import copy
import os

import numpy as np
import pytest
from mmpretrain.utils import register_all_modules

import glmc_mm  # noqa: F401
from glmc_mm.benchmark import (LAYOUTS, register_cifar_md5, write_cifar,
                               write_idx)

register_all_modules(init_default_scope=True)


@pytest.fixture(scope='session')
def cifar_files(tmp_path_factory):
    """Full-size generated CIFAR-10 and CIFAR-100 (50,000 training images of
    random pixels each), accepted by MMPretrain's md5 check."""
    saved = {
        kind: {
            key: copy.deepcopy(getattr(layout['cls'], key))
            for key in ('train_list', 'test_list', 'meta')
        }
        for kind, layout in LAYOUTS.items()
    }
    root = tmp_path_factory.mktemp('cifar')
    roots = {}
    for kind, per_class in (('cifar10', (5000, 1000)), ('cifar100', (500,
                                                                     100))):
        register_cifar_md5(write_cifar(str(root), kind, *per_class))
        roots[kind] = str(root)
    yield roots
    for kind, attrs in saved.items():
        for key, value in attrs.items():
            setattr(LAYOUTS[kind]['cls'], key, value)


@pytest.fixture(scope='session')
def fmnist(tmp_path_factory) -> str:
    """Fashion-MNIST IDX files of random pixels: 30 training and 5 test
    images per class."""
    root = str(tmp_path_factory.mktemp('fmnist'))
    rng = np.random.default_rng(0)
    for prefix, per_class in (('train', 30), ('t10k', 5)):
        labels = np.repeat(np.arange(10), per_class)
        write_idx(root, prefix,
                  rng.integers(0, 256, (len(labels), 28, 28), dtype=np.uint8),
                  labels)
    return root


@pytest.fixture(scope='session')
def finished_run(fmnist, tmp_path_factory):
    """The tiny Fashion-MNIST-LT CE run (depth 8, batch 8) of one epoch,
    trained once for the tools' bad-input rows, which each get a copy
    (``tiny_run.copy_of_run``)."""
    from mmengine.runner import Runner
    from tiny_run import Context, FinishedRun, tiny_fmnist_cfg
    tmp = str(tmp_path_factory.mktemp('finished_run'))
    cfg = tiny_fmnist_cfg('ce', Context(fmnist, tmp))
    Runner.from_cfg(cfg).train()
    config = os.path.join(tmp, 'config.py')
    cfg.dump(config)
    return FinishedRun(fmnist, config, cfg.work_dir)
