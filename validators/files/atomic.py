"""Writing a file so that it appears complete or not at all.

The content goes to a temporary name in the target's folder (same file system, so the final
rename is atomic), is flushed and fsynced, and only then is renamed over the final name. If
writing fails or the process is interrupted, nothing is left under the final name; the
temporary file is removed when Python still gets the chance.

The target itself is checked first: a symbolic link, a directory, a device, a FIFO or a
read-only file is refused (UnwritableTarget) rather than silently replaced by a new regular
file; an existing file keeps its permission bits.
"""

from __future__ import annotations

import os
import stat
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


class UnwritableTarget(OSError):
    """A target that may not be replaced: the message names it and says why."""


def check_target(path: Path) -> int | None:
    """The permission bits of the regular file at ``path`` (None when there is none yet), or
    UnwritableTarget when writing there would replace something that is not a writable file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise UnwritableTarget(
            f"{path}: is a symbolic link; refusing to replace it (write to the file it names)"
        )
    if not stat.S_ISREG(st.st_mode):
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file (a device, FIFO or socket)"
        raise UnwritableTarget(f"{path}: is {kind}; refusing to replace it")
    if not st.st_mode & 0o222:
        raise UnwritableTarget(
            f"{path}: is read-only (mode {stat.S_IMODE(st.st_mode):o}); refusing to write it"
        )
    return stat.S_IMODE(st.st_mode)


def temporary_path(path: Path) -> Path:
    """A fresh, unused name beside ``path`` for content that is not complete yet."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    return Path(name)


def commit(tmp: Path, path: Path, mode: int | None = None) -> None:
    """Move a finished temporary file to its final name (fsync, mode, atomic rename); the mode
    is FILE_MODE unless given (the replaced file's)."""
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.chmod(tmp, FILE_MODE if mode is None else mode)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(file)`` on a temporary file, then move it to ``path``."""
    path = Path(path)
    mode = check_target(path)
    tmp = temporary_path(path)
    try:
        with open(tmp, "wb") as f:
            write(f)
        commit(tmp, path, mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    def write(f: BinaryIO) -> None:
        f.write(data)

    return write_atomic(path, write)
