"""Convert a checkpoint of the GLMC authors' code into this plugin's layout.

The authors' PyTorch code (``ynu-yangpeng/GLMC``) saves
``{'state_dict', 'epoch', 'best_acc1'}``, with ``module.``-prefixed keys
when trained under ``DataParallel``. Its models are the CIFAR ResNet
``ResNet_modify`` and the torchvision-layout ResNet / ResNeXt of
``Resnet_LT``, each followed by ``fc``, ``fc_cb``, ``projection_head`` and
``contrast_head``. The backbone keys keep their names under ``backbone.``
(:class:`CIFARResNet` and MMPretrain's ``ResNet`` / ``ResNeXt`` name their
layers as the authors and torchvision do, ``downsample.0/1`` included); the
head modules become those of :class:`GLMCHead`::

    fc.*               -> head.fc.*
    fc_cb.*            -> head.fc_cb.*
    projection_head.*  -> head.projector.*
    contrast_head.*    -> head.predictor.*
    everything else    -> backbone.*

The model built from ``--config`` decides what is expected: its
``state_dict()`` must be matched key for key and shape for shape, and every
source key must land on one of its keys, otherwise nothing is written. The
data preprocessor's buffers (``mean``, ``std``, ``label_weights``) are
non-persistent, so they are not in ``state_dict()`` and come from the config
at test time; any persistent key the converter cannot provide is reported as
missing. The authors' checkpoints hold no training class counts, so the
model's ``train_class_counts`` buffer is written as zeros ("not recorded"):
``tools/test.py`` then counts the config's training set for the shot groups
(``ClassCountsHook``).

Example::

    python tools/model_converters/glmc_to_mmpretrain.py \\
        cifar10_imb0.01_best.pth.tar glmc_resnet32_cifar10-lt-if100.pth \\
        --config configs/glmc/glmc_resnet32_1xb64-200e_cifar10-lt-if100.py
"""
import argparse
import os
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.utils import mkdir_or_exist
from mmpretrain.registry import MODELS

import glmc_mm  # noqa: F401  (registers the components, applies compat)
from glmc_mm.compat import UnsafeCheckpointError, load_from_local
from glmc_mm.utils.checkpoint_contents import non_finite_tensors
from glmc_mm.utils.metainfo_keys import TRAIN_CLASS_COUNTS_KEY
from glmc_mm.utils.shortened import shortened
from glmc_mm.utils.value_checks import check_number

