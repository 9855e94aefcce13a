"""Writing a file so that it appears complete or not at all.

The content goes to a temporary name in the target's folder (same file system, so the final
rename is atomic), is flushed and fsynced, and only then is renamed over the final name. If
writing fails or the process is interrupted, nothing is left under the final name; the
temporary file is removed when Python still gets the chance.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o644  # fixed, so that the umask of whoever builds does not show in the artifact


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform lets a directory be opened.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temporary_path(path: Path) -> Path:
    """A fresh, unused name beside ``path`` for content that is not complete yet."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    return Path(name)


def commit(tmp: Path, path: Path) -> None:
    """Move a finished temporary file to its final name (fsync, fixed mode, atomic rename)."""
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(file)`` on a temporary file, then move it to ``path``."""
    path = Path(path)
    tmp = temporary_path(path)
    try:
        with open(tmp, "wb") as f:
            write(f)
        commit(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    return write_atomic(path, lambda f: f.write(data))
