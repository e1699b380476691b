"""Rows of ``test_bad_inputs.py``'s tables: runs: work dirs, options,
images, label lists, ranks."""
import os
import os.path as osp
from typing import Callable, List, Sequence

from mmpretrain.registry import DATASETS
from tiny_run import Case, FinishedRun, ToolCase

FILES = ('train/0/0.JPEG', 'train/1/1.JPEG', 'train/2/2.JPEG')


def label_list(lines: Sequence[str],
               data_root: str = '',
               files: Sequence[str] = FILES,
               **kwargs) -> Callable:
    """A ``make`` that builds ImageNetLT from ``ctx.tmp/train.txt`` holding
    ``lines``, with the (empty) image files ``files`` written under
    ``ctx.tmp``; ``data_root`` is relative to ``ctx.tmp``."""

    def make(ctx):
        for name in files:
            path = osp.join(ctx.tmp, name)
            os.makedirs(osp.dirname(path), exist_ok=True)
            open(path, 'wb').close()
        ann_file = osp.join(ctx.tmp, 'train.txt')
        with open(ann_file, 'w', encoding='utf-8') as f:
            f.write(''.join(f'{line}\n' for line in lines))
        DATASETS.build(
            dict(
                type='ImageNetLT',
                data_root=osp.join(ctx.tmp, data_root),
                ann_file=ann_file,
                **kwargs))

    return make


LISTED = [f'{name} {name.split("/")[1]}' for name in FILES]


def fresh_work_dir(run: FinishedRun) -> str:
    """A work dir beside the finished run's, holding nothing."""
    return osp.join(osp.dirname(run.work_dir), 'fresh')


def with_options(tool: str, *options: str) -> Callable:
    """The argv of ``tool`` on the finished run's config with
    ``--cfg-options options`` (test.py: its checkpoint; train.py: a fresh
    work dir)."""

    def argv(run: FinishedRun) -> list:
        if tool == 'tools/test.py':
            start = [run.config, run.checkpoint]
        else:
            start = [run.config, '--work-dir', fresh_work_dir(run)]
        return [*start, '--cfg-options', *options]

    return argv


DATA_ROOT_FIELDS = [
    'train_dataloader.dataset.dataset.data_root',
    'val_dataloader.dataset.data_root', 'test_dataloader.dataset.data_root'
]

# in-process rows (test_bad_input_is_named)
CASES: List[Case] = [
    Case('label list with a line repeated 5 times',
         label_list([*LISTED, *[LISTED[1]] * 5]), ValueError, [
             'train.txt, line 2: train/1/1.JPEG is listed again on lines 4, '
             '5, 6, 7, 8', 'would count 6 times'
         ]),
    Case('label list with one image under two labels',
         label_list([*LISTED, 'train/0/0.JPEG 2']), ValueError, [
             'train.txt, line 1: train/0/0.JPEG is listed again on line 4',
             'with label 2 there, 0 here'
         ]),
    Case('label list with a zero-width space in a path',
         label_list([LISTED[0], 'train/1/\u200b1.JPEG 1', LISTED[2]]),
         FileNotFoundError, [
             '1 of the 3 images listed in', "train/1/\\u200b1.JPEG'",
             'U+200B (ZERO WIDTH SPACE)'
         ]),
    Case(
        'label list with a no-break space in a path',
        label_list(['train/0/my\xa0photo.JPEG 0'],
                   files=['train/0/my photo.JPEG']), FileNotFoundError,
        ["train/0/my\\xa0photo.JPEG'", 'U+00A0 (NO-BREAK SPACE)']),
    Case('label list with a path that ends in a space',
         label_list(['train/0/0.JPEG  0', *LISTED[1:]]), FileNotFoundError,
         ["train/0/0.JPEG '", 'ends with a space']),
    Case('label list under a root one level too deep',
         label_list(LISTED, data_root='train'), FileNotFoundError, [
             'none of the 3 images listed in', "train/train/0/0.JPEG'",
             'all 3 exist under'
         ]),
    Case('label list beside a wrong data_prefix',
         label_list(LISTED, data_prefix='images'), FileNotFoundError, [
             'none of the 3 images listed in', "images/train/0/0.JPEG'",
             'all 3 exist under'
         ]),
]
# tool rows (test_bad_tool_input_is_named)
TOOL_CASES: List[ToolCase] = [
    ToolCase('train.py into the work dir of a finished run', 'tools/train.py',
             lambda run: [run.config], 1, [
                 'FileExistsError', 'holds the checkpoints of an earlier '
                 'run: epoch_1.pth, last_checkpoint', '--resume', '--restart'
             ]),
    ToolCase('train.py --resume --restart', 'tools/train.py',
             lambda run: [run.config, '--resume', '--restart'], 2,
             ['argument --restart: not allowed with argument --resume']),
    ToolCase(
        'train.py --cfg-options data_root', 'tools/train.py',
        with_options('tools/train.py', 'data_root=/elsewhere'), 1, [
            '--cfg-options data_root=/elsewhere: data_root is a variable of',
            'read only while the file is parsed', *DATA_ROOT_FIELDS
        ]),
    ToolCase('train.py --cfg-options dataset_type', 'tools/train.py',
             with_options('tools/train.py', 'dataset_type=CustomDataset'), 1, [
                 '--cfg-options dataset_type=CustomDataset: dataset_type is a '
                 'variable of', 'train_dataloader.dataset.dataset.type'
             ]),
    ToolCase('train.py --cfg-options max_epochs', 'tools/train.py',
             with_options('tools/train.py', 'max_epochs=1'), 1, [
                 '--cfg-options max_epochs=1: the config has no top-level '
                 'max_epochs and nothing reads one', 'train_cfg.max_epochs'
             ]),
    ToolCase(
        'test.py --cfg-options data_root', 'tools/test.py',
        with_options('tools/test.py', 'data_root=/elsewhere'), 1, [
            '--cfg-options data_root=/elsewhere: data_root is a variable of',
            *DATA_ROOT_FIELDS
        ]),
]
