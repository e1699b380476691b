"""A local file backend whose writes are atomic."""
import contextlib
import os
import os.path as osp
import tempfile
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend

PARTIAL_SUFFIX = '.partial'


def _fsync_directory(directory: str) -> None:
    """Make a rename in ``directory`` durable (a no-op where directories
    cannot be opened, e.g. on Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """MMEngine's :class:`LocalBackend`, except that ``put`` and
    ``put_text`` never leave a half-written file under the target name.

    The bytes go to a hidden temporary file in the target's directory
    (``.<name>.<random>.partial``), which is flushed, ``fsync``-ed and then
    renamed over the target with :func:`os.replace`. A process killed at
    any moment leaves either the old file or the complete new one, plus at
    most a ``.partial`` file. Select it with
    ``backend_args=dict(backend='atomic_local')``, as
    :class:`AtomicCheckpointHook` does for checkpoints.
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write ``obj`` to ``filepath`` atomically.

        Args:
            obj (bytes): Data to be written.
            filepath (str or Path): Path to write data.
        """
        directory = osp.dirname(osp.abspath(filepath))
        os.makedirs(directory, exist_ok=True)
        fd, partial = tempfile.mkstemp(
            dir=directory,
            prefix=f'.{osp.basename(filepath)}.',
            suffix=PARTIAL_SUFFIX)
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)
            with os.fdopen(fd, 'wb') as f:
                f.write(obj)
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, filepath)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(partial)
            raise
        _fsync_directory(directory)

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        """Write the text ``obj`` to ``filepath`` atomically.

        Args:
            obj (str): Text to be written.
            filepath (str or Path): Path to write data.
            encoding (str): The text encoding. Defaults to 'utf-8'.
        """
        self.put(obj.encode(encoding), filepath)
