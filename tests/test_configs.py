"""Every config loads, builds, and carries the reference settings of
docs/method.md."""
import glob
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmpretrain.registry import DATASETS, MODELS
from tiny_run import REPO

CONFIGS = osp.join(REPO, 'configs', 'glmc')
# configs/_base_/lt_runtime.py: every long-tailed run has these
RUNTIME_HOOKS = [
    'ThreadSettlingHook', 'ClassCountsHook', 'NonFiniteLossHook',
    'NonFinitePredictionHook', 'StrictLoadHook', 'ResumeCheckHook',
    'ClassMatchHook', 'ImageFileCheckHook', 'PerClassAccuracyHook',
    'RandomStateHook', 'RankHeartbeatHook'
]
CIFAR = dict(
    lr=0.01,
    weight_decay=5e-3,
    epochs=200,
    batch=64,
    gpus=1,
    warmup=None,
    width=64,
    proj=128)
IMAGENET = dict(
    lr=0.1,
    weight_decay=2e-4,
    epochs=135,
    batch=15,
    gpus=8,
    warmup=10,
    proj=256)
INAT = dict(IMAGENET, weight_decay=1e-4, epochs=120, batch=16)
FASHION = dict(
    CIFAR,
    lr=0.05,
    weight_decay=5e-4,
    epochs=30,
    width=16,
    dataset='LongTailDataset',
    imbalance_factor=100,
    classes=10,
    backbone='CIFARResNet')
# (q, p, lambda_c) of the authors' settings
CIFAR10 = {100: (0.0, 1.2, 1.0), 50: (0.0, 1.2, 1.0), 10: (0.2, 1.0, 2.0)}
CIFAR100 = {100: (0.0, 1.2, 4.0), 50: (0.2, 1.2, 6.0), 10: (0.2, 1.2, 4.0)}

TABLE = {}
for dataset, losses, classes in (('cifar10', CIFAR10, 10), ('cifar100',
                                                            CIFAR100, 100)):
    for factor, (q, p, lam_c) in losses.items():
        setting = dict(
            CIFAR,
            dataset=f'{dataset.upper()}LT',
            imbalance_factor=factor,
            classes=classes,
            backbone='CIFARResNet')
        name = f'resnet32_1xb64-200e_{dataset}-lt-if{factor}.py'
        TABLE[f'glmc_{name}'] = dict(
            setting, q=q, p=p, lambda_c=lam_c, max_norm=False)
        TABLE[f'glmc-maxnorm_{name}'] = dict(
            setting, q=q, p=p, lambda_c=lam_c, max_norm=True)
        TABLE[f'ce_{name}'] = dict(setting, q=None)
IMAGENET_LT = dict(
    IMAGENET,
    dataset='ImageNetLT',
    classes=1000,
    q=0.2,
    p=1.0,
    lambda_c=10.0,
    max_norm=False)
TABLE.update({
    'glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py':
    dict(IMAGENET_LT, backbone='ResNeXt'),
    'glmc_resnext50-32x4d_8xb16-120e_inaturalist2018.py':
    dict(
        INAT,
        dataset='INaturalist2018',
        classes=8142,
        q=0.2,
        p=1.0,
        lambda_c=10.0,
        max_norm=False,
        backbone='ResNeXt'),
    'glmc_resnet50_8xb15-135e_imagenet-lt.py':
    dict(IMAGENET_LT, backbone='ResNet'),
    'glmc_convnext-tiny_8xb15-135e_imagenet-lt.py':
    dict(IMAGENET_LT, backbone='ConvNeXt'),
    'glmc_vit-small-p16_8xb15-135e_imagenet-lt.py':
    dict(IMAGENET_LT, backbone='VisionTransformer'),
    'glmc_resnet18-cifar_1xb64-200e_cifar100-lt-if100.py':
    dict(
        CIFAR,
        dataset='CIFAR100LT',
        imbalance_factor=100,
        classes=100,
        q=0.0,
        p=1.2,
        lambda_c=4.0,
        max_norm=False,
        backbone='ResNet_CIFAR'),
    'glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py':
    dict(FASHION, q=0.0, p=1.2, lambda_c=1.0, max_norm=False),
    'ce_resnet32-w16_1xb64-30e_fashion-mnist-lt.py':
    dict(FASHION, q=None),
})

