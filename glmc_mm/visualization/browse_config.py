"""A config for MMPretrain's dataset browser, optionally showing one stream
of GLMC's training batches."""
import copy
from typing import Optional

from mmengine.config import Config


def browse_config(cfg: Config,
                  stream: Optional[str] = None,
                  epoch: int = 0) -> Config:
    """``cfg`` made ready for MMPretrain's
    ``tools/visualization/browse_dataset.py``.

    The visualizer loses the ``_scope_`` key that config inheritance gives
    it (``mmpretrain::`` and ``glmc_mm::`` bases): the browser passes every
    key to the visualizer's constructor. This is the one place that drops
    the key; everything else builds through a registry, which reads it. With
    ``stream``, the training set becomes the
    :class:`~glmc_mm.datasets.TrainingStreamDataset` of that stream: the
    browser then shows the images in the order in which training draws
    them, with the training dataloader's sampler and batch sampler and the
    run's seed.

    Args:
        cfg (Config): A training config.
        stream (str, optional): ``'uniform'`` or ``'rebalanced'``.
            Defaults to None (the training set in its own order).
        epoch (int): The epoch, from 0, whose draws are shown.
            Defaults to 0.

    Returns:
        Config: A new config; ``cfg`` is unchanged.
    """
    cfg = copy.deepcopy(cfg)
    cfg.visualizer.pop('_scope_', None)
    if stream is not None:
        loader = cfg.train_dataloader
        cfg.train_dataloader.dataset = dict(
            type='TrainingStreamDataset',
            dataset=loader.dataset,
            batch_size=loader.batch_size,
            sampler=loader.sampler,
            batch_sampler=loader.get('batch_sampler'),
            stream=stream,
            seed=cfg.get('randomness', {}).get('seed'),
            epoch=epoch)
    return cfg
