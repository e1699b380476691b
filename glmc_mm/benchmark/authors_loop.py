"""The authors' training loop in plain PyTorch, around the authors' step
(:mod:`glmc_mm.benchmark.authors_step`), for the speed benchmark: two
DataLoaders (one shuffled, one with a ``WeightedRandomSampler``), per-sample
two-view torchvision transforms on ``PIL`` images, PyTorch's default
collate and NCHW weights (Du et al., CVPR 2023, arXiv 2305.08661;
``docs/method.md``)."""
from typing import Callable, Iterator

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS, MODELS
from PIL import Image
from torch.utils.data import DataLoader, Dataset, WeightedRandomSampler
from torchvision import transforms as T

from ..datasets import get_class_counts
from .authors_step import (authors_box, authors_label_weights, authors_loss,
                           authors_mix)


def authors_view(cfg, setting: str) -> Callable:
    """The authors' torchvision transforms of one view.

    Args:
        cfg: The GLMC config (its preprocessor's mean and std).
        setting (str): ``'cifar'``, or a 224-pixel setting.
    """
    pre = cfg.data_preprocessor
    normalize = T.Normalize([m / 255 for m in pre.mean],
                            [s / 255 for s in pre.std])
    if setting == 'cifar':
        return T.Compose([
            T.RandomCrop(32, padding=4),
            T.RandomHorizontalFlip(),
            T.ToTensor(), normalize
        ])
    return T.Compose([
        T.RandomResizedCrop(224),
        T.ColorJitter(0.4, 0.4, 0.4, 0.0),
        T.RandomGrayscale(p=0.2),
        T.RandomApply([T.GaussianBlur(23, sigma=(0.1, 2.0))], p=0.5),
        T.RandomHorizontalFlip(),
        T.ToTensor(), normalize
    ])


class PILDecode:
    """The authors' image loading: ``PIL`` open and convert to RGB."""

    def __call__(self, path: str):
        with open(path, 'rb') as f:
            return Image.open(f).convert('RGB')


def authors_sample(info: dict, decode: Callable, view: Callable) -> tuple:
    """A sample as the authors' dataset gives it: the image (``decode``d
    from its file, or the array in memory), two ``view`` s of it, the label.
    """
    image = Image.fromarray(info['img']) if 'img' in info else \
        decode(info['img_path'])
    return [view(image), view(image)], int(info['gt_label'])


class AuthorsTwoViews(Dataset):
    """An MMPretrain dataset's samples as the authors' dataset gives them.

    Args:
        source: The dataset (built without a pipeline).
        view (Callable): One view's transforms (:func:`authors_view`).
    """

    def __init__(self, source, view: Callable) -> None:
        self.source = source
        self.view = view
        self.decode = PILDecode()

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, index: int) -> tuple:
        return authors_sample(
            self.source.get_data_info(index), self.decode, self.view)


class AuthorsLoop:
    """The authors' loop on a GLMC config's data and model: :meth:`step`
    runs one iteration (both loaders, the mix, two forward passes, the
    loss, SGD).

    Args:
        cfg: The GLMC config (train loader, preprocessor, model).
        setting (str): ``'cifar'``, or a 224-pixel setting.
        amp (bool): Mixed precision (needs a GPU). Defaults to False.
    """

    def __init__(self, cfg, setting: str, amp: bool = False) -> None:
        init_default_scope('mmpretrain')
        loader = cfg.train_dataloader
        source = DATASETS.build(dict(loader.dataset, pipeline=[]))
        self.counts = get_class_counts(source).astype(np.float64)
        weights = torch.from_numpy(self.counts[source.get_gt_labels()]**(
            -loader.batch_sampler.resample_weighting))
        dataset = AuthorsTwoViews(source, authors_view(cfg, setting))
        common = dict(
            batch_size=loader.batch_size,
            drop_last=True,
            num_workers=loader.num_workers,
            persistent_workers=loader.num_workers > 0)
        self.uniform = DataLoader(dataset, shuffle=True, **common)
        self.rebalanced = DataLoader(
            dataset,
            sampler=WeightedRandomSampler(
                weights, len(source), replacement=True),
            **common)
        self.device = 'cuda' if torch.cuda.is_available() else 'cpu'
        pre = cfg.data_preprocessor
        # the authors' model keeps PyTorch's default NCHW weights
        self.model = MODELS.build(
            dict(cfg.model, data_preprocessor=pre, channels_last=False))
        self.model.to(self.device).train()
        self.optimizer = torch.optim.SGD(
            self.model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-3)
        self.amp = amp
        self.scaler = torch.amp.GradScaler(self.device, enabled=amp)
        self.weights = authors_label_weights(
            self.counts, pre.label_weighting).to(self.device)
        self.stream = self._batches()

    def _batches(self) -> Iterator[tuple]:
        while True:
            yield from zip(self.uniform, self.rebalanced)

    def _forward(self, x: torch.Tensor) -> tuple:
        """``(fc, fc_cb, z, p)`` of a batch, as the authors' model."""
        model, head = self.model, self.model.head
        feature = model.backbone(x)
        feature = (model.neck(feature) if model.neck else feature)[-1]
        z = head.projector(feature)
        return head.fc(feature), head.fc_cb(feature), z, head.predictor(z)

    def step(self) -> None:
        ((u1, u2), yu), ((r1, r2), yr) = next(self.stream)
        u1, u2, r1, r2, yu, yr = (
            t.to(self.device, non_blocking=True)
            for t in (u1, u2, r1, r2, yu, yr))
        eu = F.one_hot(yu, len(self.counts)).float()
        er = F.one_hot(yr, len(self.counts)).float()
        lam = np.random.beta(1.0, 1.0)
        x_g, x_l, t = authors_mix(u1, u2, r1, r2, eu, er, lam,
                                  authors_box(u2.shape[-2:], lam))
        with torch.autocast(self.device, enabled=self.amp):
            loss = authors_loss(
                self._forward(x_g), self._forward(x_l), t, self.weights, 0.5,
                self.model.head.consistency_loss.loss_weight)
        self.optimizer.zero_grad()
        self.scaler.scale(loss).backward()
        self.scaler.step(self.optimizer)
        self.scaler.update()
