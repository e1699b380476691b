"""Datasets given by a ``path label`` text list, validated line by line."""
from typing import List

from mmengine.fileio import get_file_backend, list_from_file
from mmpretrain.datasets import CustomDataset
from mmpretrain.datasets.categories import IMAGENET_CATEGORIES
from mmpretrain.registry import DATASETS

from .class_counts import LabelCountsMixin


@DATASETS.register_module()
class LabelListDataset(LabelCountsMixin, CustomDataset):
    """A :class:`CustomDataset` read from a ``relative/path.jpg label`` list.

    Every line is checked before any image is read: a line that is not
    ``<path> <integer label>`` or whose label is outside
    ``[0, num_classes)`` raises an error naming the file and the line
    number. The per-class counts of the list are stored in
    ``metainfo['class_counts']`` and logged once.

    Args:
        ann_file (str): The text list.
        metainfo (dict): Must hold ``classes``, which fixes ``num_classes``.
        **kwargs: Other arguments of :class:`CustomDataset`.
    """

    def load_data_list(self) -> List[dict]:
        """Parse and validate the list."""
        if not self.ann_file:
            raise ValueError(f'{type(self).__name__} needs ann_file=')
        if not self.CLASSES:
            raise ValueError(f'{type(self).__name__} needs metainfo='
                             'dict(classes=...) to know num_classes')
        num_classes = len(self.CLASSES)
        backend = get_file_backend(self.img_prefix, enable_singleton=True)
        data_list, labels = [], []
        for number, line in enumerate(list_from_file(self.ann_file), 1):
            if not line.strip():
                continue
            parts = line.strip().rsplit(' ', 1)
            if len(parts) != 2 or not parts[1].lstrip('-').isdigit():
                raise ValueError(
                    f'{self.ann_file}, line {number}: expected '
                    f'"<path> <label>", got {line!r}')
            label = int(parts[1])
            if not 0 <= label < num_classes:
                raise ValueError(
                    f'{self.ann_file}, line {number}: label {label} is '
                    f'outside [0, {num_classes})')
            data_list.append({
                'img_path': backend.join_path(self.img_prefix, parts[0]),
                'gt_label': label
            })
            labels.append(label)
        self._keep_labels(labels)
        self._record_class_counts(f'{type(self).__name__}({self.ann_file})')
        return data_list


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
