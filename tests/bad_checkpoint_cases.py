"""Rows of ``test_bad_inputs.py``'s tables: checkpoint contents, as test.py,
the inferencer, the converter and --resume read them."""
import math
import os.path as osp
from typing import Callable, List

import numpy as np
import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS
from tiny_run import REPO, Case, FinishedRun, ToolCase, tiny_fmnist_cfg

from glmc_mm.apis import LongTailInferencer

CONVERTER = 'tools/model_converters/glmc_to_mmpretrain.py'
FMNIST_GLMC = osp.join(REPO, 'configs', 'glmc',
                       'glmc_resnet32-w16_1xb64-30e_fashion-mnist-lt.py')
# our head modules under the authors' names; the rest is the backbone
AUTHORS_NAMES = (('head.fc_cb.', 'fc_cb.'), ('head.fc.', 'fc.'),
                 ('head.projector.', 'projection_head.'),
                 ('head.predictor.', 'contrast_head.'), ('backbone.', ''))
# the 10 class counts of the finished run's training set (imbalance 4)
COUNTS = '[24, 20, 17, 15, 12, 11, 9, 8, 6, 6]'


def built(cfg: Config) -> torch.nn.Module:
    """The model of ``cfg``, as the runner builds it."""
    model_cfg = cfg.model.copy()
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    return MODELS.build(model_cfg)


def edited(run: FinishedRun, name: str, edit: Callable[[dict], None]) -> str:
    """The finished run's checkpoint changed by ``edit``, saved beside it
    as ``name``; its path."""
    checkpoint = torch.load(run.checkpoint, weights_only=True)
    edit(checkpoint)
    path = osp.join(run.work_dir, name)
    torch.save(checkpoint, path)
    return path


def fill_weights(value: float, key: str = '') -> Callable[[dict], None]:
    """An edit that sets every floating-point weight (or only ``key``) to
    ``value``."""

    def edit(checkpoint: dict) -> None:
        for name, tensor in checkpoint['state_dict'].items():
            if tensor.is_floating_point() and name.startswith(key):
                tensor.fill_(value)

    return edit


def set_counts(checkpoint: dict) -> None:
    checkpoint['state_dict']['train_class_counts'] = torch.tensor(
        [-5, 500, 1000, 3, 2, 1, 1, 1, 1, 1])


def tested_with(name: str, edit: Callable[[dict], None]) -> Callable:
    """``tools/test.py`` argv on the finished run's checkpoint after
    ``edit``."""
    return lambda run: [run.config, edited(run, name, edit)]


def resume_with(name: str, edit: Callable[[dict], None], *options:
                str) -> Callable:
    """``tools/train.py --resume`` argv from the finished run's checkpoint
    after ``edit``, with ``--cfg-options options``."""

    def argv(run: FinishedRun) -> list:
        return [
            run.config, '--resume',
            edited(run, name, edit),
            *(['--cfg-options', *options] if options else [])
        ]

    return argv


def random_states(part: str, change: Callable) -> Callable[[dict], None]:
    """An edit of the ``random_states`` RandomStateHook saved (``part``:
    python, numpy, torch, or '' for the whole)."""

    def edit(checkpoint: dict) -> None:
        states = checkpoint['random_states']
        if part:
            states[part] = change(states[part])
        else:
            checkpoint['random_states'] = change(states)

    return edit


def max_epochs_array(checkpoint: dict) -> None:
    checkpoint['message_hub']['runtime_info']['max_epochs'] = np.array([1, 2])


def authors_checkpoint(name: str, edit: Callable[[dict], None]) -> Callable:
    """The converter's argv on a checkpoint in the layout of the authors'
    code (``DataParallel`` keys, ``epoch``, ``best_acc1``) of the
    Fashion-MNIST GLMC model, changed by ``edit``."""

    def argv(run: FinishedRun) -> list:
        state = built(Config.fromfile(FMNIST_GLMC)).state_dict()
        state.pop('train_class_counts')
        theirs = {}
        for key, value in state.items():
            ours, authors = next(
                pair for pair in AUTHORS_NAMES if key.startswith(pair[0]))
            theirs[f'module.{authors}{key[len(ours):]}'] = value
        checkpoint = dict(
            state_dict=theirs, epoch=30, best_acc1=torch.tensor(61.5))
        edit(checkpoint)
        src = osp.join(run.work_dir, name)
        torch.save(checkpoint, src)
        return [
            src,
            osp.join(run.work_dir, 'converted.pth'), '--config', FMNIST_GLMC
        ]

    return argv


