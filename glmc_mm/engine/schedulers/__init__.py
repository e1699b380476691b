from .epoch_end_warmup_cosine_lr import EpochEndWarmupCosineLR

__all__ = ['EpochEndWarmupCosineLR']
