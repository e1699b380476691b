"""Long-tailed datasets built from generated files in the real formats."""
import hashlib
import logging
import os
import os.path as osp

import numpy as np
import pytest
from mmengine.logging import MMLogger
from mmpretrain.datasets import CIFAR10
from mmpretrain.registry import DATASETS

from glmc_mm.benchmark import write_idx
from glmc_mm.datasets import (CIFAR10LT, CIFAR100LT, FashionMNISTIDX,
                              ImageNetLT, INaturalist2018, LongTailDataset,
                              get_class_counts, long_tail_class_sizes)
from glmc_mm.datasets.long_tail_subset import long_tail_indices

# Totals of docs/method.md (IF 10: the same rule, summed by hand).
TOTALS = {
    ('cifar10', 100): 12406,
    ('cifar10', 50): 13996,
    ('cifar10', 10): 20431,
    ('cifar100', 100): 10847,
    ('cifar100', 50): 12608,
    ('cifar100', 10): 19573,
}
CLASSES = {
    'cifar10': (CIFAR10LT, 5000, 10),
    'cifar100': (CIFAR100LT, 500, 100)
}


def image_digests(dataset) -> list:
    return [
        hashlib.md5(dataset.get_data_info(i)['img'].tobytes()).hexdigest()
        for i in range(len(dataset))
    ]


@pytest.mark.parametrize('kind,imbalance_factor', sorted(TOTALS))
def test_cifar_lt_exact_counts(cifar_files, kind, imbalance_factor):
    cls, n_max, num_classes = CLASSES[kind]
    dataset = cls(
        data_root=cifar_files[kind], imbalance_factor=imbalance_factor)
    expected = [
        int(n_max * (1 / imbalance_factor)**(i / (num_classes - 1)))
        for i in range(num_classes)
    ]
    labels = dataset.get_gt_labels()
    assert np.bincount(labels, minlength=num_classes).tolist() == expected
    assert list(dataset.metainfo['class_counts']) == expected
    assert get_class_counts(dataset).tolist() == expected
    assert len(dataset) == sum(expected) == TOTALS[(kind, imbalance_factor)]
    # Random pixels make every source image unique: equal digests would
    # mean a source image was drawn twice.
    assert len(set(image_digests(dataset))) == len(dataset)


def test_cifar10_lt_if100_profile_of_the_spec(cifar_files):
    dataset = CIFAR10LT(data_root=cifar_files['cifar10'], imbalance_factor=100)
    assert list(dataset.metainfo['class_counts']) == [
        5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50
    ]


def test_subset_depends_on_seed_only(cifar_files):
    root = cifar_files['cifar100']
    np.random.seed(1)
    first = image_digests(CIFAR100LT(data_root=root, seed=3))
    np.random.seed(2)
    again = image_digests(CIFAR100LT(data_root=root, seed=3))
    other = image_digests(CIFAR100LT(data_root=root, seed=4))
    assert first == again
    assert len(other) == len(first) == 10847
    # Same counts, different images: a class of 500 drawn twice at random
    # keeps the same subset with negligible probability.
    assert len(set(first) & set(other)) < 0.8 * len(first)


def test_test_split_stays_balanced_and_complete(cifar_files):
    dataset = CIFAR10LT(
        data_root=cifar_files['cifar10'], split='test', imbalance_factor=100)
    assert len(dataset) == 10000
    assert np.bincount(dataset.get_gt_labels()).tolist() == [1000] * 10
    assert 'class_counts' not in dataset.metainfo