# The authors' head modules and their names in GLMCHead; every other key
# belongs to the backbone.
HEAD_RENAMES = (
    ('fc.', 'head.fc.'),
    ('fc_cb.', 'head.fc_cb.'),
    ('projection_head.', 'head.projector.'),
    ('contrast_head.', 'head.predictor.'),
)
# Which of the authors' layouts each supported backbone type takes.
CIFAR = 'CIFAR ResNet (ResNet_modify)'
TORCHVISION = 'torchvision ResNet / ResNeXt (Resnet_LT)'
BACKBONE_LAYOUTS = {
    'CIFARResNet': CIFAR,
    'ResNet': TORCHVISION,
    'ResNeXt': TORCHVISION,
}
SOURCE_ENTRIES = ('state_dict', 'epoch', 'best_acc1')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse ``SRC DST --config CONFIG [--force]``."""
    parser = argparse.ArgumentParser(
        description='Convert a checkpoint of the GLMC authors\' code to a '
        'checkpoint of this plugin')
    parser.add_argument('src', help='the authors\' checkpoint (read only)')
    parser.add_argument('dst', help='the converted checkpoint to write')
    parser.add_argument(
        '--config',
        required=True,
        help='the config the converted checkpoint is for')
    parser.add_argument(
        '--force', action='store_true', help='overwrite an existing dst')
    return parser.parse_args(argv)


def map_key(key: str) -> str:
    """Our name for one of the authors' state-dict keys.

    Args:
        key (str): The authors' key, without ``module.``.

    Returns:
        str: The key in :class:`GLMCClassifier`'s state dict.
    """
    for theirs, ours in HEAD_RENAMES:
        if key.startswith(theirs):
            return ours + key[len(theirs):]
    return 'backbone.' + key


def describe_layout(state_dict: Dict[str, torch.Tensor]) -> Tuple[str, str]:
    """Tell which of the authors' networks ``state_dict`` comes from.

    Args:
        state_dict (dict): The authors' state dict, without ``module.``.

    Returns:
        tuple[str, str]: The layout (``CIFAR`` or ``TORCHVISION``) and the
        network, e.g. ``'CIFAR ResNet-32, width 64'`` or
        ``'torchvision ResNeXt-50 32x4d'``.
    """
    blocks = {
        match.groups()
        for match in map(re.compile(r'layer(\d+)\.(\d+)\.').match, state_dict)
        if match
    }
    has_layer4 = any(stage == '4' for stage, _ in blocks)
    if not has_layer4 and not any('.downsample.' in key for key in state_dict):
        stem = state_dict.get('conv1.weight')
        width = f', width {stem.shape[0]}' if isinstance(
            stem, torch.Tensor) and stem.ndim else ''
        return CIFAR, f'CIFAR ResNet-{2 * len(blocks) + 2}{width}'
    bottleneck = any(key.endswith('.conv3.weight') for key in state_dict)
    depth = (3 if bottleneck else 2) * len(blocks) + 2
    conv2 = state_dict.get('layer1.0.conv2.weight')
    grouped = isinstance(
        conv2, torch.Tensor) and conv2.ndim == 4 and (conv2.shape[0]
                                                      > conv2.shape[1])
    if grouped:
        return TORCHVISION, (f'torchvision ResNeXt-{depth} '
                             f'{conv2.shape[0] // conv2.shape[1]}x'
                             f'{conv2.shape[1]}d')
    return TORCHVISION, f'torchvision ResNet-{depth}'


def build_model(config: str) -> torch.nn.Module:
    """Build the model of a config as MMEngine's ``Runner`` does.

    Args:
        config (str): Path of the config.

    Returns:
        nn.Module: The model, on the CPU.
    """
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model_cfg = cfg.model.copy()
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    return MODELS.build(model_cfg)


def load_source(src: str) -> dict:
    """Load the authors' checkpoint with ``weights_only=True`` on the CPU.

    Args:
        src (str): Its path.

    Returns:
        dict: ``state_dict`` (``module.`` stripped), ``epoch`` (an int) and
        ``best_acc1`` (a float).

    Raises:
        SystemExit: Naming ``src`` and the entry, where it is not a
            checkpoint of the authors' code, its state dict maps something
            else than names to tensors, a tensor holds NaN or infinite
            values, ``epoch`` is not an integer >= 0 or ``best_acc1`` not a
            number in [0, 100].
    """
    try:
        checkpoint = load_from_local(src, map_location='cpu')
    except (FileNotFoundError, UnsafeCheckpointError) as error:
        raise SystemExit(f'Refused: {error}') from None
    if not (isinstance(checkpoint, dict) and all(entry in checkpoint
                                                 for entry in SOURCE_ENTRIES)
            and isinstance(checkpoint['state_dict'], dict)):
        found = sorted(checkpoint) if isinstance(
            checkpoint, dict) else type(checkpoint).__name__
        raise SystemExit(
            f'Refused: {src} is not a checkpoint of the GLMC authors\' code, '
            f'which holds {list(SOURCE_ENTRIES)} with a dict as '
            f'state_dict; found {found}')
    state_dict = checkpoint['state_dict']
    for key, value in state_dict.items():
        if not isinstance(key, str):
            raise SystemExit(
                f'Refused: {src}: state_dict has the key {key!r} '
                f'({type(key).__name__}); the authors\' state dict maps '
                'parameter names (str) to tensors')
        if not isinstance(value, torch.Tensor):
            raise SystemExit(
                f'Refused: {src}: state_dict[{key!r}] is {value!r:.80} '
                f'({type(value).__name__}), expected a tensor')
    bad = non_finite_tensors(state_dict)
    if bad:
        raise SystemExit(
            f'Refused: {src}: {len(bad)} tensors of its state_dict hold NaN '
            f'or infinite values: {shortened(bad, 5)}; nothing was written')
    numbers = {}
    for entry, options in (('epoch', dict(minimum=0, integer=True)),
                           ('best_acc1', dict(minimum=0, maximum=100))):
        value = checkpoint[entry]
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            value = value.item()
        try:
            numbers[entry] = check_number(f'Refused: {src}', entry, value,
                                          **options)
        except (TypeError, ValueError) as error:
            raise SystemExit(str(error)) from None
    if all(key.startswith('module.') for key in state_dict):
        state_dict = {key[len('module.'):]: v for key, v in state_dict.items()}
    return dict(checkpoint, state_dict=state_dict, **numbers)


def convert_state_dict(
        state_dict: Dict[str, torch.Tensor],
        expected: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Rename the authors' state dict and check it against ours.

    Args:
        state_dict (dict): The authors' state dict, without ``module.``.
        expected (dict): Our model's ``state_dict()``.

    Returns:
        dict: The converted state dict, in the order of ``expected``.

    Raises:
        SystemExit: Listing the missing keys, the unexpected keys and the
            shape mismatches, if there is any.
    """
    renamed = {map_key(key): (key, value) for key, value in state_dict.items()}
    missing = [key for key in expected if key not in renamed]
    unexpected = [
        f'{key} (-> {ours})' for ours, (key, _) in renamed.items()
        if ours not in expected
    ]
    mismatched = []
    for ours, (key, value) in renamed.items():
        if ours not in expected:
            continue
        theirs = tuple(value.shape) if isinstance(
            value, torch.Tensor) else type(value).__name__
        if theirs != tuple(expected[ours].shape):
            mismatched.append(f'{key} -> {ours}: theirs {theirs} vs ours '
                              f'{tuple(expected[ours].shape)}')
    problems: List[str] = []
    for title, items in (('missing keys (ours, not provided)', missing),
                         ('unexpected keys (theirs, no counterpart)',
                          unexpected), ('shape mismatches', mismatched)):
        if items:
            problems.append(f'{len(items)} {title}:\n  ' + '\n  '.join(items))
    if problems:
        raise SystemExit('Refused: the checkpoint does not fit the config, '
                         'nothing was written.\n' + '\n'.join(problems))
    return {key: renamed[key][1] for key in expected}


