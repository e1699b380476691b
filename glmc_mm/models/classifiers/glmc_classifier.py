"""The image classifier GLMC trains: two forward passes per iteration."""
from typing import List, Optional

import torch
from mmpretrain.models import ImageClassifier
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..utils import attach_class_counts


@MODELS.register_module()
class GLMCClassifier(ImageClassifier):
    """MMPretrain's :class:`ImageClassifier` with GLMC's training pass
    (Du et al., CVPR 2023, arXiv 2305.08661; ``docs/method.md``).

    Any backbone and neck that ``ImageClassifier`` builds work. In training
    the input is ``cat([x_g, x_l])`` from :class:`GLMCDataPreprocessor`; as in
    the authors' code, the MixUp and the CutMix batch go through the network
    as two separate passes of ``B`` images, so BatchNorm statistics are per
    pass (one fused pass of ``2B`` images is not offered: its BatchNorm
    statistics would differ from the reference's). Inference is
    ``ImageClassifier``'s. The model carries the persistent buffer
    ``train_class_counts``
    (:mod:`glmc_mm.models.utils.train_class_counts`), so checkpoints hold
    the training class counts.

    Args:
        channels_last (bool): Store every 4-D weight in the channels-last
            memory format, so convolutions run in NHWC (oneDNN on CPU,
            cuDNN on GPU) and pass it on to their outputs; the inputs stay
            NCHW. Same results up to float rounding. It is applied here,
            before a distributed wrapper sees the parameters.
            Defaults to False.
        **kwargs: Arguments of :class:`ImageClassifier`; ``data_preprocessor``
            defaults to :class:`GLMCDataPreprocessor`.
    """

    def __init__(self,
                 *args,
                 data_preprocessor: Optional[dict] = None,
                 channels_last: bool = False,
                 **kwargs) -> None:
        if data_preprocessor is None or isinstance(data_preprocessor, dict):
            data_preprocessor = dict(data_preprocessor or {})
            data_preprocessor.setdefault('type', 'GLMCDataPreprocessor')
        super().__init__(*args, data_preprocessor=data_preprocessor, **kwargs)
        attach_class_counts(self, self.head.num_classes)
        if channels_last:
            self.to(memory_format=torch.channels_last)

    def loss(self, inputs: torch.Tensor,
             data_samples: List[DataSample]) -> dict:
        """Features of the MixUp and CutMix halves, then the head's loss."""
        mixup, cutmix = inputs.chunk(2)
        feats = tuple(
            torch.cat(pair) for pair in zip(
                self.extract_feat(mixup), self.extract_feat(cutmix)))
        return self.head.loss(feats, data_samples)
