from .atomic_local_backend import PARTIAL_SUFFIX, AtomicLocalBackend

__all__ = ['AtomicLocalBackend', 'PARTIAL_SUFFIX']
