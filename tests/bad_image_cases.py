"""Rows of ``test_bad_inputs.py``'s tables: image files that cannot be
decoded, and ranks that stop answering."""
import io
import os.path as osp
from typing import Callable, List, Sequence

import cv2
import numpy as np
from mmengine.runner import Runner
from mmpretrain.registry import HOOKS
from PIL import Image
from tiny_run import (Case, ToolCase, folder_dataset, image_folder,
                      tiny_fmnist_cfg)

CLASSES = [f'class{i}' for i in range(10)]
GREY = np.random.default_rng(0).integers(0, 256, (28, 28), dtype=np.uint8)


def encoded(ext: str) -> bytes:
    """The 28 x 28 grey image :data:`GREY` as OpenCV writes ``ext``."""
    return cv2.imencode(ext, GREY)[1].tobytes()


def first_half(data: bytes) -> bytes:
    """A file cut off half-way, as an interrupted copy leaves it."""
    return data[:len(data) // 2]


def ico() -> bytes:
    """:data:`GREY` as an ICO file (PIL reads it; OpenCV does not)."""
    out = io.BytesIO()
    Image.fromarray(GREY).save(out, format='ICO')
    return out.getvalue()


def train_on_folder(odd: Sequence,
                    pipeline: Sequence = None,
                    num_workers: int = 0,
                    **check) -> Callable:
    """Training, without validation, on 10 class folders of 3 PNGs plus
    ``odd`` files (all of them: no long-tailed subset), the
    ``ImageFileCheckHook`` given ``check``; ``pipeline`` replaces the
    folder's (``LoadImageFromFile``, ``PackInputs``)."""

    def make(ctx):
        cfg = tiny_fmnist_cfg(
            'ce', ctx, val_dataloader=None, val_cfg=None, val_evaluator=None)
        cfg.train_dataloader.num_workers = num_workers
        cfg.train_dataloader.dataset = folder_dataset(
            image_folder(osp.join(ctx.tmp, 'train'), CLASSES, odd))
        if pipeline is not None:
            cfg.train_dataloader.dataset.pipeline = list(pipeline)
        for hook in cfg.custom_hooks:
            if hook.type == 'ImageFileCheckHook':
                hook.update(check)
        Runner.from_cfg(cfg).train()

    return make


def build_hook(**cfg) -> Callable:
    return lambda ctx: HOOKS.build(cfg)


def cannot_decode(path: str, kind: str) -> List[str]:
    """The words of a refusal of ``path``, which the training set's
    grey-scale ``LoadImageFromFile`` does not decode."""
    return [
        'train_dataloader.dataset (CustomDataset',
        '1 of the 31 image files checked cannot be used',
        f'{path} does not decode ({kind} by its header, ',
        '): the decoder returns no image.',
        "LoadImageFromFile (imdecode_backend='cv2', color_type='grayscale')"
    ]


# in-process rows (test_bad_input_is_named)
CASES: List[Case] = [
    # the header passes; OpenCV, which training decodes with, does not
    Case('ICO named .png, two decoding threads',
         train_on_folder([('class0/icon.png', ico())], num_workers=2),
         ValueError, cannot_decode('class0/icon.png', 'ICO')),
    Case('truncated JPEG',
         train_on_folder([('class0/cut.jpg', first_half(encoded('.jpg')))]),
         ValueError, cannot_decode('class0/cut.jpg', 'JPEG')),
    Case('truncated PNG',
         train_on_folder([('class0/cut.png', first_half(encoded('.png')))]),
         ValueError, cannot_decode('class0/cut.png', 'PNG')),
    # decode='auto' reads only the headers of a set above decode_limit:
    # the file then fails mid-epoch, as without the decode
    Case('ICO named .png beyond decode_limit',
         train_on_folder([('class0/icon.png', ico())], decode_limit=30),
         AssertionError, ['failed to load image', 'class0/icon.png']),
    Case('decode=True without LoadImageFromFile',
         train_on_folder([], [dict(type='PackInputs')], decode=True),
         ValueError, [
             'ImageFileCheckHook: decode=True, but train_dataloader.dataset '
             '(CustomDataset) has no LoadImageFromFile in its pipeline'
         ]),
    Case("ImageFileCheckHook decode='yes'",
         build_hook(type='ImageFileCheckHook', decode='yes'), ValueError, [
             "ImageFileCheckHook: decode must be True, False or 'auto', got "
             "'yes'"
         ]),
    Case('ImageFileCheckHook decode_limit=0',
         build_hook(type='ImageFileCheckHook', decode_limit=0), ValueError,
         ['ImageFileCheckHook: decode_limit must be an integer >= 1, got 0']),
    # a rank that stops answering: tests/test_distributed_and_resume.py
    Case('RankHeartbeatHook timeout=0',
         build_hook(type='RankHeartbeatHook', timeout=0), ValueError,
         ['RankHeartbeatHook: timeout must be a finite number > 0, got 0']),
]
# tool rows (test_bad_tool_input_is_named)
TOOL_CASES: List[ToolCase] = []
