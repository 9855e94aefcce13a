"""Reading a zip safely: extraction only into a private temporary folder, never beyond it.

A zip is untrusted input. Every entry is checked before anything is written: no absolute
path, drive letter, backslash or '..'; no symbolic link or other special file; no two entries
with the same name. The number of entries and the bytes actually decompressed are bounded
(the sizes a zip declares can lie), so a zip bomb stops with an error instead of filling the
disk.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from claimtrail.files.limits import MAX_DESCRIPTOR_BYTES

MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 2 << 30  # 2 GiB decompressed, far above any release of this project
_CHUNK = 1 << 20


class ZipRefused(Exception):
    """The file is not a zip, or a zip that may not be extracted; the message says why."""


def _check_name(label: str, name: str) -> list[str]:
    if not name or "\\" in name or "\x00" in name:
        raise ZipRefused(f"{label}: entry {name!r} has an unusable name")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ZipRefused(f"{label}: entry {name!r} has an absolute path")
    parts = [p for p in name.rstrip("/").split("/")]
    if any(p in ("", ".", "..") for p in parts):
        raise ZipRefused(f"{label}: entry {name!r} would leave the folder it is extracted to")
    return parts


def _entry_kind(info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16
    if info.is_dir():
        return "dir"
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        return "link" if stat.S_ISLNK(mode) else "special"
    return "file"


def extract_zip(
    path: Path, target: Path, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_TOTAL_BYTES
) -> list[str]:
    """Extract the zip at ``path`` into the empty folder ``target``; the names of its files.

    Raises ZipRefused (nothing is left half-checked: the caller removes ``target``)."""
    label = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as e:
        raise ZipRefused(f"{label}: not a zip file ({e})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise ZipRefused(f"{label}: {len(infos)} entries, more than the {max_entries} allowed")
        seen: set[str] = set()
        for info in infos:
            parts = _check_name(label, info.filename)
            key = "/".join(parts)
            if key in seen:
                raise ZipRefused(f"{label}: entry {info.filename!r} appears twice")
            seen.add(key)
            kind = _entry_kind(info)
            if kind != "file" and kind != "dir":
                raise ZipRefused(f"{label}: entry {info.filename!r} is a {kind}, not a regular file")
            if info.flag_bits & 0x1:
                raise ZipRefused(f"{label}: entry {info.filename!r} is encrypted")
        base = target.resolve()
        total, names = 0, []
        for info in infos:
            parts = _check_name(label, info.filename)
            out = base.joinpath(*parts)
            if base not in out.parents:
                raise ZipRefused(
                    f"{label}: entry {info.filename!r} would leave the folder it is extracted to"
                )
            if info.is_dir():
                out.mkdir(parents=True, exist_ok=True)
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            # A descriptor is refused past its own limit when it is read: past it, its
            # bytes are not worth inflating (a bomb named datapackage.json stops here).
            own = MAX_DESCRIPTOR_BYTES if parts[-1] == "datapackage.json" else None
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            try:
                with os.fdopen(fd, "wb") as sink, archive.open(info) as source:
                    size = 0
                    while chunk := source.read(_CHUNK):
                        total += len(chunk)
                        size += len(chunk)
                        if total > max_bytes:
                            raise ZipRefused(
                                f"{label}: decompresses to more than {max_bytes} bytes "
                                "(a zip bomb, or not a claimtrail package)"
                            )
                        if own is not None and size > own:
                            raise ZipRefused(
                                f"{label}: entry {info.filename!r} decompresses to more than {own} "
                                "bytes, the limit of a descriptor"
                            )
                        sink.write(chunk)
            except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as e:
                raise ZipRefused(f"{label}: entry {info.filename!r} cannot be read ({e})") from None
            names.append("/".join(parts))
        return names


class ExtractedZip:
    """A zip extracted into a private temporary folder, removed on exit (a context manager)."""

    def __init__(self, path: Path, **limits):
        self.path, self.limits = Path(path), limits
        self.folder: Path | None = None

    def __enter__(self) -> Path:
        self.folder = Path(tempfile.mkdtemp(prefix="claimtrail-zip-"))  # mode 0700
        try:
            extract_zip(self.path, self.folder, **self.limits)
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        return self.folder

    def __exit__(self, *exc) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def is_zip(path: Path) -> bool:
    """Whether ``path`` is a file that starts like a zip (or is named like one)."""
    path = Path(path)
    if not path.is_file():
        return False
    if path.suffix.lower() == ".zip":
        return True
    with open(path, "rb") as f:
        return f.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
