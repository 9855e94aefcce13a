"""Editing a package copy the way a contributor would: cell by cell, then re-describing it."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from claimtrail.cli import main

# A date no text gives: what a record says when its source is silent.
UNKNOWN_DATE = {
    "earliest": None,
    "latest": None,
    "precision": "unknown",
    "basis": "unknown",
    "note": None,
    "pointer": None,
}


def source_record(sid: str, path: str, data: bytes, **fields) -> dict:
    """A source record of the text ``data`` at ``path`` whose publisher and date are unknown,
    with ``fields`` in place of the defaults (headline, language, publisher, ...)."""
    text = data.decode("utf-8")
    return {
        "id": sid,
        "path": path,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "length": len(text),
        "publisher": {"name": None, "basis": "unknown", "evidence": None, "pointer": None},
        "published": dict(UNKNOWN_DATE),
        "headline": None,
        "language": "en",
        "boilerplate": [],
        **fields,
    }


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def set_cell(root: Path, table: str, key: str, column: str, value: str, key_column: str | None = None) -> int:
    """Set one cell of the row whose first (or key_column) cell is key; returns the row's line."""
    path = root / f"{table}.csv"
    rows = read_rows(path)
    header = rows[0]
    k = header.index(key_column) if key_column else 0
    for i, row in enumerate(rows[1:], 1):
        if row[k] == key:
            row[header.index(column)] = value
            write_rows(path, rows)
            return line_of(path, i)
    raise KeyError(f"{table}: no row {key}")


def get_cell(root: Path, table: str, key: str, column: str) -> str:
    rows = read_rows(root / f"{table}.csv")
    header = rows[0]
    return next(r[header.index(column)] for r in rows[1:] if r[0] == key)


def line_of(path: Path, row_index: int) -> int:
    """Physical line where data row ``row_index`` (1-based, header is 0) starts."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    last = 0
    for i, _ in enumerate(reader):
        if i == row_index:
            return last + 1
        last = reader.line_num
    raise IndexError(row_index)


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
