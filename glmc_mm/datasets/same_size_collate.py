"""Stack a batch of same-size images, naming the file of any that is not."""
from collections import Counter
from typing import Any, Optional, Sequence

from mmengine.dataset import default_collate
from mmengine.registry import FUNCTIONS


def _shape(inputs) -> tuple:
    """The shape of a sample's ``inputs``: a tensor, or one per view."""
    if isinstance(inputs, (list, tuple)):
        return tuple(_shape(view) for view in inputs)
    return tuple(getattr(inputs, 'shape', ()))


def _named(sample: dict, index: int) -> str:
    data_sample = sample.get('data_samples')
    path = getattr(data_sample, 'img_path', None)
    if path is None:
        sample_idx = getattr(data_sample, 'sample_idx', None)
        return (f'sample {sample_idx}'
                if sample_idx is not None else f'item {index} of the batch')
    return str(path)


def _size(shape: tuple) -> str:
    if shape and isinstance(shape[0], tuple):
        return ' and '.join(_size(view) for view in shape)
    return ' x '.join(str(n) for n in shape)


@FUNCTIONS.register_module()
def same_size_collate(data_batch: Sequence[dict],
                      _scope_: Optional[str] = None) -> Any:
    """MMEngine's ``default_collate`` (one stacked tensor per input), with a
    batch whose images differ in size refused by name.

    ``default_collate`` fails on such a batch with PyTorch's "stack expects
    each tensor to be equal size", naming no file; MMPretrain's default,
    ``pseudo_collate``, lets the data preprocessor pad the batch to its
    largest image, so one large image silently changes what the model sees
    of every other image in its batch. Here the sample whose ``inputs``
    shape differs from the batch's most common one is named by its
    ``img_path`` (or ``sample_idx``) in a :class:`ValueError`.

    Args:
        data_batch (Sequence[dict]): The samples, each with ``inputs``.
        _scope_ (str, optional): Ignored. A config that inherits another
            package's (``glmc_mm::...``) gets MMEngine's ``_scope_`` key on
            its ``collate_fn``, and MMEngine's ``Runner.build_dataloader``
            passes every key of it to the function.

    Returns:
        The batch, as ``default_collate`` returns it.
    """
    shapes = [_shape(sample.get('inputs')) for sample in data_batch]
    common, count = Counter(shapes).most_common(1)[0]
    if count != len(shapes):
        odd = [(index, shape) for index, shape in enumerate(shapes)
               if shape != common]
        listed = '; '.join(
            f'{_named(data_batch[index], index)} is {_size(shape)}'
            for index, shape in odd[:5])
        raise ValueError(
            f'The images of one batch differ in size: {listed}, the other '
            f'{count} are {_size(common)}. Give them one size in the '
            'pipeline (e.g. Resize, CenterCrop), or replace the odd files.')
    return default_collate(data_batch)
