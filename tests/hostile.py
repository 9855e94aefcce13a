"""Hostile packages: copies of a small valid package, each damaged one way an attacker would.

Shared by test_untrusted.py (one named case each) and test_fuzz.py (hypothesis draws the
damage). Nothing here opens a damaged file: snapshots of a package use lstat and readlink
only for anything that is not a regular file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import stat
from pathlib import Path

from helpers import read_rows, write_rows

SOURCE = "sources/000_e9f86ca2c495c89d.txt"


def snapshot(root: Path) -> dict[str, tuple]:
    """What every entry of a package is: bytes of regular files, targets of links, kinds of
    the rest (a FIFO or a device is never opened)."""
    out: dict[str, tuple] = {}
    for path in sorted(root.rglob("*")):
        st = os.lstat(path)
        name = str(path.relative_to(root))
        if stat.S_ISLNK(st.st_mode):
            out[name] = ("link", os.readlink(path))
        elif stat.S_ISREG(st.st_mode):
            h = hashlib.sha256()
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            out[name] = ("file", h.hexdigest(), st.st_mode, st.st_mtime_ns)
        else:
            out[name] = ("other", stat.S_IFMT(st.st_mode))
    return out


class Listener:
    """A TCP socket on 127.0.0.1 that counts the connections made to it (none are accepted,
    so whatever tries to fetch from it gets no answer, and the kernel still records it)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/x.json"

    def connections(self) -> int:
        n = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return n
            conn.close()
            n += 1

    def close(self) -> None:
        self.sock.close()


def copy(base: Path, target: Path) -> Path:
    shutil.copytree(base, target, symlinks=True)
    return target


def edit_descriptor(root: Path, change) -> None:
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def replace_with(root: Path, relative: str, kind: str, outside: Path | None = None) -> None:
    """Put a FIFO, a device link, a directory, a link out of the package or a huge sparse
    file where a package file was."""
    path = root / relative
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind in ("/dev/zero", "/dev/urandom", "/dev/full"):
        path.symlink_to(kind)
    elif kind == "directory":
        path.mkdir()
    elif kind == "outside":
        assert outside is not None
        path.symlink_to(outside)
    elif kind == "sparse":
        with open(path, "wb") as f:
            f.truncate(3 << 30)  # 3 GiB of nothing, on no disk space
    else:
        raise ValueError(kind)


def set_first_cell(root: Path, table: str, column: str, value: str, row: int = 1) -> None:
    path = root / f"{table}.csv"
    rows = read_rows(path)
    rows[row][rows[0].index(column)] = value
    write_rows(path, rows)


def wide_header(root: Path, table: str, columns: int) -> None:
    (root / f"{table}.csv").write_text(",".join(f"c{i}" for i in range(columns)) + "\n", encoding="utf-8")


def parent_cycle(root: Path, length: int) -> list[str]:
    """Make the first ``length`` events (at least one) each other's parents, in a ring."""
    path = root / "events.csv"
    rows = read_rows(path)
    header = rows[0]
    ids = [r[0] for r in rows[1 : length + 1]]
    for i, row in enumerate(rows[1 : len(ids) + 1]):
        row[header.index("parent")] = ids[(i + 1) % len(ids)]
    write_rows(path, rows)
    return ids
