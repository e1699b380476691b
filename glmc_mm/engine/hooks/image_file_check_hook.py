"""Check the image files of every dataloader before the run reads them."""
import math
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import List, Optional, Sequence, Tuple, Union

import cv2
from mmcv.transforms import LoadImageFromFile
from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmpretrain.registry import HOOKS
from PIL import Image, UnidentifiedImageError

from ...utils.shortened import shortened
from ...utils.value_checks import check_number
from .rank_agreement import gathered, raise_on_every_rank


def image_file_problem(
        path: str,
        max_pixels: Optional[int],
        loader: Optional[LoadImageFromFile] = None) -> Optional[str]:
    """What keeps ``path`` from being used as an image, or None.

    The file's size and header are read first. With ``loader``, the file is
    then decoded as that transform decodes it in the data pipeline: its
    file backend, its decoding backend and its colour flag.

    Args:
        path (str): The image file.
        max_pixels (int, optional): The largest width x height allowed;
            None for no limit.
        loader (LoadImageFromFile, optional): The pipeline's loader; None
            to read the header only.

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
                kind = f'{image.format} by its header'
    except Image.DecompressionBombError:
        return ("is larger than PIL's decompression-bomb limit "
                f'({2 * Image.MAX_IMAGE_PIXELS} pixels)')
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        # a format OpenCV reads but PIL does not has no size here
        if not cv2.haveImageReader(path):
            return (f'is not an image ({size} bytes that neither PIL nor '
                    'OpenCV recognises as an image format)')
        width = height = 0
        kind = 'a format only OpenCV recognises'
    if max_pixels is not None and width * height > max_pixels:
        return (f'is {width} x {height} = {width * height} pixels, above '
                f'max_pixels={max_pixels}')
    if loader is None:
        return None
    try:
        decoded = loader(dict(img_path=path))
    except AssertionError:
        # MMCV's loader asserts that the decoder returned an image
        decoded = None
    except Exception as error:  # what the pipeline would raise mid-epoch
        return (f'does not decode ({kind}, {size} bytes): '
                f'{type(error).__name__}: {error}')
    if decoded is None:
        return (f'does not decode ({kind}, {size} bytes): the decoder '
                'returns no image')
    return None


def _image_paths(dataset, rank: int, world_size: int) -> Optional[List[str]]:
    """The ``img_path`` of every ``world_size``-th sample from ``rank`` on;
    None for a dataset of arrays (its first sample has no ``img_path``) or
    one without ``get_data_info`` (e.g. the stand-in of MMPretrain's
    ``vis_scheduler.py``)."""
    if not hasattr(dataset, 'get_data_info') or len(dataset) == 0 or \
            dataset.get_data_info(0).get('img_path') is None:
        return None
    return [
        dataset.get_data_info(index)['img_path']
        for index in range(rank, len(dataset), world_size)
    ]


def _pipeline_loader(dataset) -> Optional[LoadImageFromFile]:
    """The first :class:`LoadImageFromFile` of the pipeline that
    ``dataset`` (or the dataset it wraps, e.g. a ``LongTailDataset``'s)
    runs, or None."""
    while dataset is not None:
        pipeline = getattr(dataset, 'pipeline', None)
        for transform in getattr(pipeline, 'transforms', ()):
            if isinstance(transform, LoadImageFromFile):
                return transform
        dataset = getattr(dataset, 'dataset', None)
    return None


def _problems(paths: Sequence[str], max_pixels: Optional[int],
              loader: Optional[LoadImageFromFile]) -> List[Tuple[str, str]]:
    """``(path, problem)`` for each of ``paths`` that cannot be used."""
    found = []
    for path in paths:
        problem = image_file_problem(path, max_pixels, loader)
        if problem is not None:
            found.append((path, problem))
    return found


@HOOKS.register_module()
class ImageFileCheckHook(Hook):
    """Check that every image file a dataloader will read can be decoded,
    before the run starts reading them.

    A damaged file otherwise fails deep inside the pipeline, mid-epoch and
    after minutes of work, often without its name: a 0-byte PNG raises
    OpenCV's ``!buf.empty()``, a 40000 x 40000 one OpenCV's
    ``CV_IO_MAX_IMAGE_PIXELS`` after it has been read, a truncated JPEG or
    PNG and an ICO file named ``.png`` MMCV's ``failed to load image``, and
    a 20000 x 20000 one trains on 2.4 GB of memory without a word. Before
    training (the train and val sets) and before testing (the test set),
    each file's size and header are read: the file must exist, be
    non-empty, be an image format PIL or OpenCV recognises, and hold at
    most ``max_pixels`` pixels. Then each file is decoded by the
    dataset's own ``LoadImageFromFile`` (its ``imdecode_backend``,
    ``color_type`` and ``backend_args``), the transform that decodes it
    during training, so a file is refused exactly when the pipeline would
    fail on it. A cheaper check does not do: PIL's ``verify()`` passes
    truncated JPEGs, and PIL's ``load()`` passes ICO files and a PNG
    without its last byte, all of which OpenCV refuses.

    A dataset of arrays (CIFAR, Fashion-MNIST) has no files and costs
    nothing. In a distributed run each process checks every
    ``world_size``-th file; each process decodes on as many threads as
    its dataloader has workers (at least one), which are idle until the
    first epoch, and the processes then gather what they found. All
    problems found are raised together, on every rank, in a
    :class:`ValueError` naming the dataloader, its dataset and each file;
    rank 0's log in the work dir names them too. Rank 0 logs what each
    check did.

    Cost per file, in CPU time on one core of the CPU of
    ``docs/speed.md``, for generated photo-like JPEGs of quality 90 in the
    page cache: 0.034 ms to read the header alone (any size); to decode
    with OpenCV, 0.36 ms at 256 x 256, 0.88 ms at 500 x 375 (a typical
    ImageNet photo) and 2.2 ms at 800 x 600 (iNaturalist 2018's images
    are at most 800 pixels on a side). For ImageNet-LT's train and val
    sets (135,846 files) that is 120 s of CPU to decode against 4.6 s for
    the headers; for iNaturalist 2018's (461,939 files), about 1,010 s
    against 16 s. Shared by 8 processes of 8 threads each, decoding takes
    about 2 s and 16 s where the threads scale (OpenCV's decoder releases
    Python's lock; not measured on the 2 cores here). With
    ``decode='auto'`` (the default) the files are decoded when each
    thread's share is at most ``decode_limit`` files, and only their
    headers are read otherwise.

    Args:
        max_pixels (int, optional): The largest width x height allowed.
            Defaults to PIL's decompression-bomb threshold,
            ``PIL.Image.MAX_IMAGE_PIXELS`` (89,478,485: 9459 x 9459). None
            for no limit.
        decode (bool | str): True to decode every file, False to read
            headers only, ``'auto'`` to decode where each thread's share
            (the dataset's files over the processes times the threads) is
            at most ``decode_limit``. Defaults to ``'auto'``.
        decode_limit (int): The largest share of one thread that
            ``decode='auto'`` decodes: 20,000 files take 7 to 44 s from
            256 x 256 to 800 x 600 pixels. Defaults to 20000.

    Raises:
        ValueError: ``decode=True`` for a dataset whose pipeline has no
            ``LoadImageFromFile`` to decode with.
    """

    priority = 'VERY_HIGH'

    def __init__(self,
                 max_pixels: Optional[int] = Image.MAX_IMAGE_PIXELS,
                 decode: Union[bool, str] = 'auto',
                 decode_limit: int = 20000) -> None:
        if not (isinstance(decode, bool) or decode == 'auto'):
            raise ValueError("ImageFileCheckHook: decode must be True, False "
                             f"or 'auto', got {decode!r}")
        self.max_pixels = max_pixels
        self.decode = decode
        self.decode_limit = check_number(
            'ImageFileCheckHook',
            'decode_limit',
            decode_limit,
            minimum=1,
            integer=True)
        self._checked: List[int] = []

    def before_train(self, runner) -> None:
        self._check(runner.train_dataloader, 'train_dataloader')
        if runner.val_loop is not None:
            self._check(runner.val_loop.dataloader, 'val_dataloader')

    def before_test(self, runner) -> None:
        self._check(runner.test_loop.dataloader, 'test_dataloader')

    def _loader(self, dataset, field: str, threads: int,
                world_size: int) -> Tuple[Optional[LoadImageFromFile], str]:
        """The loader to decode with (None: headers only) and what the
        check does, for the log."""
        share = math.ceil(len(dataset) / (world_size * threads))
        on = f'{threads} thread(s) on each of {world_size} process(es)'
        if self.decode is False or share > self.decode_limit:
            why = '' if self.decode is False else (
                f" (decode='auto' decodes up to decode_limit="
                f'{self.decode_limit} files per thread, here {share}; '
                'decode=True decodes them all)')
            return None, f'headers read, {on}{why}'
        loader = _pipeline_loader(dataset)
        if loader is not None:
            return loader, f'decoded by the pipeline\'s {loader!r}, {on}'
        if self.decode is True:
            raise ValueError(
                f'ImageFileCheckHook: decode=True, but {field}.dataset '
                f'({type(dataset).__name__}) has no LoadImageFromFile in its '
                'pipeline to decode with; set decode=False or '
                "decode='auto' to read the headers only")
        return None, 'headers read (no LoadImageFromFile in its pipeline)'

    def _check(self, dataloader, field: str) -> None:
        dataset = dataloader.dataset
        if id(dataset) in self._checked:
            return
        self._checked.append(id(dataset))
        rank, world_size = get_dist_info()
        paths = _image_paths(dataset, rank, world_size)
        if paths is None:
            return
        threads = max(1, dataloader.num_workers)
        loader, done = self._loader(dataset, field, threads, world_size)
        print_log(
            f'ImageFileCheckHook: {field}.dataset, {len(dataset)} image '
            f'files: {done}',
            logger='current')
        with ThreadPoolExecutor(threads) as pool:
            parts = pool.map(
                partial(_problems, max_pixels=self.max_pixels, loader=loader),
                [paths[start::threads] for start in range(threads)])
            found = [problem for part in parts for problem in part]
        # every rank refuses, with the files all ranks found (one gather)
        shares = gathered([(found, len(paths))])
        problems = sorted(problem for part, _ in shares for problem in part)
        checked = sum(count for _, count in shares)
        if not problems:
            return
        listed = shortened([f'{path} {problem}' for path, problem in problems],
                           separator='; ')
        root = getattr(dataset, 'data_root', None)
        where = f', {root}' if root else ''
        decoded = '' if loader is None else (
            " Each file was decoded by the pipeline's LoadImageFromFile "
            f'(imdecode_backend={loader.imdecode_backend!r}, '
            f'color_type={loader.color_type!r}), as in training; one that '
            'does not decode is damaged, truncated or in a format this '
            'decoder does not read.')
        large = any('max_pixels' in problem for _, problem in problems)
        advice = ' (or raise ImageFileCheckHook.max_pixels)' if large else ''
        raise_on_every_rank(
            ValueError(
                f'{field}.dataset ({type(dataset).__name__}{where}): '
                f'{len(problems)} of the {checked} image files checked cannot '
                f'be used: {listed}.{decoded} Remove or replace '
                f'them{advice}.'))