def save_atomically(checkpoint: dict, dst: str) -> None:
    """``torch.save`` to a temporary file next to ``dst``, then rename it, so
    that an interrupted run leaves no partial ``dst`` behind.

    Args:
        checkpoint (dict): What to save.
        dst (str): The destination path.
    """
    mkdir_or_exist(osp.dirname(osp.abspath(dst)))
    tmp = f'{dst}.{os.getpid()}.tmp'
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, dst)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Convert ``SRC`` into ``DST`` for ``--config``, or refuse with the
    reason, writing nothing."""
    args = parse_args(argv)
    if osp.realpath(args.src) == osp.realpath(args.dst):
        raise SystemExit('Refused: dst is src; the source is never modified')
    if osp.lexists(args.dst) and not args.force:
        raise SystemExit(f'Refused: {args.dst} exists; pass --force to '
                         'overwrite it')
    source = load_source(args.src)
    model = build_model(args.config)
    backbone = type(model.backbone).__name__
    if backbone not in BACKBONE_LAYOUTS:
        raise SystemExit(
            f'Refused: {args.config} has the backbone {backbone}; the '
            f'authors\' layouts map onto {sorted(BACKBONE_LAYOUTS)}')
    family, layout = describe_layout(source['state_dict'])
    if family != BACKBONE_LAYOUTS[backbone]:
        raise SystemExit(
            f'Refused: {args.src} holds a {layout} of the {family} layout, '
            f'but the backbone of {args.config} ({backbone}) takes the '
            f'{BACKBONE_LAYOUTS[backbone]} layout')
    expected = model.state_dict()
    # The authors' checkpoints hold no class counts: the converted one keeps
    # ours at zeros ("not recorded"), and testing counts the training set.
    not_recorded = expected.pop(TRAIN_CLASS_COUNTS_KEY)
    state_dict = convert_state_dict(source['state_dict'], expected)
    save_atomically(
        {
            'state_dict': {
                **state_dict, TRAIN_CLASS_COUNTS_KEY: not_recorded
            },
            'meta': {
                'epoch': source['epoch'],
                'best_acc1': source['best_acc1'],
                'converted_from': osp.basename(args.src),
            }
        }, args.dst)
    print(f'Converted {len(state_dict)} tensors of the {family} layout '
          f'({layout}, epoch {source["epoch"]}, best_acc1 '
          f'{source["best_acc1"]:.2f}) to {args.dst}')


if __name__ == '__main__':
    main()