class Recorder(logging.Handler):
    """Keeps the messages the current MMLogger emits."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_counts_are_logged_once_at_build(cifar_files):
    recorder = Recorder()
    logger = MMLogger.get_current_instance()
    logger.addHandler(recorder)
    try:
        DATASETS.build(
            dict(
                type='CIFAR10LT',
                data_root=cifar_files['cifar10'],
                imbalance_factor=50))
    finally:
        logger.removeHandler(recorder)
    lines = [m for m in recorder.messages if 'class_counts=' in m]
    assert len(lines) == 1
    assert '13996 images in 10 classes' in lines[0]


@pytest.fixture(scope='module')
def fashion_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('fashion'))
    rng = np.random.default_rng(0)
    for prefix, per_class in (('train', 300), ('t10k', 20)):
        labels = rng.permutation(np.repeat(np.arange(10), per_class))
        images = rng.integers(0, 256, (len(labels), 28, 28), dtype=np.uint8)
        write_idx(root, prefix, images, labels)
    return root


def test_fashion_mnist_idx_reads_both_splits(fashion_root):
    train = FashionMNISTIDX(data_root=fashion_root)
    test = FashionMNISTIDX(data_root=fashion_root, split='test')
    assert len(train) == 3000 and len(test) == 200
    assert train[0]['img'].shape == (28, 28)
    assert np.bincount(test.get_gt_labels()).tolist() == [20] * 10


def test_long_tail_wrapper_with_cap(fashion_root):
    dataset = DATASETS.build(
        dict(
            type='LongTailDataset',
            imbalance_factor=10,
            max_per_class=200,
            seed=5,
            dataset=dict(type='FashionMNISTIDX', data_root=fashion_root)))
    expected = [int(200 * 0.1**(i / 9)) for i in range(10)]
    assert expected[0] == 200 and expected[-1] == 20
    assert list(dataset.metainfo['class_counts']) == expected
    assert np.bincount(dataset.get_gt_labels()).tolist() == expected
    assert len(dataset) == sum(expected)
    labels = [
        int(dataset[i]['data_samples'].gt_label)
        if 'data_samples' in dataset[i] else dataset[i]['gt_label']
        for i in range(0, len(dataset), 97)
    ]
    assert labels == dataset.get_gt_labels()[::97].tolist()
    again = LongTailDataset(
        dict(type='FashionMNISTIDX', data_root=fashion_root),
        imbalance_factor=10,
        max_per_class=200,
        seed=5)
    assert image_digests(again) == image_digests(dataset)


def test_long_tail_wrapper_on_image_folder(tmp_path):
    import cv2
    rng = np.random.default_rng(0)
    for c, n in enumerate((12, 12, 12)):
        os.makedirs(tmp_path / f'class_{c}')
        for k in range(n):
            cv2.imwrite(
                str(tmp_path / f'class_{c}' / f'{k}.png'),
                rng.integers(0, 256, (8, 8, 3), dtype=np.uint8))
    dataset = LongTailDataset(
        dict(
            type='CustomDataset',
            data_root=str(tmp_path),
            pipeline=[dict(type='LoadImageFromFile'),
                      dict(type='PackInputs')]),
        imbalance_factor=4)
    assert list(dataset.metainfo['class_counts']) == [12, 6, 3]
    assert dataset.CLASSES == ('class_0', 'class_1', 'class_2')
    assert dataset[len(dataset) - 1]['inputs'].shape == (3, 8, 8)


def write_list(path, lines):
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def test_imagenet_lt_list_gives_class_counts(tmp_path):
    lines = [
        f'train/n{c:04d}/{k}.JPEG {c}' for c in range(1000)
        for k in range(1000 - c if c < 3 else 1)
    ]
    write_list(tmp_path / 'ImageNet_LT_train.txt', lines)
    dataset = ImageNetLT(
        data_root=str(tmp_path),  # no image files
        ann_file='ImageNet_LT_train.txt',
        check_files=False)
    counts = get_class_counts(dataset)
    assert counts[:4].tolist() == [1000, 999, 998, 1]
    assert counts.sum() == len(dataset) == 2997 + 997
    assert dataset.get_data_info(0)['img_path'] == osp.join(
        str(tmp_path), 'train/n0000/0.JPEG')


def test_inaturalist_list_accepts_8142_classes(tmp_path):
    write_list(tmp_path / 'train.txt', ['a/0.jpg 0', 'b/1.jpg 8141'])
    dataset = INaturalist2018(
        data_root=str(tmp_path), ann_file='train.txt', check_files=False)
    counts = get_class_counts(dataset)
    assert len(counts) == 8142 and counts[0] == counts[8141] == 1


@pytest.mark.parametrize('bad_line,message', [
    ('only_a_path.jpg', 'line 3: expected "<path> <label>"'),
    ('x.jpg seven', 'line 3: expected "<path> <label>"'),
    ('x.jpg 1000', 'line 3: label 1000 is outside [0, 1000)'),
    ('x.jpg -1', 'line 3: label -1 is outside [0, 1000)'),
])
def test_malformed_list_names_the_line(tmp_path, bad_line, message):
    write_list(tmp_path / 'list.txt', ['a.jpg 0', 'b.jpg 1', bad_line])
    with pytest.raises(
            ValueError,
            match=message.replace('[', r'\[').replace(')',
                                                      r'\)').replace('"',
                                                                     '.')):
        ImageNetLT(data_root=str(tmp_path), ann_file='list.txt')


def test_list_with_a_byte_order_mark_reads_its_first_path(tmp_path):
    (tmp_path / 'a.jpg').write_bytes(b'')
    (tmp_path / 'list.txt').write_bytes('\ufeffa.jpg 3\n'.encode('utf-8'))
    dataset = ImageNetLT(data_root=str(tmp_path), ann_file='list.txt')
    assert dataset.get_data_info(0)['img_path'] == str(tmp_path / 'a.jpg')
    assert get_class_counts(dataset)[3] == 1


def test_repeated_images_are_named_however_their_paths_are_written(tmp_path):
    lines = ['a.jpg 0', 'b.jpg 1', './a.jpg 0', 'c.jpg 2', 'd.jpg 2']
    lines += ['c.jpg 2', 'd.jpg 2', 'e.jpg 1', 'e.jpg 1', 'b.jpg 1']
    write_list(tmp_path / 'list.txt', lines)
    with pytest.raises(ValueError) as raised:
        ImageNetLT(
            data_root=str(tmp_path), ann_file='list.txt', check_files=False)
    message = str(raised.value)
    assert message.startswith(
        f'{tmp_path}/list.txt, line 1: a.jpg is listed again on line 3: it '
        'would count 2 times; ')
    # the first three repeats of the list, then how many more
    assert ('line 4: c.jpg is listed again on line 6: it would count 2 '
            'times; ') in message
    assert ('line 5: d.jpg is listed again on line 7: it would count 2 '
            'times; and 2 more images are listed more than once. ') in message
    assert 'e.jpg' not in message and 'b.jpg' not in message


def test_paths_under_a_subfolder_of_the_root_are_found_there(tmp_path):
    for name in ('0/a.jpg', '1/b.jpg'):
        os.makedirs(tmp_path / 'train' / osp.dirname(name), exist_ok=True)
        (tmp_path / 'train' / name).write_bytes(b'')
    os.makedirs(tmp_path / 'val')
    write_list(tmp_path / 'list.txt', ['0/a.jpg 0', '1/b.jpg 1', '1/c.jpg 1'])
    with pytest.raises(FileNotFoundError) as raised:
        ImageNetLT(data_root=str(tmp_path), ann_file='list.txt')
    assert (f"none of the 3 images listed in {tmp_path}/list.txt exists "
            f"under '{tmp_path}/', e.g. '{tmp_path}/0/a.jpg'") in str(
                raised.value)
    assert f"; 2 of the 3 exist under '{tmp_path}/train' (" in str(
        raised.value)


@pytest.mark.parametrize('value', [0.5, 0, -3, float('nan')])
def test_imbalance_factor_below_one_is_refused(value):
    with pytest.raises(ValueError, match=f'imbalance_factor .*got {value}'):
        CIFAR10LT(data_root='/nonexistent', imbalance_factor=value)


def test_factor_that_empties_a_class_names_it(cifar_files):
    # 500 * 600 ** (-96 / 99) = 1.01 but 500 * 600 ** (-97 / 99) = 0.95
    with pytest.raises(
            ValueError,
            match=r"imbalance_factor=600 leaves class "
            r"97 \('wolf'\) with 0 images \(n_max=500\)"):
        CIFAR100LT(data_root=cifar_files['cifar100'], imbalance_factor=600)


def test_factor_equal_to_n_max_names_a_factor_that_works():
    # 49 * (1 / 49) is 0.9999999999999999: the float formula empties the tail
    assert long_tail_class_sizes(49, 10, 48)[-1] == 1
    with pytest.raises(
            ValueError,
            match=r'imbalance_factor=49 leaves class 9 '
            r'with 0 images \(n_max=49\); the largest integer '
            r'factor that keeps every class is 48$'):
        long_tail_class_sizes(49, 10, 49)


@pytest.mark.parametrize('max_per_class', [1, 2, 3, 7, 49, 98, 100, 500])
@pytest.mark.parametrize('num_classes', [2, 10, 100])
def test_named_largest_factor_keeps_every_class(max_per_class, num_classes):
    refused = 0
    for factor in range(1, max_per_class + 1):
        try:
            sizes = long_tail_class_sizes(max_per_class, num_classes, factor)
        except ValueError as error:
            refused += 1
            largest = int(str(error).rsplit(' ', 1)[1])
            assert largest < factor
            kept = long_tail_class_sizes(max_per_class, num_classes, largest)
            assert min(kept) >= 1
            with pytest.raises(ValueError):
                long_tail_class_sizes(max_per_class, num_classes, largest + 1)
        else:
            assert sizes[0] == max_per_class and min(sizes) >= 1
    # only n_max itself can be refused, and 49, 98 are
    assert refused == (max_per_class in (49, 98))


def test_missing_data_root_is_named(tmp_path):
    with pytest.raises(
            RuntimeError, match=f'Cannot find CIFAR10LT dataset in '
            f'{tmp_path}'):
        CIFAR10LT(data_root=str(tmp_path), download=False)
    with pytest.raises(
            FileNotFoundError,
            match=f"data_root='{tmp_path}' has "
            'neither train-images-idx3-ubyte.gz'):
        FashionMNISTIDX(data_root=str(tmp_path))


def ldam_reference(targets, imb_factor=0.01, rand_number=0, cls_num=10):
    """Cao et al.'s ``IMBALANCECIFAR10`` subset, re-stated: the global
    legacy generator seeded once, then per class in label order its
    indices shuffled and the first ``n_i`` kept."""
    np.random.seed(rand_number)
    img_max = len(targets) / cls_num
    sizes = [
        int(img_max * (imb_factor**(i / (cls_num - 1.0))))
        for i in range(cls_num)
    ]
    targets = np.array(targets, dtype=np.int64)
    kept = []
    for the_class, n in zip(np.unique(targets), sizes):
        idx = np.where(targets == the_class)[0]
        np.random.shuffle(idx)
        kept.append(idx[:n])
    return kept


def glmc_reference(targets, imbanlance_rate=0.01, seed=3407, num_cls=10):
    """GLMC's ``Cifar10Imbanlance`` subset, re-stated: ``np.random.seed``
    at start-up, then per class in label order ``choice(n_class, n_i,
    replace=False)`` over that class's images (in file order)."""
    np.random.seed(seed)
    targets = np.array(targets)
    data_num = int(len(targets) / num_cls)
    sizes = [
        int(data_num * (imbanlance_rate**(i / (num_cls - 1))))
        for i in range(num_cls)
    ]
    kept = []
    for i in range(1, num_cls + 1):
        own = np.flatnonzero((targets >= i - 1) & (targets < i))
        kept.append(own[np.random.choice(
            len(own), sizes[i - 1], replace=False)])
    return kept


