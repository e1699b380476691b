"""Where a data pipeline spends its time: samples per second in one
process, and each transform's share."""
import time
from collections import defaultdict
from typing import Callable, Dict, Sequence


class _Timed:
    """A transform that adds the seconds of each call to ``totals[name]``."""

    def __init__(self, transform: Callable, totals: Dict[str, float]) -> None:
        self.transform = transform
        self.name = type(transform).__name__
        self.totals = totals

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.transform(*args, **kwargs)
        finally:
            self.totals[self.name] += time.perf_counter() - start

    def __getattr__(self, name: str):
        return getattr(self.transform, name)


def time_transforms(pipeline, totals: Dict[str, float]) -> None:
    """Make every innermost transform of ``pipeline`` add its seconds to
    ``totals``, in place.

    A transform that holds a list ``transforms`` (MMCV's and torchvision's
    ``Compose``, MMPretrain's ``MultiView``, ``RandomApply``) is entered,
    not timed; a list shared by several holders is wrapped once.

    Args:
        pipeline: A transform, usually a ``Compose``.
        totals (dict[str, float]): Seconds per transform class name.
    """
    seen = set()

    def visit(holder) -> None:
        children = getattr(holder, 'transforms', None)
        if not isinstance(children, list) or id(children) in seen:
            return
        seen.add(id(children))
        for i, child in enumerate(children):
            if isinstance(getattr(child, 'transforms', None), list):
                visit(child)
            elif not isinstance(child, _Timed):
                children[i] = _Timed(child, totals)

    visit(pipeline)


def profile_samples(load: Callable[[int], object],
                    pipeline,
                    num_samples: int,
                    collate: Callable[[Sequence], object] = None,
                    batch_size: int = 8,
                    warmup: int = 4) -> dict:
    """Time ``load(i)`` for ``num_samples`` indices in this process.

    Args:
        load (Callable[[int], object]): Produces sample ``i`` (e.g. a
            dataset's ``__getitem__``), running ``pipeline``.
        pipeline: The transforms ``load`` runs; they are timed in place
            (:func:`time_transforms`).
        num_samples (int): Samples timed after ``warmup`` untimed ones.
        collate (Callable, optional): The batch collate function, timed on
            batches of ``batch_size`` of the loaded samples.
        batch_size (int): Samples per collated batch. Defaults to 8.
        warmup (int): Untimed samples first. Defaults to 4.

    Returns:
        dict: ``samples_per_s``; ``ms_per_sample``; ``shares``, each
        transform's (and ``collate``'s) share of the time per sample, the
        rest (reading the annotation, copies between views) as ``other``.
    """
    for i in range(warmup):
        load(i)
    totals: Dict[str, float] = defaultdict(float)
    time_transforms(pipeline, totals)
    samples = []
    start = time.perf_counter()
    for i in range(num_samples):
        samples.append(load(warmup + i))
    loading = time.perf_counter() - start
    if collate is not None:
        start = time.perf_counter()
        for i in range(0, num_samples - batch_size + 1, batch_size):
            collate(samples[i:i + batch_size])
        batches = num_samples // batch_size
        totals['collate'] = (time.perf_counter() - start) * \
            num_samples / max(batches * batch_size, 1)
    total = loading + totals.get('collate', 0.0)
    shares = {name: seconds / total for name, seconds in totals.items()}
    shares['other'] = max(0.0, 1 - sum(shares.values()))
    return dict(
        samples_per_s=num_samples / total,
        ms_per_sample=1000 * total / num_samples,
        shares=dict(sorted(shares.items(), key=lambda kv: -kv[1])))
