"""Check the image files of every dataloader before the run reads them."""
import os
import warnings
from typing import Iterator, List, Optional, Tuple

import cv2
from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from PIL import Image, UnidentifiedImageError

from ...utils.shortened import shortened
from .rank_agreement import gathered, raise_on_every_rank


def image_file_problem(path: str, max_pixels: Optional[int]) -> Optional[str]:
    """What keeps ``path`` from being decoded as an image, judged from its
    size and header alone (nothing is decoded), or None.

    Args:
        path (str): The image file.
        max_pixels (int, optional): The largest width x height allowed;
            None for no limit.

    Returns:
        str | None: e.g. ``'is empty (0 bytes)'``.
    """
    try:
        size = os.path.getsize(path)
    except OSError as error:
        return f'cannot be read ({error.strerror})'
    if size == 0:
        return 'is empty (0 bytes)'
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        return ("is larger than PIL's decompression-bomb limit "
                f'({2 * Image.MAX_IMAGE_PIXELS} pixels)')
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        # a format OpenCV reads but PIL does not passes, without a size
        if cv2.haveImageReader(path):
            return None
        return (f'is not an image ({size} bytes that neither PIL nor OpenCV '
                'recognises as an image format)')
    if max_pixels is not None and width * height > max_pixels:
        return (f'is {width} x {height} = {width * height} pixels, above '
                f'max_pixels={max_pixels}')
    return None


def _image_paths(dataset) -> Iterator[str]:
    """The ``img_path`` of every sample, in order; nothing for a dataset of
    arrays (its first sample has no ``img_path``) or one without
    ``get_data_info`` (e.g. the stand-in of MMPretrain's
    ``vis_scheduler.py``)."""
    if not hasattr(dataset, 'get_data_info'):
        return
    for index in range(len(dataset)):
        path = dataset.get_data_info(index).get('img_path')
        if path is None:
            return
        yield path


@HOOKS.register_module()
class ImageFileCheckHook(Hook):
    """Check that every image file a dataloader will read can be decoded,
    before the run starts reading them.

    A damaged file otherwise fails deep inside the pipeline, mid-epoch and
    after minutes of work, often without its name: a 0-byte PNG raises
    OpenCV's ``!buf.empty()``, a 40000 x 40000 one OpenCV's
    ``CV_IO_MAX_IMAGE_PIXELS`` after it has been read, and a 20000 x 20000
    one trains on 2.4 GB of memory without a word. Before training (the
    train and val sets) and before testing (the test set), each file's size
    and header are read, nothing is decoded: the file must exist, be
    non-empty, be an image format PIL or OpenCV recognises, and hold at
    most ``max_pixels`` pixels. A dataset of arrays (CIFAR, Fashion-MNIST)
    has no files and is skipped. In a distributed run each process checks
    its share, and the processes then gather what they found. All problems
    found are raised together, on every rank, in a :class:`ValueError`
    naming the dataloader, its dataset and each file; rank 0's log in the
    work dir names them too.

    The check reads only headers, once per run: 0.075 ms per file on one
    core of the CPU of ``docs/speed.md`` (64 photo-like 500 x 375 JPEGs in
    the page cache), about 12 s for ImageNet-LT's 166k files, against
    11.3 ms to decode and augment one sample of the ImageNet-LT train
    pipeline on the same core (``docs/speed.md``).

    Args:
        max_pixels (int, optional): The largest width x height allowed.
            Defaults to PIL's decompression-bomb threshold,
            ``PIL.Image.MAX_IMAGE_PIXELS`` (89,478,485: 9459 x 9459). None
            for no limit.
    """

    priority = 'VERY_HIGH'

    def __init__(self,
                 max_pixels: Optional[int] = Image.MAX_IMAGE_PIXELS) -> None:
        self.max_pixels = max_pixels
        self._checked: List[int] = []

    def before_train(self, runner) -> None:
        self._check(runner.train_dataloader.dataset, 'train_dataloader')
        if runner.val_loop is not None:
            self._check(runner.val_loop.dataloader.dataset, 'val_dataloader')

    def before_test(self, runner) -> None:
        self._check(runner.test_loop.dataloader.dataset, 'test_dataloader')

    def _check(self, dataset, field: str) -> None:
        if id(dataset) in self._checked:
            return
        self._checked.append(id(dataset))
        rank, world_size = get_dist_info()
        found: List[Tuple[str, str]] = []
        checked = 0
        for index, path in enumerate(_image_paths(dataset)):
            if index % world_size != rank:
                continue
            checked += 1
            problem = image_file_problem(path, self.max_pixels)
            if problem is not None:
                found.append((path, problem))
        # every rank refuses, with the files all ranks found (one gather)
        shares = gathered([(found, checked)])
        problems = [problem for part, _ in shares for problem in part]
        checked = sum(count for _, count in shares)
        if not problems:
            return
        listed = shortened([f'{path} {problem}' for path, problem in problems],
                           separator='; ')
        root = getattr(dataset, 'data_root', None)
        where = f', {root}' if root else ''
        large = any('max_pixels' in problem for _, problem in problems)
        advice = ' (or raise ImageFileCheckHook.max_pixels)' if large else ''
        raise_on_every_rank(
            ValueError(
                f'{field}.dataset ({type(dataset).__name__}{where}): '
                f'{len(problems)} of the {checked} image files checked cannot '
                f'be used: {listed}. Remove or replace them{advice}.'))
