"""Adding a new source text to a package: the file, its sources.csv row, the descriptor.

The text is copied byte for byte (never re-encoded, never given other line ends): its
sha256, size and length in code points are what every pointer into it is checked against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from claimtrail.contract.descriptor import DESCRIPTOR, regenerate
from claimtrail.contract.layout import build_layout
from claimtrail.curation.tables import (
    CurationError,
    append_row,
    layout_header,
    read_table,
    sha256,
    source_rows,
)
from claimtrail.files.atomic import write_bytes_atomic
from claimtrail.files.limits import MAX_SOURCE_BYTES, MAX_TABLE_BYTES
from claimtrail.files.safe_open import UnsafeFile, read_regular
from claimtrail.package.csvio import read_csv
from claimtrail.package.records import disassemble

NAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]+$")  # sources.csv path pattern, after "sources/"
ID_PATTERN = re.compile(r"^src-[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class SourceOptions:
    id: str | None = None
    name: str | None = None  # file name inside sources/; default: the given file's name
    publisher: str | None = None
    publisher_basis: str = "unknown"
    published: str | None = None  # YYYY-MM-DD, day precision
    published_basis: str = "unknown"
    headline: str | None = None
    language: str = "en"


@dataclass
class Added:
    id: str
    path: str  # relative to the package
    sha256: str
    bytes: int
    length: int
    line: int  # line of the new row in sources.csv
    copied: bool  # False when an identical file was already in place
    descriptor: str | None  # why the descriptor was not regenerated, or None when it was
    notes: list[str] = field(default_factory=list)


def next_source_id(ids) -> str:
    numbers = [int(m.group(1)) for i in ids if (m := re.fullmatch(r"src-(\d+)", i))]
    return f"src-{max(numbers, default=-1) + 1:03d}"


def _check_text(data: bytes, origin: Path) -> tuple[str, list[str]]:
    if not data:
        raise CurationError(f"{origin}: the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CurationError(
            f"{origin}: not UTF-8 ({e.reason} at byte {e.start}); save the text as UTF-8 first, "
            "then add it (the package holds texts as received, so convert with care)"
        ) from None
    if "\x00" in text:
        raise CurationError(f"{origin}: contains NUL characters: a binary file, not a text")
    notes = []
    if text.startswith("\ufeff"):
        notes.append(
            "the text starts with a byte-order mark (U+FEFF): it is offset 0, so the first word starts at 1"
        )
    if "\r" in text:
        notes.append(
            "the text has carriage returns (CR or CRLF line ends): each counts as a code point in offsets"
        )
    return text, notes


def source_record(options: SourceOptions, sid: str, path: str, data: bytes, text: str) -> dict:
    published = {
        "earliest": None,
        "latest": None,
        "precision": "unknown",
        "basis": options.published_basis,
        "note": None,
        "pointer": None,
    }
    if options.published:
        published.update(earliest=options.published, latest=options.published, precision="day")
    return {
        "id": sid,
        "path": path,
        "sha256": sha256(data),
        "bytes": len(data),
        "length": len(text),
        "publisher": {
            "name": options.publisher,
            "basis": options.publisher_basis,
            "evidence": None,
            "pointer": None,
        },
        "published": published,
        "headline": options.headline,
        "language": options.language,
        "boilerplate": [],
    }


def add_source(root: Path, file: Path, options: SourceOptions) -> Added:
    """Copy ``file`` into root/sources/, append its row to sources.csv, regenerate the descriptor."""
    if options.published is not None:
        try:  # refused up front: validate would reject the package written with it
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", options.published):
                raise ValueError
            date.fromisoformat(options.published)
        except ValueError:
            raise CurationError(
                f"--published {options.published!r}: not a day that exists, as YYYY-MM-DD"
            ) from None
    try:
        data = read_regular(file, MAX_SOURCE_BYTES)  # not a FIFO, a device or a 3 GB file
    except UnsafeFile as e:
        raise CurationError(f"{file}: {'no such file' if e.missing else e.reason}") from None
    text, notes = _check_text(data, file)
    name = options.name or file.name
    if not NAME_PATTERN.fullmatch(name):
        suggestion = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "source.txt"
        raise CurationError(
            f"{name!r}: a source file name may hold only letters, digits, '.', '_' and '-'; "
            f"pass --name {suggestion}"
        )
    table = read_table(root, "sources")
    header = layout_header("sources")
    if table.header != header:
        raise CurationError(
            f"{root / 'sources.csv'}: the header is not {','.join(header)}; "
            f"run 'claimtrail validate {root}' and fix it first"
        )
    rows = source_rows(table)
    sid = options.id or next_source_id(rows)
    if not ID_PATTERN.fullmatch(sid):
        raise CurationError(
            f"{sid!r}: a source id is 'src-' then lower-case letters and digits, e.g. src-005"
        )
    if sid in rows:
        raise CurationError(f"{sid} is already in sources.csv (line {rows[sid].line}); choose another --id")
    relative = f"sources/{name}"
    digest = sha256(data)
    for other in rows.values():
        if other.row.get("sha256") == digest:
            raise CurationError(
                f"this text is already in the package as {other.id} ({other.row.get('path')}, "
                f"sources.csv line {other.line})"
            )
        if other.row.get("path") == relative:
            raise CurationError(
                f"{relative} is already the file of {other.id} (sources.csv line {other.line}); "
                "pass --name to store the new text under another name"
            )
    target = root / relative
    copied = True
    if target.is_symlink() or target.exists():
        if (
            target.is_symlink()
            or not target.is_file()
            or read_regular(target, MAX_SOURCE_BYTES, root) != data
        ):
            raise CurationError(
                f"{target} exists and is a different file; it is not overwritten. "
                "Pass --name to store the new text under another name"
            )
        copied = False  # the very same bytes are there already: only the row is missing
    record = source_record(options, sid, relative, data, text)
    row = disassemble(build_layout(), {"source": [record]})["sources"][0]
    csv_path = root / "sources.csv"
    old_csv = read_regular(csv_path, MAX_TABLE_BYTES, root).decode(
        "utf-8"
    )  # not read_text: it would turn CRLF into LF
    new_csv = append_row(old_csv, header, row)
    (root / "sources").mkdir(exist_ok=True)
    if copied:
        write_bytes_atomic(target, data)
    try:
        write_bytes_atomic(csv_path, new_csv.encode("utf-8"))
    except OSError:
        if copied:
            target.unlink(missing_ok=True)
        raise
    written = read_csv(csv_path, "sources.csv")
    line = next(written.lines[i + 1] for i, r in enumerate(written.rows) if r.get("id") == sid)
    why = None
    try:
        current, fresh = regenerate(root)
        if current != fresh:
            write_bytes_atomic(root / DESCRIPTOR, fresh.encode("utf-8"))
    except Exception as e:  # another table is broken: the row is added, the descriptor waits
        why = f"{type(e).__name__}: {e}"
    return Added(sid, relative, digest, len(data), len(text), line, copied, why, notes)
