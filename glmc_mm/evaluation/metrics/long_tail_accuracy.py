"""Long-tailed evaluation: overall, per-class and shot-group accuracy."""
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from mmpretrain.registry import METRICS

from ...utils.metainfo_keys import TRAIN_CLASS_COUNTS_KEY
from ..shot_groups import SHOT_GROUPS, shot_groups


@METRICS.register_module()
class LongTailAccuracy(BaseMetric):
    """Top-k, mean per-class and many / medium / few-shot accuracy.

    With ``acc_c`` the accuracy on the test images of class ``c``, a shot
    group's accuracy is the mean of ``acc_c`` over its classes; the groups
    are formed from the TRAINING set's class counts (many-shot
    ``> many_threshold``, few-shot ``< few_threshold`` or, with the
    authors' convention, ``<= few_threshold``; medium-shot in between, see
    :func:`shot_groups`). The counts come through MMEngine's
    ``dataset_meta``, key ``train_class_counts``, which
    :class:`ClassCountsHook` fills from the model's recorded counts before
    validation and testing, so nobody types them in; ``class_counts`` may
    also be given. A group without classes is left out of the results and
    logged as empty (never reported as 0 or NaN). ``per_class`` (a list,
    in %) is returned with the results, so MMEngine saves it in the test's
    JSON log. Correct in distributed evaluation: predictions are gathered
    before anything is computed.

    Args:
        topk (Sequence[int]): Top-k accuracies; ``k`` larger than the
            number of classes are skipped. Defaults to ``(1, 5)``.
        many_threshold (int): Defaults to 100.
        few_threshold (int): Defaults to 20.
        convention (str): ``'standard'`` (few-shot ``< few_threshold``) or
            ``'authors'`` (``<= few_threshold``, as GLMC's released
            evaluation). Defaults to ``'standard'``.
        class_counts (Sequence[int], optional): Training counts; read from
            ``dataset_meta`` when None.
        collect_device (str): As :class:`BaseMetric`. Defaults to 'cpu'.
        prefix (str, optional): As :class:`BaseMetric`. Defaults to 'lt'.
    """

    default_prefix: Optional[str] = 'lt'

    def __init__(self,
                 topk: Sequence[int] = (1, 5),
                 many_threshold: int = 100,
                 few_threshold: int = 20,
                 convention: str = 'standard',
                 class_counts: Optional[Sequence[int]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.topk = tuple(topk)
        self.many_threshold = many_threshold
        self.few_threshold = few_threshold
        self.convention = convention
        shot_groups([], many_threshold, few_threshold, convention)  # checks
        self.class_counts = class_counts

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep each sample's label and its top-k predicted classes."""
        scores = torch.stack([s['pred_score'] for s in data_samples]).cpu()
        ranked = scores.topk(min(max(self.topk), scores.size(1)), dim=1)[1]
        for sample, top in zip(data_samples, ranked.tolist()):
            self.results.append((int(sample['gt_label']), top))

    def _counts(self) -> np.ndarray:
        counts = self.class_counts
        if counts is None:
            counts = (self.dataset_meta or {}).get(TRAIN_CLASS_COUNTS_KEY)
        if counts is None:
            raise RuntimeError(
                'LongTailAccuracy needs the training class counts: add '
                "dict(type='ClassCountsHook') to custom_hooks (it passes the "
                "model's recorded counts, its train_class_counts buffer, "
                'through dataset_meta; a model loaded without that buffer '
                'has none) or pass class_counts=')
        return np.asarray(counts)

    def compute_metrics(self, results: List[tuple]) -> dict:
        """Compute the accuracies (in %) from the gathered results."""
        counts = self._counts()
        num_classes = len(counts)
        labels = np.array([label for label, _ in results])
        ranked = np.array([top for _, top in results])
        if labels.size and (labels.max() >= num_classes or labels.min() < 0):
            raise ValueError(f'test label {labels.max()} is outside the '
                             f'{num_classes} training classes')
        metrics = {}
        for k in self.topk:
            if k <= num_classes and k <= ranked.shape[1]:
                hits = (ranked[:, :k] == labels[:, None]).any(axis=1)
                metrics[f'top{k}'] = float(hits.mean() * 100)
        correct = ranked[:, 0] == labels
        tested = np.bincount(labels, minlength=num_classes)
        hits = np.bincount(labels, weights=correct, minlength=num_classes)
        seen = tested > 0
        per_class = np.full(num_classes, np.nan)
        per_class[seen] = hits[seen] / tested[seen] * 100
        metrics['mean_class'] = float(per_class[seen].mean())
        groups = shot_groups(counts, self.many_threshold, self.few_threshold,
                             self.convention)
        for name in SHOT_GROUPS:
            members = [c for c in groups[name] if seen[c]]
            if members:
                metrics[name] = float(per_class[members].mean())
            else:
                MMLogger.get_current_instance().info(
                    f'LongTailAccuracy: the {name}-shot group has no tested '
                    'class; it is not reported')
        metrics['per_class'] = [
            None if np.isnan(a) else round(float(a), 4) for a in per_class
        ]
        return metrics