# The baselines and GLMC variants of each setting: the GLMC config they are
# compared with, their head and loss, and their extra hook.
SETTINGS = {
    'resnet32_1xb64-200e_cifar10-lt-if100':
    'glmc_resnet32_1xb64-200e_cifar10-lt-if100.py',
    'resnet32_1xb64-200e_cifar100-lt-if100':
    'glmc_resnet32_1xb64-200e_cifar100-lt-if100.py',
    'resnet32-w16_1xb64-30e_fashion-mnist-lt':
    'glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py',
    'resnext50-32x4d_8xb15-135e_imagenet-lt':
    'glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py',
}
RECIPES = {
    'ce-mixup': ('LinearClsHead', 'CrossEntropyLoss', 'Mixup', None),
    'ce-cutmix': ('LinearClsHead', 'CrossEntropyLoss', 'CutMix', None),
    'bs': ('LinearClsHead', 'BalancedSoftmaxLoss', None, None),
    'ldam-drw':
    ('NormLinearClsHead', 'LDAMLoss', None, 'DeferredReweightingHook'),
    'crt': ('LinearClsHead', 'CrossEntropyLoss', None, None),
    'glmc-bs': ('GLMCHead', 'CrossEntropyLoss', None, None),
}
BASELINES = {}
for setting, glmc in SETTINGS.items():
    for recipe in RECIPES:
        name = f'{recipe}_{setting}.py'
        if recipe == 'crt':
            name = name.replace('-200e_', '-10e_').replace('-135e_', '-10e_')
            name = name.replace('-30e_', '-10e_')
        BASELINES[name] = (glmc, recipe)
BASELINES['ce_resnext50-32x4d_8xb15-135e_imagenet-lt.py'] = (
    'glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py', 'ce')
BASELINES['glmc-maxnorm_resnet32-w16_1xb64-30e_fashion-mnist-lt.py'] = (
    'glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py', 'glmc-maxnorm')
BASELINES['glmc-sam_resnet32-w16_1xb64-30e_fashion-mnist-lt.py'] = (
    'glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py', 'glmc-sam')
BASELINES['bs-sam_resnet32-w16_1xb64-30e_fashion-mnist-lt.py'] = (
    'glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py', 'bs-sam')
# the photometric augmentations on the batch (tests/test_batch_photometric.py)
BASELINES['glmc-batchaug_resnext50-32x4d_8xb15-135e_imagenet-lt.py'] = (
    'glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py', 'glmc-batchaug')


def test_every_config_is_in_the_table():
    on_disk = {osp.basename(p) for p in glob.glob(osp.join(CONFIGS, '*.py'))}
    assert on_disk == set(TABLE) | set(BASELINES)
    assert not set(TABLE) & set(BASELINES)


