"""Making the wheel and the sdist byte-identical across builds of the same commit.

setuptools stamps the sdist with the build time (tar entry times, the gzip header) and both
archives with the file modes of the checkout (which follow the builder's umask). These
functions rewrite an archive with the same members, in a fixed order, with a fixed time,
owner and mode; the contents, and so the wheel's RECORD hashes, are untouched.
"""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

from claimtrail.files.atomic import write_atomic

ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can carry


def _mode(executable: bool, directory: bool = False) -> int:
    return 0o755 if executable or directory else 0o644


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes | None:
    f = archive.extractfile(member) if member.isfile() else None
    return f.read() if f is not None else None


def normalize_sdist(path: Path, timestamp: int) -> None:
    """Rewrite a .tar.gz: sorted members, fixed mtime, root-less ownership, fixed modes, gzip mtime 0."""
    with tarfile.open(path, "r:gz") as src:
        members = [(m, _read(src, m)) for m in src.getmembers()]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as out:
        for member, data in sorted(members, key=lambda m: m[0].name):
            member.mtime = timestamp
            member.uid = member.gid = 0
            member.uname = member.gname = ""
            member.mode = _mode(bool(member.mode & 0o111) and member.isfile(), member.isdir())
            member.pax_headers = {}
            out.addfile(member, io.BytesIO(data) if data is not None else None)

    def write(f) -> None:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            gz.write(buf.getvalue())

    write_atomic(path, write)


def normalize_wheel(path: Path, timestamp: int) -> None:
    """Rewrite a .whl: same members in the same order (RECORD last), fixed time and modes."""
    import time

    date_time = time.gmtime(max(timestamp, ZIP_EPOCH))[:6]
    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]

    def write(f) -> None:
        with zipfile.ZipFile(f, "w") as out:
            for info, data in members:
                fresh = zipfile.ZipInfo(info.filename, date_time)
                fresh.compress_type = zipfile.ZIP_DEFLATED
                fresh.create_system = 3
                fresh.external_attr = (0o100000 | _mode(bool((info.external_attr >> 16) & 0o111))) << 16
                out.writestr(fresh, data, compresslevel=9)

    write_atomic(path, write)
