"""``tools/model_converters/glmc_to_mmpretrain.py`` against networks written
here: the authors' CIFAR ResNet-32 restated in plain torch, and torchvision's
ResNeXt-50 / ResNet-50 for the layout of their ``Resnet_LT``."""
import hashlib
import os.path as osp
import sys

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from mmengine.config import Config
from mmengine.runner import load_checkpoint
from mmpretrain.registry import MODELS
from tiny_run import REPO, load_tool, run_tool

TOOL = osp.join('tools', 'model_converters', 'glmc_to_mmpretrain.py')
CIFAR_CONFIG = 'configs/glmc/glmc_resnet32_1xb64-200e_cifar10-lt-if100.py'
NUM_CLASSES = 10
WIDTH, BLOCKS = 64, 5  # the authors' resnet32: nf=64, [5, 5, 5]


def convert(src, dst, config, *options, check=False):
    """Run the tool as a user does (``check``: assert that it succeeds)."""
    return run_tool([
        sys.executable, TOOL,
        str(src),
        str(dst), '--config',
        str(config), *options
    ],
                    check=check)


@pytest.fixture(scope='module')
def tool():
    return load_tool(TOOL)


def convert_here(tool, src, dst, config, *options):
    """``tool.main`` in this process."""
    tool.main([
        str(src),
        str(dst), '--config',
        osp.join(REPO, str(config)), *options
    ])


def build_model(config):
    """Our model as the runner builds it, in eval mode."""
    cfg = Config.fromfile(osp.join(REPO, str(config)))
    model_cfg = cfg.model.copy()
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    return MODELS.build(model_cfg).eval()


def randomise_bn(weight, bias, mean, var, gen):
    """Fill a BatchNorm's affine parameters and running statistics."""
    c = weight.shape[0]
    weight.copy_(0.5 + 0.5 * torch.rand(c, generator=gen))
    bias.copy_(0.1 * torch.randn(c, generator=gen))
    mean.copy_(0.1 * torch.randn(c, generator=gen))
    var.copy_(0.5 + torch.rand(c, generator=gen))


def authors_cifar_state(seed=0):
    """A random state dict in the layout of the authors' ``resnet32``
    (``ResNet_modify(BasicBlock_s, [5, 5, 5], nf=64)``), in their order."""
    gen = torch.Generator().manual_seed(seed)
    state = {}

    def conv(name, out_c, in_c):
        state[f'{name}.weight'] = torch.randn(
            out_c, in_c, 3, 3, generator=gen) * (2 / (9 * in_c))**0.5

    def bn(name, c):
        tensors = [torch.empty(c) for _ in range(4)]
        randomise_bn(*tensors, gen)
        suffixes = ('weight', 'bias', 'running_mean', 'running_var')
        for suffix, tensor in zip(suffixes, tensors):
            state[f'{name}.{suffix}'] = tensor
        state[f'{name}.num_batches_tracked'] = torch.tensor(1234)

    def linear(name, out_c, in_c):
        # logits of a few units: float32 rounding stays far below 1e-5
        state[f'{name}.weight'] = torch.randn(
            out_c, in_c, generator=gen) / (4 * in_c**0.5)
        state[f'{name}.bias'] = 0.1 * torch.randn(out_c, generator=gen)

    conv('conv1', WIDTH, 3)
    bn('bn1', WIDTH)
    in_c = WIDTH
    for stage in range(3):
        planes = WIDTH * 2**stage
        for index in range(BLOCKS):
            block = f'layer{stage + 1}.{index}'
            conv(f'{block}.conv1', planes, in_c)
            bn(f'{block}.bn1', planes)
            conv(f'{block}.conv2', planes, planes)
            bn(f'{block}.bn2', planes)
            in_c = planes
    linear('fc', NUM_CLASSES, 4 * WIDTH)
    linear('fc_cb', NUM_CLASSES, 4 * WIDTH)
    linear('contrast_head.0', 128, 128)
    linear('projection_head.0', 128, 4 * WIDTH)
    return state


