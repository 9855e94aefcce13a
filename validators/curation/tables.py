"""What the curator commands (locate, add-source, fix) share: finding the package folder,
reading its sources table and source texts, and rewriting a CSV file row by row.

Rows are rewritten in place, the rest of the file byte for byte as it was (line ends
included), so that a repair shows in a diff as exactly the cells it changes.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from claimtrail.contract.dialect import csv_options
from claimtrail.contract.layout import build_layout
from claimtrail.files.limits import MAX_SOURCE_BYTES
from claimtrail.files.safe_open import UnsafeFile, read_regular
from claimtrail.package.csvio import CsvTable, read_csv
from claimtrail.package.folder import NoPackage, PackageFolder, find_package
from claimtrail.package.paths import safe_source_path


class CurationError(Exception):
    """The command cannot do what was asked; the message says why and what to do."""


def package_folder(path: Path | None, writing: bool) -> PackageFolder:
    """The package a curator command works on, by the one rule of package/folder.py (commands
    that write never fall back to the bundled data: it is not the curators' copy)."""
    try:
        return find_package(path, writing=writing)
    except NoPackage as e:
        raise CurationError(str(e)) from None


def read_table(root: Path, name: str) -> CsvTable:
    """A table of the package, or CurationError naming its first problem."""
    table = read_csv(root / f"{name}.csv", f"{name}.csv")
    if not table.readable or table.problems:
        first = table.problems[0]
        raise CurationError(
            f"{root / first.path}:{first.line or ''}: {first.check}: {first.message}; "
            f"run 'claimtrail validate {root}' and fix it first"
        )
    return table


@dataclass
class SourceRow:
    id: str
    row: dict[str, str]
    line: int
    index: int  # position among the data rows


def source_rows(table: CsvTable) -> dict[str, SourceRow]:
    return {
        row.get("id", ""): SourceRow(row.get("id", ""), row, table.lines[i + 1], i)
        for i, row in enumerate(table.rows)
    }


def read_source_text(root: Path, relative: str) -> tuple[str, bytes]:
    """The decoded text and the bytes of a source file, refusing paths that leave sources/."""
    path, why = safe_source_path(root, relative)
    if path is None:
        raise CurationError(why or f"{relative}: cannot be opened")
    try:
        data = read_regular(path, MAX_SOURCE_BYTES, root)
    except UnsafeFile as e:
        raise CurationError(f"{relative}: {e.reason}") from None
    try:
        return data.decode("utf-8"), data
    except UnicodeDecodeError as e:
        raise CurationError(f"{relative}: not UTF-8 ({e.reason} at byte {e.start})") from None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def line_ending(text: str) -> str:
    """The line end a CSV file uses (CRLF is accepted as well as LF; a rewrite keeps it)."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def render_row(cells: list[str], ending: str) -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, **{**csv_options(), "lineterminator": ending}).writerow(cells)
    return buf.getvalue()


def replace_rows(text: str, table: CsvTable, changes: dict[int, dict[str, str]]) -> str:
    """The file's text with the given data rows (index -> column -> new value) rewritten.

    Each changed row is re-rendered from its cells; every other byte stays as it was.
    """
    if not changes:
        return text
    ending = line_ending(text)
    # Split as csv (and so csvio's line numbers) does: at \n, \r and \r\n only.
    lines = io.StringIO(text, newline="").readlines()
    starts = table.lines  # physical line of the header and of each data row, 1-based
    out: list[str] = []
    cursor = 0  # index into lines
    for index in sorted(changes):
        first = starts[index + 1] - 1
        last = starts[index + 2] - 1 if index + 2 < len(starts) else len(lines)
        out.extend(lines[cursor:first])
        row = dict(table.rows[index])
        row.update(changes[index])
        # A row's own last line end is kept, so that a file without a final newline stays so.
        original = "".join(lines[first:last])
        rendered = render_row([row.get(h, "") for h in table.header], ending)
        if not original.endswith(("\n", "\r")):
            rendered = rendered[: -len(ending)]
        out.append(rendered)
        cursor = last
    out.extend(lines[cursor:])
    return "".join(out)


def append_row(text: str, header: list[str], row: dict[str, str]) -> str:
    ending = line_ending(text)
    if text and not text.endswith("\n"):
        text += ending
    return text + render_row([row.get(h, "") for h in header], ending)


def layout_header(table_name: str) -> list[str]:
    return [c.name for c in build_layout().table(table_name).columns]
