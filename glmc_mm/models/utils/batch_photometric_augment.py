"""The photometric view augmentations of GLMC's ImageNet-LT pipeline, on a
whole batch at once, on the model's device."""
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from torch import nn

from ...utils.value_checks import check_number

# ITU-R 601-2 luma (PIL's convert('L'), OpenCV's BGR2GRAY): R, G, B.
LUMA_RGB = (0.299, 0.587, 0.114)


@MODELS.register_module()
class BatchPhotometricAugment(nn.Module):
    """Colour jitter, grey and Gaussian blur of every image of a batch, each
    image with its own random draw, in one pass of tensor operations.

    GLMC's ImageNet-LT / iNaturalist views (Du et al., CVPR 2023,
    arXiv 2305.08661; ``docs/method.md``) go through RandomResizedCrop,
    ColorJitter, RandomGrayscale, GaussianBlur and a flip. Done per image in
    the dataloader workers, the three photometric steps are half of a
    worker's time. With this module in :class:`GLMCDataPreprocessor`
    (``photometric=dict(type='BatchPhotometricAugment')``) the workers only
    decode, crop and flip, and the photometric steps run on the batch on
    the model's device. Every image (each view of each sample) draws, as
    MMPretrain's ``ColorJitter``, MMCV's ``RandomGrayscale`` and
    MMPretrain's ``GaussianBlur`` draw:

    1. brightness ``b ~ U[1 - B, 1 + B]``, contrast ``c ~ U[1 - C, 1 + C]``,
       saturation ``s ~ U[1 - S, 1 + S]``, applied in a random order:

       .. math::
           x \\leftarrow b x, \\qquad
           x \\leftarrow c x + (1 - c) \\operatorname{round}(\\bar{L}(x)),
           \\qquad x \\leftarrow s x + (1 - s) L(x),

       with ``L`` the luma ``0.299 R + 0.587 G + 0.114 B``, ``\\bar{L}`` its
       image mean, and ``x`` clipped to ``[0, 255]`` after each step;
    2. grey (``x <- L(x)`` on all channels) with probability ``grey_prob``;
    3. a Gaussian blur of standard deviation ``sigma ~ U[blur_sigma]`` with
       probability ``blur_prob`` (edges replicated).

    The values stay in floating point between the steps, where the
    per-image transforms round to 8 bits after each one, and the blur is an
    exact Gaussian where PIL's is a three-pass box approximation of it; the
    draws are the same.

    Args:
        brightness (float): ``B``. Defaults to 0.4.
        contrast (float): ``C``. Defaults to 0.4.
        saturation (float): ``S``. Defaults to 0.4.
        grey_prob (float): Probability of a grey image. Defaults to 0.2.
        blur_prob (float): Probability of a blur. Defaults to 0.5.
        blur_sigma (Sequence[float]): The range of the blur's standard
            deviation, in pixels. Defaults to (0.1, 2.0).
        color_format (str): Channel order of the batch, ``'bgr'`` (MMCV's
            loading; the preprocessor's ``to_rgb`` swaps later) or
            ``'rgb'``. Defaults to ``'bgr'``.
    """

    def __init__(self,
                 brightness: float = 0.4,
                 contrast: float = 0.4,
                 saturation: float = 0.4,
                 grey_prob: float = 0.2,
                 blur_prob: float = 0.5,
                 blur_sigma: Sequence[float] = (0.1, 2.0),
                 color_format: str = 'bgr') -> None:
        super().__init__()
        owner = 'BatchPhotometricAugment'
        self.jitter = torch.tensor([
            check_number(owner, name, value, minimum=0, maximum=1)
            for name, value in (('brightness', brightness),
                                ('contrast', contrast), ('saturation',
                                                         saturation))
        ])
        self.grey_prob = check_number(
            owner, 'grey_prob', grey_prob, minimum=0, maximum=1)
        self.blur_prob = check_number(
            owner, 'blur_prob', blur_prob, minimum=0, maximum=1)
        if len(blur_sigma) != 2 or not 0 < blur_sigma[0] <= blur_sigma[1]:
            raise ValueError(f'{owner}: blur_sigma must be (low, high) with '
                             f'0 < low <= high, got {blur_sigma!r}')
        self.blur_sigma = tuple(float(s) for s in blur_sigma)
        if color_format not in ('bgr', 'rgb'):
            raise ValueError(f"{owner}: color_format must be 'bgr' or 'rgb', "
                             f'got {color_format!r}')
        luma = LUMA_RGB[::-1] if color_format == 'bgr' else LUMA_RGB
        self.register_buffer(
            'luma', torch.tensor(luma).view(1, 3, 1, 1), persistent=False)

    def draw(self,
             num_images: int,
             generator: Optional[torch.Generator] = None
             ) -> Dict[str, torch.Tensor]:
        """Draw the parameters of ``num_images`` images (on the CPU).

        Returns:
            dict: ``factors`` ``(N, 3)`` (brightness, contrast, saturation),
            ``order`` ``(N, 3)`` (a permutation of 0, 1, 2 per image),
            ``grey`` and ``blur`` ``(N,)`` booleans, ``sigma`` ``(N,)``.
        """
        uniform = torch.rand(num_images, 3, generator=generator)
        factors = 1 + self.jitter * (2 * uniform - 1)
        order = torch.rand(num_images, 3, generator=generator).argsort(dim=1)
        grey = torch.rand(num_images, generator=generator) < self.grey_prob
        blur = torch.rand(num_images, generator=generator) < self.blur_prob
        low, high = self.blur_sigma
        sigma = low + (high - low) * torch.rand(
            num_images, generator=generator)
        return dict(
            factors=factors, order=order, grey=grey, blur=blur, sigma=sigma)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Augment ``images`` ``(N, 3, H, W)``, values in ``[0, 255]``."""
        return self.augment(images.float(), self.draw(len(images)))

    def augment(self, images: torch.Tensor,
                params: Dict[str, torch.Tensor]) -> torch.Tensor:
        """Augment ``images`` with the drawn ``params`` (:meth:`draw`)."""
        params = {k: v.to(images.device) for k, v in params.items()}
        factors = params['factors'].to(images.dtype)
        x = images.clone()
        adjusts = (self._brightness, self._contrast, self._saturation)
        for position in range(3):
            for op, adjust in enumerate(adjusts):
                index = (params['order'][:, position] == op).nonzero()[:, 0]
                if len(index):
                    x[index] = adjust(x[index], factors[index,
                                                        op].view(-1, 1, 1, 1))
        index = params['grey'].nonzero()[:, 0]
        if len(index):
            x[index] = self._luma(x[index]).expand(-1, 3, -1, -1)
        index = params['blur'].nonzero()[:, 0]
        if len(index):
            x[index] = self._blur(x[index], params['sigma'][index])
        return x

    def _luma(self, x: torch.Tensor) -> torch.Tensor:
        return (x * self.luma.to(x.dtype)).sum(dim=1, keepdim=True)

    @staticmethod
    def _brightness(x: torch.Tensor, factor: torch.Tensor) -> torch.Tensor:
        return (x * factor).clamp_(0, 255)

    def _contrast(self, x: torch.Tensor, factor: torch.Tensor) -> torch.Tensor:
        mean = self._luma(x).mean(dim=(1, 2, 3), keepdim=True).round()
        return (factor * x + (1 - factor) * mean).clamp_(0, 255)

    def _saturation(self, x: torch.Tensor,
                    factor: torch.Tensor) -> torch.Tensor:
        return (factor * x + (1 - factor) * self._luma(x)).clamp_(0, 255)

    def _blur(self, x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        """A separable Gaussian of each image's ``sigma``, 3 sigma wide."""
        radius = int(torch.ceil(3 * sigma.max()).item())
        offsets = torch.arange(
            -radius, radius + 1, device=x.device, dtype=x.dtype)
        kernel = torch.exp(-0.5 * (offsets / sigma.to(x.dtype).view(-1, 1))**2)
        kernel = kernel / kernel.sum(dim=1, keepdim=True)
        n, c, h, w = x.shape
        weight = kernel.repeat_interleave(c, dim=0)  # (N * C, K)
        flat = F.pad(
            x.reshape(1, n * c, h, w), (radius, ) * 4, mode='replicate')
        flat = F.conv2d(flat, weight.view(n * c, 1, -1, 1), groups=n * c)
        flat = F.conv2d(flat, weight.view(n * c, 1, 1, -1), groups=n * c)
        return flat.view(n, c, h, w)
