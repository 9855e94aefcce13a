"""Reading a package's files without trusting what they are.

A path named by a package (a table, a source text, the descriptor) may be a FIFO, a device,
a socket, a directory or a symbolic link to any of them, or to a file outside the package:
reading it could block for ever, never end (/dev/zero) or leak another file. Every read goes
through read_regular(): the path is resolved and must lie under the package folder, it must
be a regular file before it is opened, it is opened without following a final symbolic link
and without blocking (O_NOFOLLOW | O_NONBLOCK), checked again on the open descriptor (fstat:
the file cannot be swapped in between) and read up to a limit, never further.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path

_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
)


class UnsafeFile(OSError):
    """A file that may not be read: ``reason`` says why in words; ``missing`` when it does not exist."""

    def __init__(self, reason: str, missing: bool = False, too_large: bool = False):
        super().__init__(reason)
        self.reason, self.missing, self.too_large = reason, missing, too_large
        self.strerror = reason

    def __str__(self) -> str:
        return self.reason


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size(n: int) -> str:
    return f"{n} bytes" if n < 1 << 20 else f"{n / (1 << 20):.0f} MiB"


def _folder(path: str) -> str:
    """A folder's real path, resolved once: a package names thousands of texts in one folder.
    The cache is keyed by what the folder's own entry is now (lstat), so a folder replaced by a
    link, or by another folder, is resolved afresh."""
    try:
        st = os.lstat(path)
    except OSError:
        return os.path.realpath(path)
    return _real_folder(path, st.st_dev, st.st_ino, st.st_mode)


@lru_cache(maxsize=4096)
def _real_folder(path: str, dev: int, ino: int, mode: int) -> str:
    return os.path.realpath(path)


def _resolve(path: str) -> str:
    """The real path of a file: its folder resolved once (cached), the file itself looked at each
    time, so that a link at the last step is always followed afresh."""
    absolute = os.path.abspath(path)
    folder, leaf = os.path.split(absolute)
    if not leaf or leaf in (".", "..") or os.path.islink(absolute):
        return os.path.realpath(absolute)
    return os.path.join(_folder(folder), leaf)


def regular_file(path: Path | str, root: Path | str | None = None) -> Path:
    """The resolved path of a regular file (under ``root`` when given), or UnsafeFile.

    Nothing is opened: a FIFO or a device is refused by its type alone.
    """
    absolute = os.path.abspath(path)
    folder, leaf = os.path.split(absolute)
    try:
        own = os.lstat(absolute)
    except OSError:
        own = None
    if own is not None and leaf not in ("", ".", "..") and stat.S_ISREG(own.st_mode):
        # The common case, in two system calls: a regular file, not a link, so its real path
        # is its folder's (resolved once, cached) and its own name.
        resolved = os.path.join(_folder(folder), leaf)
        _inside(resolved, root)
        return Path(resolved)
    try:
        resolved = _resolve(absolute)
    except (OSError, RuntimeError) as e:  # a symbolic link loop
        raise UnsafeFile(f"cannot resolve the path: {getattr(e, 'strerror', None) or e}") from None
    _inside(resolved, root)
    try:
        st = os.stat(resolved)
    except FileNotFoundError:
        raise UnsafeFile("No such file or directory", missing=True) from None
    except OSError as e:
        raise UnsafeFile(e.strerror or str(e)) from None
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFile(f"it is {_kind(st.st_mode)}, not a regular file")
    return Path(resolved)


def _inside(resolved: str, root: Path | str | None) -> None:
    if root is not None:
        base = _folder(os.path.abspath(root))
        if resolved != base and not resolved.startswith(base.rstrip(os.sep) + os.sep):
            raise UnsafeFile("the path leads out of the package folder (through a symbolic link)")


def read_regular(path: Path, limit: int, root: Path | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or UnsafeFile saying why not."""
    return read_resolved(regular_file(path, root), limit)


def read_resolved(resolved: Path, limit: int) -> bytes:
    """read_regular of a path regular_file has just resolved (and checked to lie under its
    root): not resolved a second time, which would double the cost of reading 10,000 short
    texts. The open still follows no link and the descriptor is checked again, as above."""
    try:
        fd = os.open(resolved, _FLAGS)
    except FileNotFoundError:
        raise UnsafeFile("No such file or directory", missing=True) from None
    except OSError as e:
        raise UnsafeFile(e.strerror or str(e)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(f"it is {_kind(st.st_mode)}, not a regular file")
        if st.st_size > limit:
            raise UnsafeFile(
                f"the file has {_size(st.st_size)}, more than the limit of {_size(limit)}", too_large=True
            )
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise UnsafeFile(f"the file has more than the limit of {_size(limit)}", too_large=True)
        return b"".join(chunks)
    except UnsafeFile:
        raise
    except OSError as e:
        raise UnsafeFile(e.strerror or str(e)) from None
    finally:
        os.close(fd)


def read_text_regular(path: Path, limit: int, root: Path | None = None) -> str:
    """As read_regular, decoded as UTF-8 (UnicodeDecodeError when it is not)."""
    return read_regular(path, limit, root).decode("utf-8")
