from .contiguous_random_resized_crop import ContiguousRandomResizedCrop
from .random_luma_grayscale import RandomLumaGrayscale

__all__ = ['ContiguousRandomResizedCrop', 'RandomLumaGrayscale']
