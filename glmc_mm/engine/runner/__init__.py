from .scalar_log_processor import ScalarLogProcessor

__all__ = ['ScalarLogProcessor']
