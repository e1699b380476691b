"""Small datasets written in the real on-disk formats, for the tests and
the benchmarks (CIFAR and ImageNet cannot be downloaded everywhere).

MMPretrain's CIFAR classes verify the md5 of the files they read. The real
files' checksums are class attributes; :func:`register_cifar_md5` swaps in
the checksums of generated files, so the real check still runs. Nothing
calls it on import: a test or a benchmark calls it for the files it wrote.
"""
import gzip
import hashlib
import json
import os
import os.path as osp
import pickle
import struct

import cv2
import numpy as np
from mmpretrain.datasets import CIFAR10, CIFAR100

LAYOUTS = {
    'cifar10':
    dict(
        cls=CIFAR10,
        folder='cifar-10-batches-py',
        num_classes=10,
        train_files=[f'data_batch_{i}' for i in range(1, 6)],
        test_file='test_batch',
        label_key='labels',
        meta_file='batches.meta',
        meta_key='label_names'),
    'cifar100':
    dict(
        cls=CIFAR100,
        folder='cifar-100-python',
        num_classes=100,
        train_files=['train'],
        test_file='test',
        label_key='fine_labels',
        meta_file='meta',
        meta_key='fine_label_names'),
}


def _md5(path: str) -> str:
    with open(path, 'rb') as f:
        return hashlib.md5(f.read()).hexdigest()


def write_cifar(root: str,
                kind: str,
                train_per_class: int,
                test_per_class: int,
                seed: int = 0,
                learnable: bool = False) -> str:
    """Write CIFAR pickles of random pixels; return the md5 JSON's path.

    With ``learnable``, every image is its class's fixed random template
    plus per-image noise, so that a network can learn the classes.
    """
    layout = LAYOUTS[kind]
    rng = np.random.default_rng(seed)
    templates = rng.integers(0, 256, (layout['num_classes'], 3072))
    folder = osp.join(root, layout['folder'])
    os.makedirs(folder, exist_ok=True)
    num_classes = layout['num_classes']

    def dump(name: str, per_class: int) -> list:
        labels = rng.permutation(np.repeat(np.arange(num_classes), per_class))
        data = rng.integers(0, 256, (len(labels), 3072), dtype=np.uint8)
        if learnable:
            data = (0.7 * templates[labels] + 0.3 * data).astype(np.uint8)
        files = [name] if isinstance(name, str) else name
        table = []
        parts = np.array_split(np.arange(len(labels)), len(files))
        for part, idx in zip(files, parts):
            path = osp.join(folder, part)
            with open(path, 'wb') as f:
                pickle.dump(
                    {
                        'data': data[idx],
                        layout['label_key']: labels[idx].tolist()
                    }, f)
            table.append([part, _md5(path)])
        return table

    train = dump(layout['train_files'], train_per_class)
    test = dump(layout['test_file'], test_per_class)
    meta_path = osp.join(folder, layout['meta_file'])
    with open(meta_path, 'wb') as f:
        names = [f'c{i}' for i in range(num_classes)]
        pickle.dump({layout['meta_key']: names}, f)
    table_path = osp.join(root, f'{kind}_md5.json')
    with open(table_path, 'w') as f:
        json.dump(
            dict(
                kind=kind,
                train_list=train,
                test_list=test,
                meta_md5=_md5(meta_path)), f)
    return table_path


def register_cifar_md5(table_path: str) -> None:
    """Make MMPretrain's CIFAR class accept the generated files."""
    with open(table_path) as f:
        table = json.load(f)
    cls = LAYOUTS[table['kind']]['cls']
    cls.train_list = table['train_list']
    cls.test_list = table['test_list']
    cls.meta = {**cls.meta, 'md5': table['meta_md5']}


def write_idx(root: str, prefix: str, images: np.ndarray,
              labels: np.ndarray) -> None:
    """Write a gzipped IDX image file and label file (MNIST format)."""
    os.makedirs(root, exist_ok=True)
    n, h, w = images.shape
    images_file = osp.join(root, f'{prefix}-images-idx3-ubyte.gz')
    with gzip.open(images_file, 'wb') as f:
        f.write(struct.pack('>IIII', 0x803, n, h, w) + images.tobytes())
    labels_file = osp.join(root, f'{prefix}-labels-idx1-ubyte.gz')
    with gzip.open(labels_file, 'wb') as f:
        f.write(
            struct.pack('>II', 0x801, n) + labels.astype(np.uint8).tobytes())


def write_jpeg_list(root: str,
                    num_images: int = 96,
                    num_classes: int = 10,
                    size: tuple = (256, 320),
                    seed: int = 0,
                    photo_like: bool = False,
                    quality: int = 95) -> str:
    """Write random JPEGs under ``root/train/<label>/`` and a
    ``relative/path.JPEG label`` list, ``root/train.txt``: every class
    present, then a long tail. Returns the list's path.

    Args:
        size (tuple): ``(height, width)`` of every image.
        photo_like (bool): Smooth colour fields with fine grain, which
            compress (and decode) like photographs, rather than pixel
            noise. Defaults to False.
        quality (int): JPEG quality. Defaults to 95.
    """
    rng = np.random.default_rng(seed)
    labels = list(range(num_classes)) + [
        min(int(rng.exponential(2.0)), num_classes - 1)
        for _ in range(num_images - num_classes)
    ]
    lines = []
    for index, label in enumerate(labels):
        if photo_like:
            field = rng.integers(0, 256, (6, 8, 3)).astype(np.float32)
            image = cv2.resize(
                field, size[::-1], interpolation=cv2.INTER_CUBIC)
            image += rng.normal(0, 12, image.shape).astype(np.float32)
            image = np.clip(image, 0, 255).astype(np.uint8)
        else:
            image = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
        path = f'train/{label}/{index}.JPEG'
        os.makedirs(osp.join(root, osp.dirname(path)), exist_ok=True)
        cv2.imwrite(
            osp.join(root, path), image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        lines.append(f'{path} {label}')
    list_path = osp.join(root, 'train.txt')
    with open(list_path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return list_path
