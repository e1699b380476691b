"""Keep per-class lists out of the evaluation log line."""
from typing import Tuple

from mmengine.runner import LogProcessor
from mmpretrain.registry import LOG_PROCESSORS


@LOG_PROCESSORS.register_module()
class ScalarLogProcessor(LogProcessor):
    """MMEngine's :class:`LogProcessor`, except that the evaluation log line
    holds scalars only.

    MMEngine prints every metric of an evaluation in its log line, so
    ``LongTailAccuracy``'s per-class list puts 1,000 numbers in each line
    for ImageNet-LT and 8,142 for iNaturalist. Here the line keeps the
    scalars (top-1, top-5, mean per-class, many, medium, few) and the
    non-scalar metrics go only where MMEngine saves the results: the JSON
    log and the visualiser backends (and :class:`PerClassAccuracyHook`'s
    CSV).

    Args:
        **kwargs: Arguments of :class:`LogProcessor`.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._scalars_only = False

    def get_log_after_epoch(self,
                            runner,
                            batch_idx: int,
                            mode: str,
                            with_non_scalar: bool = False) -> Tuple[dict, str]:
        """The saved tag (with the non-scalars when asked) and the log
        line (scalars only)."""
        self._scalars_only = True
        try:
            tag, log_str = super().get_log_after_epoch(runner, batch_idx, mode)
        finally:
            self._scalars_only = False
        if with_non_scalar:
            tag.update(self._collect_non_scalars(runner, mode))
        return tag, log_str

    def _collect_non_scalars(self, runner, mode: str) -> dict:
        if self._scalars_only:
            return {}
        return super()._collect_non_scalars(runner, mode)
