"""Grey views computed as PIL (and so torchvision) computes them."""
import numpy as np
from mmcv.transforms import RandomGrayscale
from mmpretrain.registry import TRANSFORMS

# ITU-R 601-2 luma in 16-bit fixed point, as PIL's convert('L'): R, G, B.
PIL_LUMA_RGB = (19595, 38470, 7471)


@TRANSFORMS.register_module()
class RandomLumaGrayscale(RandomGrayscale):
    """MMCV's :class:`RandomGrayscale` with the grey level of PIL's
    ``convert('L')``, which torchvision's ``RandomGrayscale`` uses on PIL
    images and so GLMC's released ImageNet-LT / iNaturalist pipeline:

    .. math::
        L = \\left\\lfloor \\frac{19595 R + 38470 G + 7471 B + 2^{15}}
        {2^{16}} \\right\\rfloor,

    i.e. ``0.299 R + 0.587 G + 0.114 B`` rounded to the nearest level. MMCV's
    default is the plain channel mean, truncated. One random draw per call,
    as MMCV's, for a 3-channel image; a grey image passes unchanged and draws
    nothing. With ``prob=1`` it turns a colour file grey (the Fashion-MNIST
    test pipeline, for inference from an image file).

    Args:
        prob (float): Probability of turning the image grey.
            Defaults to 0.1.
        keep_channels (bool): Keep 3 (equal) channels. Defaults to False.
        color_format (str): Channel order of ``results['img']``: ``'bgr'``
            (MMCV's loading) or ``'rgb'``. Defaults to ``'bgr'``.
    """

    def __init__(self,
                 prob: float = 0.1,
                 keep_channels: bool = False,
                 color_format: str = 'bgr') -> None:
        if color_format not in ('bgr', 'rgb'):
            raise ValueError('RandomLumaGrayscale: color_format must be '
                             f"'bgr' or 'rgb', got {color_format!r}")
        weights = PIL_LUMA_RGB[::-1] if color_format == 'bgr' else \
            PIL_LUMA_RGB
        super().__init__(
            prob=prob,
            keep_channels=keep_channels,
            channel_weights=tuple(w / 2**16 for w in weights),
            color_format=color_format)
        self.fixed_point_weights = np.array(weights, dtype=np.uint32)

    def transform(self, results: dict) -> dict:
        """Turn ``results['img']`` grey with probability ``prob``."""
        img = results['img']
        if img.ndim == 3 and img.shape[2] == 3 \
                and self._random_prob() < self.prob:
            grey = ((img.astype(np.uint32) @ self.fixed_point_weights + 2**15)
                    >> 16).astype(np.uint8)
            results['img'] = np.dstack([grey] * 3) \
                if self.keep_channels else grey
        return results