@pytest.mark.parametrize('name', sorted(BASELINES))
def test_baseline_shares_the_setting_of_its_glmc_config(name):
    glmc_name, recipe = BASELINES[name]
    cfg = Config.fromfile(osp.join(CONFIGS, name))
    glmc = Config.fromfile(osp.join(CONFIGS, glmc_name))
    # same backbone, data, batch, optimizer, evaluation
    assert cfg.model.backbone.type == glmc.model.backbone.type
    for key in ('depth', 'base_channels', 'in_channels', 'groups'):
        assert cfg.model.backbone.get(key) == glmc.model.backbone.get(key)
    dataset, reference = cfg.train_dataloader.dataset, \
        glmc.train_dataloader.dataset
    for key in ('type', 'data_root', 'imbalance_factor', 'max_per_class',
                'draw', 'seed', 'ann_file'):
        assert dataset.get(key) == reference.get(key), key
    assert cfg.train_dataloader.batch_size == glmc.train_dataloader.batch_size
    assert cfg.optim_wrapper.optimizer == glmc.optim_wrapper.optimizer
    assert cfg.val_evaluator == glmc.val_evaluator
    assert cfg.data_preprocessor.mean == glmc.data_preprocessor.mean
    assert cfg.data_preprocessor.std == glmc.data_preprocessor.std
    hooks = [h.type for h in cfg.custom_hooks]
    if recipe.startswith('glmc'):
        assert cfg.model.type == 'GLMCClassifier'
        assert hooks[:len(RUNTIME_HOOKS) +
                     1] == [*RUNTIME_HOOKS, 'CumulativeLearningHook']
        assert ('MaxNormHook' in hooks) == (recipe == 'glmc-maxnorm')
        assert (cfg.data_preprocessor.get('photometric') is None) == (
            recipe != 'glmc-batchaug')
        if recipe == 'glmc-bs':
            assert cfg.model.head.rebalanced_loss == dict(
                type='BalancedSoftmaxLoss', tau=1.0, use_soft=True)
        assert (cfg.optim_wrapper.get('type') == 'SAMOptimWrapper') == (
            recipe == 'glmc-sam')
        if recipe == 'glmc-sam':
            assert (cfg.optim_wrapper.rho,
                    cfg.optim_wrapper.perturb_losses) == (0.05, [
                        'loss_balanced', 'loss_rebalanced'
                    ])
        return
    assert cfg.model.type == 'ImageClassifier'
    assert cfg.data_preprocessor.get('type') is None  # MMPretrain's
    assert (cfg.optim_wrapper.get('type') == 'SAMOptimWrapper') == (
        recipe == 'bs-sam')
    if recipe == 'bs-sam':
        assert (cfg.optim_wrapper.rho,
                cfg.optim_wrapper.get('perturb_losses')) == (0.05, None)
        recipe = 'bs'
    views = [
        t for t in dataset.get('dataset', dataset).pipeline
        if t.type == 'MultiView'
    ]
    assert not views
    if recipe == 'ce':
        assert hooks == RUNTIME_HOOKS
        return
    head, loss, augment, hook = RECIPES[recipe]
    assert (cfg.model.head.type, cfg.model.head.loss.type) == (head, loss)
    augments = cfg.model.get('train_cfg', {}).get('augments')
    assert (augments or {}).get('type') == augment
    if augment:
        assert augments.alpha == 1.0 and cfg.model.head.loss.use_soft
    assert hooks == [*RUNTIME_HOOKS, *([hook] if hook else [])]
    if recipe == 'crt':
        # stage 2: the CE checkpoint's backbone, frozen, class-balanced
        init = cfg.model.backbone.init_cfg
        assert (init.type, init.prefix) == ('Pretrained', 'backbone.')
        assert init.checkpoint.startswith(
            'work_dirs/' + name.replace('crt_', 'ce_').split('-10e_')[0])
        assert cfg.model.backbone.norm_eval
        assert cfg.train_dataloader.batch_sampler == dict(
            type='RebalancedBatchSampler',
            resample_weighting=1.0,
            with_uniform=False)
        assert cfg.train_cfg.max_epochs == 10
        return
    assert cfg.train_cfg.max_epochs == glmc.train_cfg.max_epochs
    assert cfg.param_scheduler == glmc.param_scheduler
    if hook:  # DRW at 80 % of the schedule, as 160 of 200
        drw = cfg.custom_hooks[len(RUNTIME_HOOKS)]
        assert drw.start_epoch == round(0.8 * cfg.train_cfg.max_epochs)
        assert drw.beta == 0.9999
        assert (cfg.model.head.loss.max_margin,
                cfg.model.head.loss.scale) == (0.5, 30.0)


@pytest.mark.parametrize('name', sorted(BASELINES))
def test_baseline_builds_its_model(name):
    cfg = Config.fromfile(osp.join(CONFIGS, name))
    if cfg.model.backbone.get('init_cfg', {}).get('type') == 'Pretrained':
        cfg.model.backbone.init_cfg = None  # no CE checkpoint here
    model = MODELS.build(
        dict(cfg.model, data_preprocessor=cfg.data_preprocessor))
    assert model.head.num_classes == cfg.data_preprocessor.num_classes