@pytest.mark.parametrize('draw, reference', [('ldam', ldam_reference),
                                             ('glmc', glmc_reference)])
def test_published_draws_keep_the_reference_images(cifar_files, draw,
                                                   reference):
    """``CIFAR10LT(draw=...)`` keeps, image for image, the subset of the
    reference algorithm on the same CIFAR-10 files, and leaves NumPy's
    global generator as it found it."""
    full = CIFAR10(
        data_root=cifar_files['cifar10'], split='train', serialize_data=False)
    targets = [int(info['gt_label']) for info in full.data_list]
    expected = reference(targets)
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    dataset = CIFAR10LT(
        data_root=cifar_files['cifar10'], draw=draw, serialize_data=False)
    assert np.array_equal(np.random.get_state()[1], before)
    assert dataset.seed == {'ldam': 0, 'glmc': 3407}[draw]
    assert list(dataset.metainfo['class_counts']) == [
        len(k) for k in expected
    ] == [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50]
    # image for image, in file order: the reference's indices, no repeats
    indices = sorted(int(i) for k in expected for i in k)
    assert len(set(indices)) == len(dataset) == 12406
    assert [info['img'].tobytes() for info in dataset.data_list
            ] == [full.data_list[i]['img'].tobytes() for i in indices]
    # another rank, whose global generator MMEngine seeded otherwise
    # (randomness.diff_rank_seed), keeps the same images
    np.random.seed(1)
    other_rank = CIFAR10LT(
        data_root=cifar_files['cifar10'], draw=draw, serialize_data=False)
    assert [(info['img'].tobytes(), int(info['gt_label']))
            for info in other_rank.data_list
            ] == [(info['img'].tobytes(), int(info['gt_label']))
                  for info in dataset.data_list]
    # the other published subset, and ours, are other images
    other = {'ldam': glmc_reference, 'glmc': ldam_reference}[draw](targets)
    assert sorted(int(i) for k in other for i in k) != indices
    ours = long_tail_indices(np.array(targets), 10, 100, 0)
    assert sorted(ours.tolist()) != indices


def test_a_published_draw_takes_no_cap(cifar_files):
    with pytest.raises(
            ValueError,
            match="draw='ldam' reproduces a published "
            r'subset, which has no max_per_class \(got 100\)'):
        CIFAR10LT(
            data_root=cifar_files['cifar10'], draw='ldam', max_per_class=100)
    with pytest.raises(
            ValueError,
            match="CIFAR10LT: draw must be one of "
            "'seeded', 'ldam', 'glmc', got 'cao'"):
        CIFAR10LT(data_root=cifar_files['cifar10'], draw='cao')
