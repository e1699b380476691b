"""Fashion-MNIST read in place from its IDX files."""
import os.path as osp
import warnings
import zlib
from typing import List

import numpy as np
from mmpretrain.datasets import FashionMNIST
from mmpretrain.datasets.mnist import read_sn3_pascalvincent_tensor
from mmpretrain.registry import DATASETS

from .class_counts import LabelCountsMixin


@DATASETS.register_module()
class FashionMNISTIDX(LabelCountsMixin, FashionMNIST):
    """Fashion-MNIST from IDX files already on disk, gzipped or not.

    MMPretrain's :class:`FashionMNIST` only trusts files it downloaded
    itself; this class reads the four IDX files where they lie (for example
    Debian's ``dataset-fashion-mnist`` package, which installs them under
    ``/usr/share/datasets/fashion-mnist``), never downloads, and selects the
    split by ``split`` alone. Images are 28x28 grey ``uint8`` arrays.

    Args:
        data_root (str): The directory holding the IDX files.
            Defaults to ``'/usr/share/datasets/fashion-mnist'``.
        split (str): ``'train'`` (60,000 images) or ``'test'`` (10,000).
            Defaults to ``'train'``.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.BaseDataset`.
    """

    def __init__(self,
                 data_root: str = '/usr/share/datasets/fashion-mnist',
                 split: str = 'train',
                 **kwargs) -> None:
        if kwargs.pop('download', False):
            raise ValueError('FashionMNISTIDX reads files already on disk; '
                             'download=True is not supported')
        super().__init__(
            data_root=data_root, split=split, download=False, **kwargs)

    def _find(self, name: str) -> str:
        root = self.data_prefix['root']
        for candidate in (name, name[:-len('.gz')]):
            path = osp.join(root, candidate)
            if osp.isfile(path):
                return path
        raise FileNotFoundError(
            f'FashionMNISTIDX: data_root={self.data_root!r} has neither '
            f'{name} nor '
            f"{name[:-len('.gz')]} (on Debian: apt-get install "
            'dataset-fashion-mnist)')

    @staticmethod
    def _read(path: str) -> np.ndarray:
        """One IDX file as an array; a damaged file is named."""
        try:
            return read_sn3_pascalvincent_tensor(path).numpy()
        except (OSError, EOFError, AssertionError, ValueError, KeyError,
                RuntimeError, zlib.error) as error:
            raise ValueError(
                f'FashionMNISTIDX: {path} is not a complete IDX file '
                f'({type(error).__name__}: {error}); reinstall it (on '
                'Debian: apt-get install --reinstall dataset-fashion-mnist)'
            ) from None

    def load_data_list(self) -> List[dict]:
        """Read the images and labels of ``split``."""
        files = self.train_list if self.split == 'train' else self.test_list
        with warnings.catch_warnings():
            # MMPretrain's reader wraps a read-only buffer; it is only read.
            warnings.filterwarnings('ignore', 'The given NumPy array is not')
            images, labels = (self._read(self._find(name))
                              for name, _ in files)
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(
                f'FashionMNISTIDX: {files[0][0]} holds {images.shape} images '
                f'but {files[1][0]} holds {labels.shape} labels')
        self._keep_labels(labels)
        return [{
            'img': img,
            'gt_label': int(label)
        } for img, label in zip(images, labels)]