@pytest.mark.parametrize('name', sorted(TABLE))
def test_config_matches_the_reference(name):
    want = TABLE[name]
    cfg = Config.fromfile(osp.join(CONFIGS, name))
    assert cfg.custom_imports.imports == ['glmc_mm']
    loader = cfg.train_dataloader
    assert loader.dataset.type == want['dataset']
    if 'imbalance_factor' in want:
        assert loader.dataset.imbalance_factor == want['imbalance_factor']
    assert loader.batch_size == want['batch']
    assert cfg.auto_scale_lr.base_batch_size == want['batch'] * want['gpus']
    optimizer = cfg.optim_wrapper.optimizer
    assert (optimizer.type, optimizer.lr, optimizer.momentum,
            optimizer.weight_decay) == ('SGD', want['lr'], 0.9,
                                        want['weight_decay'])
    assert cfg.train_cfg.max_epochs == want['epochs']
    scheduler = cfg.param_scheduler
    if want['warmup'] is None:
        assert scheduler.type == 'CosineAnnealingLR' and scheduler.by_epoch
        assert scheduler.T_max == want['epochs']
    else:  # the authors' ImageNet-LT / iNaturalist learning rates
        assert scheduler.type == 'EpochEndWarmupCosineLR'
        assert (scheduler.warmup_epochs,
                scheduler.total_epochs) == (want['warmup'], want['epochs'])
    # shot groups: the authors' convention on their datasets
    assert cfg.val_evaluator.type == 'LongTailAccuracy'
    assert cfg.val_evaluator.get(
        'convention',
        'standard') == ('standard'
                        if name.endswith('fashion-mnist-lt.py') else 'authors')
    assert cfg.model.backbone.type == want['backbone']
    if want['backbone'] == 'CIFARResNet':
        assert (cfg.model.backbone.depth,
                cfg.model.backbone.base_channels) == (32, want['width'])
    # one stacked tensor per view leaves the workers (see the Speed
    # section), and every batch is checked for one image size
    for field in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[field].collate_fn.type == 'same_size_collate', field
    hooks = [h.type for h in cfg.custom_hooks]
    source = loader.dataset.get('dataset', loader.dataset)  # a wrapper's
    views = [t for t in source.pipeline if t.type == 'MultiView']
    assert cfg.model_wrapper_cfg.type == 'AnyDeviceDistributedDataParallel'
    assert cfg.default_hooks.checkpoint.type == 'AtomicCheckpointHook'
    if want['q'] is None:  # cross-entropy baseline
        assert cfg.model.type == 'ImageClassifier'
        assert cfg.model.head.num_classes == want['classes']
        assert cfg.data_preprocessor.get('type') is None  # MMPretrain's
        assert loader.get('batch_sampler') is None and not views
        assert hooks == RUNTIME_HOOKS
        return
    assert cfg.model.type == 'GLMCClassifier'
    assert cfg.model.channels_last == (want['backbone'] != 'VisionTransformer')
    head = cfg.model.head
    assert head.num_classes == cfg.data_preprocessor.num_classes == \
        want['classes']
    assert head.consistency_loss.loss_weight == want['lambda_c']
    assert head.proj_channels == want['proj']
    assert loader.batch_sampler.type == 'RebalancedBatchSampler'
    assert loader.batch_sampler.resample_weighting == want['q']
    assert cfg.data_preprocessor.type == 'GLMCDataPreprocessor'
    assert cfg.data_preprocessor.label_weighting == want['p']
    assert cfg.data_preprocessor.mix_alpha == 1.0
    assert not cfg.data_preprocessor.cutmix_correct_lam
    assert len(views) == 1 and views[0].num_views == 2
    assert hooks[:len(RUNTIME_HOOKS) +
                 1] == [*RUNTIME_HOOKS, 'CumulativeLearningHook']
    assert ('MaxNormHook' in hooks) == want['max_norm']


@pytest.mark.parametrize('name', sorted(TABLE))
def test_config_builds_its_model(name):
    cfg = Config.fromfile(osp.join(CONFIGS, name))
    model = MODELS.build(
        dict(cfg.model, data_preprocessor=cfg.data_preprocessor))
    assert model.head.num_classes == TABLE[name]['classes']
    assert type(model.data_preprocessor).__name__ == \
        cfg.data_preprocessor.type


