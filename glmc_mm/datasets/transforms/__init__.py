from .random_luma_grayscale import RandomLumaGrayscale

__all__ = ['RandomLumaGrayscale']