def set_entry(key: str, value) -> Callable[[dict], None]:

    def edit(checkpoint: dict) -> None:
        checkpoint[key] = value

    return edit


def nan_authors_weights(checkpoint: dict) -> None:
    checkpoint['state_dict']['module.fc_cb.weight'].fill_(math.nan)


def number_key(checkpoint: dict) -> None:
    checkpoint['state_dict'][7] = torch.zeros(1)


def inferred(kind: str,
             edit: Callable[[dict], None] = None,
             **options) -> Callable:
    """A ``make`` that saves the weights of the tiny ``kind`` model (with
    ``options``), changed by ``edit``, and loads them with
    :class:`LongTailInferencer` and the tiny CE config."""

    def make(ctx):
        state = built(tiny_fmnist_cfg(kind, ctx, **options)).state_dict()
        state.setdefault('train_class_counts', torch.arange(10, 0, -1))
        checkpoint = dict(state_dict=state, meta={})
        if edit:
            edit(checkpoint)
        path = osp.join(ctx.tmp, f'{kind}.pth')
        torch.save(checkpoint, path)
        LongTailInferencer(tiny_fmnist_cfg('ce', ctx), pretrained=path)

    return make


# in-process rows (test_bad_input_is_named)
CASES: List[Case] = [
    Case('inferencer with NaN weights',
         inferred('ce', fill_weights(math.nan, 'head.')), ValueError, [
             'ce.pth cannot be used: 2 tensors hold NaN or infinite values: '
             'head.fc.weight (640 of 640 values), head.fc.bias (10 of 10 '
             'values)'
         ]),
    Case('inferencer with a checkpoint of another width',
         inferred('ce', **{'model.backbone.base_channels': 8}), ValueError, [
             'ce.pth does not fit the model of this config:',
             'mis-shaped keys: backbone.conv1.weight (checkpoint (8, 1, 3, '
             '3), model (16, 1, 3, 3))'
         ]),
    Case('inferencer with a GLMC checkpoint and the CE config',
         inferred('glmc'), ValueError, [
             'glmc.pth does not fit the model of this config: 6 unexpected '
             'keys: head.fc_cb.weight, head.fc_cb.bias, '
             'head.projector.0.weight'
         ]),
    Case('inferencer with a negative class count', inferred('ce', set_counts),
         ValueError,
         ['ce.pth cannot be used: train_class_counts holds -5 for class 0']),
]
# tool rows (test_bad_tool_input_is_named)
TOOL_CASES: List[ToolCase] = [
    ToolCase('test.py with a missing checkpoint', 'tools/test.py',
             lambda run: [run.config, run.checkpoint + '.gone'], 1,
             ['epoch_1.pth.gone']),
    ToolCase('test.py with NaN weights', 'tools/test.py',
             tested_with('nan.pth', fill_weights(math.nan)), 1, [
                 'ValueError: ', 'nan.pth cannot be used: 37 tensors hold NaN '
                 'or infinite values: backbone.conv1.weight (144 of 144 '
                 'values), backbone.bn1.weight (16 of 16 values)'
             ]),
    ToolCase('test.py with a negative class count', 'tools/test.py',
             tested_with('counts.pth', set_counts), 1, [
                 'counts.pth cannot be used: train_class_counts holds -5 for '
                 'class 0 (1 negative of 10: [-5, 500, 1000, 3, 2, 1, 1, 1, '
                 '1, 1]); a number of training images is >= 0'
             ]),
    # finite weights whose logits overflow: +inf everywhere, NaN scores
    ToolCase('test.py with overflowing logits', 'tools/test.py',
             tested_with('overflow.pth', fill_weights(3e38, 'head.fc.weight')),
             1, [
                 'FloatingPointError: The predicted scores of test batch 1 '
                 'are not finite for 25 samples (dataset indices 0, 1, 2',
                 'the model loaded from', 'overflow.pth gives NaN or infinite '
                 'logits for them'
             ]),
    ToolCase(
        'resume with another imbalance_factor', 'tools/train.py',
        resume_with('if.pth', lambda c: None,
                    'train_dataloader.dataset.imbalance_factor=3.5'), 1, [
                        'if.pth: ', 'Its training set differs from the '
                        "config's", 'train_dataloader.dataset.imbalance_factor'
                        ': checkpoint 4, config 3.5',
                        f'dataset_meta.class_counts: checkpoint {COUNTS}, '
                        'config [24, 20, 18, 15, 13, 11, 10, 9, 7, 6]'
                    ]),
    # the same class counts: only the subset's settings tell
    ToolCase(
        'resume with another subset seed', 'tools/train.py',
        resume_with('seed.pth', lambda c: None,
                    'train_dataloader.dataset.seed=1'), 1,
        [
            'seed.pth: its training set differs', 'train_dataloader'
            '.dataset.seed: checkpoint 0, config 1'
        ]),
    ToolCase(
        'resume with other class names', 'tools/train.py',
        resume_with(
            'names.pth', lambda c: None,
            'train_dataloader.dataset.dataset.metainfo.classes=[a,b,c,d,e,f,'
            'g,h,i,j]'), 1, [
                'names.pth: its training set differs',
                "dataset_meta.classes: checkpoint ['T-shirt/top', 'Trouser', "
                "'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', "
                "'Bag', 'Ankle boot'], config ['a', 'b', 'c', 'd', 'e', 'f', "
                "'g', 'h', 'i', 'j']"
            ]),
    ToolCase(
        'resume with a short Python random state', 'tools/train.py',
        resume_with('python.pth',
                    random_states('python',
                                  lambda s: [s[0], s[1][:10], s[2]])), 1,
        [
            'python.pth: its global random states', 'random_states.python[1] '
            'holds 10 items, expected a list of 625 integers',
            'Nothing was restored'
        ]),
    ToolCase(
        'resume with a short NumPy random key', 'tools/train.py',
        resume_with('numpy.pth',
                    random_states('numpy', lambda s: [s[0][:10], *s[1:]])), 1,
        [
            'numpy.pth: its global random states', 'random_states.numpy[0] '
            'holds 10 items, expected a list of 624 integers'
        ]),
    ToolCase(
        'resume with a float torch random state', 'tools/train.py',
        resume_with('torch.pth', random_states('torch', torch.Tensor.float)),
        1, [
            'torch.pth: its global random states', 'random_states.torch is '
            'torch.float32 of shape (5056,), expected torch.uint8 of shape '
            '(5056,)'
        ]),
    ToolCase(
        'resume with random states that are a string', 'tools/train.py',
        resume_with('string.pth', random_states('', lambda s: 'states')), 1, [
            'string.pth: its global random states', "random_states is "
            "'states' (str), expected a dict of the python, numpy and torch "
            'states'
        ]),
    ToolCase('resume with max_epochs an array', 'tools/train.py',
             resume_with('array.pth', max_epochs_array), 1, [
                 'ValueError: ', 'array.pth: message_hub.runtime_info.'
                 'max_epochs must be an integer >= 1, got array([1, 2]) '
                 '(ndarray)'
             ]),
    ToolCase('converter with NaN weights', CONVERTER,
             authors_checkpoint('nan.pth.tar', nan_authors_weights), 1, [
                 'nan.pth.tar: 1 tensors of its state_dict hold NaN or '
                 'infinite values: module.fc_cb.weight (640 of 640 values); '
                 'nothing was written'
             ]),
    ToolCase('converter with epoch NaN', CONVERTER,
             authors_checkpoint('epoch.pth.tar', set_entry('epoch', math.nan)),
             1, ['epoch.pth.tar: epoch must be an integer >= 0, got nan']),
    ToolCase(
        'converter with a text best_acc1', CONVERTER,
        authors_checkpoint('acc.pth.tar', set_entry('best_acc1', 'high')), 1, [
            "acc.pth.tar: best_acc1 must be a finite number >= 0 and <= 100, "
            "got 'high' (str)"
        ]),
    ToolCase('converter with a key that is not a string', CONVERTER,
             authors_checkpoint('key.pth.tar', number_key), 1, [
                 'key.pth.tar: state_dict has the key 7 (int); the authors\' '
                 'state dict maps parameter names (str) to tensors'
             ]),
]