def authors_cifar_forward(state, x):
    """``ResNet_modify.forward(x, train=False)`` on a state dict."""

    def bn(t, name):
        return F.batch_norm(
            t,
            state[f'{name}.running_mean'],
            state[f'{name}.running_var'],
            state[f'{name}.weight'],
            state[f'{name}.bias'],
            training=False,
            eps=1e-5)

    out = F.relu(bn(F.conv2d(x, state['conv1.weight'], padding=1), 'bn1'))
    for stage in range(3):
        for index in range(BLOCKS):
            block = f'layer{stage + 1}.{index}'
            weight = state[f'{block}.conv1.weight']
            planes = weight.shape[0]
            stride = 2 if stage > 0 and index == 0 else 1
            y = F.relu(
                bn(
                    F.conv2d(out, weight, stride=stride, padding=1),
                    f'{block}.bn1'))
            y = bn(
                F.conv2d(y, state[f'{block}.conv2.weight'], padding=1),
                f'{block}.bn2')
            if stride != 1 or out.shape[1] != planes:  # option A
                shortcut = F.pad(out[:, :, ::2, ::2],
                                 (0, 0, 0, 0, planes // 4, planes // 4))
            else:
                shortcut = out
            out = F.relu(y + shortcut)
    feature = F.avg_pool2d(out, out.size(3)).flatten(1)
    return F.linear(feature, state['fc_cb.weight'], state['fc_cb.bias'])


def save_authors_checkpoint(state, path):
    """Save as the authors' ``Trainer`` does under ``DataParallel``."""
    torch.save(
        {
            'state_dict': {
                f'module.{k}': v
                for k, v in state.items()
            },
            'epoch': 200,
            'best_acc1': torch.tensor(88.5),
        }, path)


def digest(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.fixture(scope='module')
def cifar_checkpoint(tmp_path_factory):
    """The authors' random CIFAR ResNet-32 state and its checkpoint."""
    state = authors_cifar_state()
    path = tmp_path_factory.mktemp('authors') / 'ckpt.best.pth.tar'
    save_authors_checkpoint(state, path)
    return state, path


def test_cifar_resnet32_logits_match_the_authors_forward(
        cifar_checkpoint, tmp_path):
    state, src = cifar_checkpoint
    before = digest(src)
    dst = tmp_path / 'out' / 'converted.pth'
    result = convert(src, dst, CIFAR_CONFIG, check=True)
    summary = result.stdout.strip().splitlines()
    assert len(summary) == 1
    assert summary[0].startswith(
        'Converted 194 tensors of the CIFAR ResNet (ResNet_modify) layout '
        '(CIFAR ResNet-32, width 64, epoch 200, best_acc1 88.50)')
    assert digest(src) == before  # SRC untouched

    checkpoint = torch.load(dst, map_location='cpu', weights_only=True)
    assert set(checkpoint) == {'state_dict', 'meta'}
    assert checkpoint['meta'] == {
        'epoch': 200,
        'best_acc1': 88.5,
        'converted_from': 'ckpt.best.pth.tar'
    }
    assert type(checkpoint['meta']['best_acc1']) is float
    converted = checkpoint['state_dict']
    # the authors' 194 tensors, and our class counts left "not recorded"
    assert len(converted) == len(state) + 1 == 195
    assert converted['train_class_counts'].tolist() == [0] * 10
    for key, value in state.items():
        ours = {
            'fc': 'head.fc',
            'fc_cb': 'head.fc_cb',
            'projection_head': 'head.projector',
            'contrast_head': 'head.predictor'
        }.get(key.split('.')[0])
        ours = (f'{ours}.{key.split(".", 1)[1]}'
                if ours else f'backbone.{key}')
        torch.testing.assert_close(converted[ours], value, rtol=0, atol=0)

    model = build_model(CIFAR_CONFIG)
    # The preprocessor's mean / std / label weights are non-persistent:
    # the checkpoint needs none of them, the config provides them.
    assert {'data_preprocessor.mean',
            'data_preprocessor.std'} <= set(dict(model.named_buffers()))
    assert not [k for k in model.state_dict() if 'data_preprocessor' in k]
    load_checkpoint(model, str(dst), map_location='cpu', strict=True)

    gen = torch.Generator().manual_seed(1)
    inputs = torch.randn(3, 3, 32, 32, generator=gen)
    with torch.no_grad():
        ours = model(inputs, mode='tensor')
        theirs = authors_cifar_forward(state, inputs)
    assert ours.shape == (3, NUM_CLASSES)
    assert theirs.abs().max() > 0.5  # the logits are not trivially small
    assert (theirs[0] - theirs[1]).abs().max() > 0.05  # depends on the input
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-5)


# arch: (our backbone, the layout reported, run the tool as a subprocess)
TORCHVISION_CASES = {
    'resnext50_32x4d': (dict(
        type='ResNeXt',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        groups=32,
        width_per_group=4,
        style='pytorch'), 'torchvision ResNeXt-50 32x4d', True),
    'resnet50': (dict(
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch'), 'torchvision ResNet-50', False),
}


@pytest.mark.parametrize('arch', sorted(TORCHVISION_CASES))
def test_torchvision_layout_logits_match(arch, tool, tmp_path, capsys):
    backbone, layout, in_subprocess = TORCHVISION_CASES[arch]
    classes = 7
    config = tmp_path / f'glmc_{arch}.py'
    config.write_text('model = ' + repr(
        dict(
            type='GLMCClassifier',
            backbone=backbone,
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='GLMCHead',
                num_classes=classes,
                in_channels=2048,
                proj_channels=256),
            data_preprocessor=dict(
                type='GLMCDataPreprocessor',
                num_classes=classes,
                mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375],
                to_rgb=True))) + '\n')

    gen = torch.Generator().manual_seed(2)
    net = getattr(torchvision.models, arch)(num_classes=classes)
    norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    with torch.no_grad():
        # Running statistics of random images, so that the activations keep
        # their scale through 16 blocks, then random affine parameters.
        for norm in norms:
            norm.momentum = None
        net.train()(torch.randn(8, 3, 64, 64, generator=gen))
        net.eval()
        for norm in norms:
            mean, var = torch.empty_like(norm.running_mean), torch.empty_like(
                norm.running_var)
            randomise_bn(norm.weight, norm.bias, mean, var, gen)
            norm.running_mean.add_(mean)
            norm.running_var.mul_(var)
    fc_cb = nn.Linear(2048, classes)
    nn.init.normal_(fc_cb.weight, std=0.1, generator=gen)
    # The authors' Resnet_LT: fc (torchvision's), then their added heads.
    state = dict(net.state_dict())
    state.update({f'fc_cb.{k}': v for k, v in fc_cb.state_dict().items()})
    for name, shape in (('contrast_head.0', (256, 256)), ('projection_head.0',
                                                          (256, 2048))):
        state[f'{name}.weight'] = torch.randn(*shape, generator=gen)
        state[f'{name}.bias'] = torch.randn(shape[0], generator=gen)
    src, dst = tmp_path / 'authors.pth.tar', tmp_path / 'converted.pth'
    save_authors_checkpoint(state, src)

    if in_subprocess:
        result = convert(src, dst, config, check=True)
        summary = result.stdout
    else:
        convert_here(tool, src, dst, config)
        summary = capsys.readouterr().out
    assert summary.startswith(
        f'Converted {len(state)} tensors of the torchvision ResNet / ResNeXt '
        f'(Resnet_LT) layout ({layout}, epoch 200')

    model = build_model(config)
    load_checkpoint(model, str(dst), map_location='cpu', strict=True)
    inputs = torch.randn(2, 3, 64, 64, generator=gen)
    with torch.no_grad():
        ours = model(inputs, mode='tensor')
        net.fc = nn.Identity()
        theirs = fc_cb(net(inputs))
    assert ours.shape == (2, classes)
    assert theirs.abs().max() > 0.5
    assert (theirs[0] - theirs[1]).abs().max() > 0.05  # depends on the input
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-4)


def test_mismatched_checkpoint_is_refused(cifar_checkpoint, tmp_path):
    state = dict(cifar_checkpoint[0])
    del state['layer2.1.bn1.running_var']
    state['layer9.0.conv1.weight'] = torch.zeros(3, 3, 3, 3)
    state['fc_cb.weight'] = torch.zeros(11, 4 * WIDTH)
    src, dst = tmp_path / 'bad.pth.tar', tmp_path / 'converted.pth'
    save_authors_checkpoint(state, src)

    result = convert(src, dst, CIFAR_CONFIG)
    assert result.returncode != 0
    assert not dst.exists()
    assert list(tmp_path.iterdir()) == [src]
    message = result.stderr
    assert '1 missing keys' in message
    assert 'backbone.layer2.1.bn1.running_var' in message
    assert '1 unexpected keys' in message
    assert 'layer9.0.conv1.weight (-> backbone.layer9.0.conv1.weight)' in \
        message
    assert '1 shape mismatches' in message
    assert ('fc_cb.weight -> head.fc_cb.weight: theirs (11, 256) vs ours '
            '(10, 256)') in message


def test_existing_dst_needs_force(cifar_checkpoint, tool, tmp_path):
    src = cifar_checkpoint[1]
    dst = tmp_path / 'converted.pth'
    dst.write_bytes(b'keep me')

    with pytest.raises(SystemExit, match='exists; pass --force'):
        convert_here(tool, src, dst, CIFAR_CONFIG)
    assert dst.read_bytes() == b'keep me'
    with pytest.raises(SystemExit, match='dst is src'):
        convert_here(tool, src, src, CIFAR_CONFIG, '--force')

    convert_here(tool, src, dst, CIFAR_CONFIG, '--force')
    meta = torch.load(dst, map_location='cpu', weights_only=True)['meta']
    assert meta['converted_from'] == 'ckpt.best.pth.tar'
    assert list(tmp_path.iterdir()) == [dst]  # no temporary file left


class Payload:
    """A global that ``weights_only`` loading refuses."""


def test_unsafe_or_foreign_source_is_refused(tool, tmp_path):
    dst = tmp_path / 'converted.pth'
    unsafe = tmp_path / 'unsafe.pth.tar'
    torch.save({'state_dict': {}, 'epoch': 1, 'best_acc1': Payload()}, unsafe)
    with pytest.raises(SystemExit, match='Refused to load checkpoint'):
        convert_here(tool, unsafe, dst, CIFAR_CONFIG)

    foreign = tmp_path / 'foreign.pth'
    torch.save({'state_dict': {}, 'meta': {}}, foreign)
    with pytest.raises(
            SystemExit,
            match=r"not a checkpoint of the GLMC authors' code.*"
            r"found \['meta', 'state_dict'\]"):
        convert_here(tool, foreign, dst, CIFAR_CONFIG)
    assert not dst.exists()