@pytest.mark.parametrize('name', [
    n
    for n in sorted(TABLE) if n.startswith(('glmc_resnet32_', 'ce_resnet32_'))
])
def test_cifar_config_builds_its_dataset(cifar_files, name):
    cfg = Config.fromfile(osp.join(CONFIGS, name))
    kind = 'cifar100' if 'cifar100' in name else 'cifar10'
    dataset = DATASETS.build(
        dict(cfg.train_dataloader.dataset, data_root=cifar_files[kind]))
    factor = TABLE[name]['imbalance_factor']
    n_max, classes = (500, 100) if kind == 'cifar100' else (5000, 10)
    expected = [
        int(n_max * factor**(-i / (classes - 1))) for i in range(classes)
    ]
    assert list(dataset.metainfo['class_counts']) == expected
    sample = dataset[0]
    two_views = TABLE[name]['q'] is not None
    assert isinstance(sample['inputs'], list) == two_views


def test_imagenet_lt_config_builds_its_lists(tmp_path):
    lines = [
        f'train/{c}/{k}.JPEG {c}' for c in range(1000)
        for k in range(5 if c else 1280)
    ]
    (tmp_path / 'ImageNet_LT_train.txt').write_text('\n'.join(lines))
    cfg = Config.fromfile(
        osp.join(CONFIGS, 'glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py'))
    dataset = DATASETS.build(  # the list alone: no image files
        dict(
            cfg.train_dataloader.dataset,
            data_root=str(tmp_path),
            check_files=False))
    counts = np.asarray(dataset.metainfo['class_counts'])
    assert counts[0] == 1280 and counts[1:].tolist() == [5] * 999


# The authors' normalisation constants (0-1 scale) and their configs.
AUTHORS_NORMALISATION = {
    'glmc_resnet32_1xb64-200e_cifar10-lt-if100.py':
    ((0.49139968, 0.48215827, 0.44653124), (0.24703233, 0.24348505,
                                            0.26158768)),
    'ce_resnet32_1xb64-200e_cifar10-lt-if100.py':
    ((0.49139968, 0.48215827, 0.44653124), (0.24703233, 0.24348505,
                                            0.26158768)),
    'glmc_resnet32_1xb64-200e_cifar100-lt-if100.py':
    ((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)),
    'glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py': ((0.485, 0.456, 0.406),
                                                       (0.229, 0.224, 0.225)),
    'glmc_resnext50-32x4d_8xb16-120e_inaturalist2018.py':
    ((0.466, 0.471, 0.380), (0.195, 0.194, 0.192)),
}


@pytest.mark.parametrize('name', sorted(AUTHORS_NORMALISATION))
def test_normalisation_is_the_authors_to_float_precision(name):
    cfg = Config.fromfile(osp.join(CONFIGS, name))
    mean, std = AUTHORS_NORMALISATION[name]
    # ToTensor() divides by 255, then Normalize(mean, std): our constants are
    # the same numbers on the 0-255 scale
    assert cfg.data_preprocessor.mean == pytest.approx([m * 255 for m in mean],
                                                       rel=1e-12)
    assert cfg.data_preprocessor.std == pytest.approx([s * 255 for s in std],
                                                      rel=1e-12)


@pytest.mark.parametrize('name', [
    'glmc_resnext50-32x4d_8xb15-135e_imagenet-lt.py',
    'glmc_resnext50-32x4d_8xb16-120e_inaturalist2018.py'
])
def test_imagenet_pipelines_load_and_grey_as_the_authors(name):
    cfg = Config.fromfile(osp.join(CONFIGS, name))
    train = cfg.train_dataloader.dataset.pipeline
    test = cfg.test_dataloader.dataset.pipeline
    for pipeline in (train, test):
        assert pipeline[0] == dict(
            type='LoadImageFromFile', color_type='color_ignore_orientation')
    views = train[1].transforms[0]
    grey = [t for t in views if 'Grayscale' in t.type]
    assert grey == [
        dict(type='RandomLumaGrayscale', prob=0.2, keep_channels=True)
    ]
