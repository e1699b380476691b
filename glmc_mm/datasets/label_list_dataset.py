"""Datasets given by a ``path label`` text list, validated line by line."""
import os.path as osp
from typing import Dict, List, Tuple

from mmengine.fileio import LocalBackend, get_file_backend
from mmpretrain.datasets import CustomDataset
from mmpretrain.datasets.categories import IMAGENET_CATEGORIES
from mmpretrain.registry import DATASETS

from .class_counts import LabelCountsMixin
from .missing_listed_files import missing_files_message

# repeated paths named in one error
MOST_REPEATS_SHOWN = 3


@DATASETS.register_module()
class LabelListDataset(LabelCountsMixin, CustomDataset):
    """A :class:`CustomDataset` read from a ``relative/path.jpg label`` list.

    The list is checked before any image is read, and every error names the
    file (and the line where there is one): a list that is not UTF-8 (a
    byte-order mark at its start is read as UTF-8's), a line that is not
    ``<path> <integer label>``, a label outside ``[0, num_classes)``, an
    image listed twice (it would count twice in the class counts and in
    every epoch: the lines are named), a list without any image. Then, for
    local files, every listed image is checked to exist (one ``stat``
    each, about a second for ImageNet-LT's 115,846 images): missing ones
    are reported before training starts with their number, the first few
    paths as ``repr`` (which shows every character), the characters of
    their paths that an editor does not show (a zero-width or no-break
    space, a trailing space) and another folder that holds them, where one
    does (``data_root`` without ``data_prefix``, a folder above, a
    subfolder). The per-class counts of the list are stored in
    ``metainfo['class_counts']`` and logged once.

    Args:
        ann_file (str): The text list.
        metainfo (dict): Must hold ``classes``, which fixes ``num_classes``.
        check_files (bool): Check that every listed local image exists.
            Defaults to True; turn it off for huge lists on slow file
            systems.
        **kwargs: Other arguments of :class:`CustomDataset`.
    """

    def __init__(self, *args, check_files: bool = True, **kwargs) -> None:
        self.check_files = check_files
        super().__init__(*args, **kwargs)

    def _lines(self) -> List[str]:
        """The list's lines, decoded as UTF-8 one by one (the first one
        without a byte-order mark)."""
        raw = get_file_backend(self.ann_file).get(self.ann_file)
        lines = []
        for number, line in enumerate(raw.splitlines(), 1):
            try:
                lines.append(
                    line.decode('utf-8-sig' if number == 1 else 'utf-8'))
            except UnicodeDecodeError as error:
                raise ValueError(
                    f'{self.ann_file}, line {number}: not UTF-8 text '
                    f'({error.reason} at byte {error.start}: '
                    f'{line[:60]!r})') from None
        return lines

    def load_data_list(self) -> List[dict]:
        """Parse and validate the list."""
        if not self.ann_file:
            raise ValueError(f'{type(self).__name__} needs ann_file=')
        if not self.CLASSES:
            raise ValueError(f'{type(self).__name__} needs metainfo='
                             'dict(classes=...) to know num_classes')
        num_classes = len(self.CLASSES)
        backend = get_file_backend(self.img_prefix, enable_singleton=True)
        data_list, labels, listed = [], [], []
        first: Dict[str, Tuple[int, int]] = {}
        repeats: Dict[str, List[Tuple[int, int]]] = {}
        for number, line in enumerate(self._lines(), 1):
            if not line.strip():
                continue
            parts = line.strip().rsplit(' ', 1)
            if len(parts) != 2 or not parts[1].lstrip('-').isdigit():
                raise ValueError(f'{self.ann_file}, line {number}: expected '
                                 f'"<path> <label>", got {line!r}')
            label = int(parts[1])
            if not 0 <= label < num_classes:
                raise ValueError(
                    f'{self.ann_file}, line {number}: label {label} is '
                    f'outside [0, {num_classes})')
            path = osp.normpath(parts[0])
            if path in first:
                repeats.setdefault(path, []).append((number, label))
                continue
            first[path] = (number, label)
            listed.append(parts[0])
            data_list.append({
                'img_path':
                backend.join_path(self.img_prefix, parts[0]),
                'gt_label':
                label
            })
            labels.append(label)
        if repeats:
            raise ValueError(self._repeats_message(first, repeats))
        if not data_list:
            raise ValueError(f'{self.ann_file} lists no image: expected one '
                             '"<path> <label>" line per image')
        if self.check_files and isinstance(backend, LocalBackend):
            self._check_images_exist(data_list, listed)
        self._keep_labels(labels)
        self._record_class_counts(f'{type(self).__name__}({self.ann_file})')
        return data_list

    def _repeats_message(self, first: Dict[str, Tuple[int, int]],
                         repeats: Dict[str, List[Tuple[int, int]]]) -> str:
        """Name the lines of the images listed more than once."""
        parts = []
        for path, again in list(repeats.items())[:MOST_REPEATS_SHOWN]:
            number, label = first[path]
            lines = ', '.join(str(n) for n, _ in again)
            part = (f'{self.ann_file}, line {number}: {path} is listed again '
                    f'on line{"s" if len(again) > 1 else ""} {lines}')
            others = sorted({other for _, other in again} - {label})
            if others:
                part += (f' (with label {", ".join(map(str, others))} there, '
                         f'{label} here)')
            parts.append(f'{part}: it would count {len(again) + 1} times')
        if len(repeats) > MOST_REPEATS_SHOWN:
            parts.append(f'and {len(repeats) - MOST_REPEATS_SHOWN} more '
                         'images are listed more than once')
        return ('; '.join(parts) + '. List each image once (in the class '
                'counts and in every epoch, an image counts as often as it '
                "is listed); to draw some more often, use a sampler or "
                "MMPretrain's ClassBalancedDataset")

    def _check_images_exist(self, data_list: List[dict],
                            listed: List[str]) -> None:
        missing = [
            path for path, info in zip(listed, data_list)
            if not osp.isfile(info['img_path'])
        ]
        if missing:
            raise FileNotFoundError(
                missing_files_message(self.ann_file, self.img_prefix,
                                      self.data_root, listed, missing))


@DATASETS.register_module()
class ImageNetLT(LabelListDataset):
    """ImageNet-LT (Liu et al., CVPR 2019): 1000 ImageNet classes, given by
    the published ``ImageNet_LT_train.txt`` (115,846 images, 1280 to 5 per
    class), ``ImageNet_LT_val.txt`` and ``ImageNet_LT_test.txt`` (50 per
    class) lists.

    Args:
        data_root (str): The ImageNet root the list's paths start from.
        ann_file (str): One of the published lists.
        **kwargs: Other arguments of :class:`LabelListDataset`.
    """
    METAINFO = {'classes': IMAGENET_CATEGORIES}


@DATASETS.register_module()
class INaturalist2018(LabelListDataset):
    """iNaturalist 2018: 8142 species given by the published
    ``iNaturalist18_train.txt`` (437,513 images, 1000 to 2 per class) and
    ``iNaturalist18_val.txt`` (24,426 images) lists. Classes are named by
    their index.

    Args:
        data_root (str): The directory the list's paths start from.
        ann_file (str): One of the published lists.
        **kwargs: Other arguments of :class:`LabelListDataset`.
    """
    METAINFO = {'classes': tuple(str(i) for i in range(8142))}
