"""Reading the package's CSV tables with polars, and proving the read matches Python's csv.

The fast engine reads each table with polars (all cells as text). Before trusting the read it
checks, from one pass over the file's bytes, that polars and the reference reader (csvio:
Python's csv module) must see the same cells: the same number of line breaks, of delimiters
and of double quotes as the cells read account for, every quoted field well formed, no blank
row, and the header equal to the table schema's field names. Anything else (a BOM, bytes that
are not UTF-8, a ragged row, a stray quote, a label problem) raises Fallback: the package is
then validated by the reference engine, which reports such files precisely.

A FastTable stands in for csvio.CsvTable where the shared code reads one (physical line of a
row, its cells, column numbers), computing what it is asked for from the DataFrame.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from claimtrail.files.limits import MAX_CELL, MAX_COLUMNS, MAX_TABLE_BYTES
from claimtrail.files.safe_open import UnsafeFile, regular_file
from claimtrail.package.csvio import package_root

CHUNK = 1 << 23


class Fallback(Exception):
    """The fast engine cannot vouch for this package; the reference engine validates it."""


@dataclass
class FileScan:
    sha256: str
    size: int
    breaks: int  # line breaks: \n, \r\n or a lone \r, as Python's csv counts lines
    commas: int
    quotes: int
    quoted_fields: int
    ends_with_break: bool


def scan_file(path: Path, name: str) -> FileScan:
    """Hash, size and structure counts of a CSV file, read in chunks (little memory)."""
    sha = hashlib.sha256()
    size = breaks = commas = quotes = 0
    last = b""
    try:
        # A FIFO, a device or a link out of the package is the reference engine's to report.
        path = regular_file(path, package_root(path, name))
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise Fallback(f"{name}: larger than the limit")
        f = open(path, "rb")
    except (OSError, UnsafeFile) as e:
        raise Fallback(f"{name}: {e}") from e
    with f:
        first = True
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            if first and chunk.startswith(b"\xef\xbb\xbf"):
                raise Fallback(f"{name}: byte-order mark")
            first = False
            sha.update(chunk)
            size += len(chunk)
            if b"\x00" in chunk:
                raise Fallback(f"{name}: NUL byte")
            breaks += chunk.count(b"\n")
            if b"\r" in chunk or last == b"\r":
                crlf = chunk.count(b"\r\n") + (1 if last == b"\r" and chunk[:1] == b"\n" else 0)
                breaks += chunk.count(b"\r") - crlf
            commas += chunk.count(b",")
            quotes += chunk.count(b'"')
            last = chunk[-1:]
    # Bytes that are not UTF-8 make polars' strict reader fail: read_table falls back then.
    if size == 0:
        raise Fallback(f"{name}: empty file")
    quoted = _quoted_fields(path, name) if quotes else 0
    return FileScan(sha.hexdigest(), size, breaks, commas, quotes, quoted, last in (b"\n", b"\r"))


_QUOTED = re.compile(rb'"[^"]*(?:""[^"]*)*"')


def _quoted_fields(path: Path, name: str) -> int:
    """Number of quoted fields; raises Fallback unless each one starts a field and is followed
    by a delimiter, a line break or the end. (A quote anywhere else leaves the file's count of
    quotes unbalanced against the cells read, which read_table checks.)"""
    data = path.read_bytes()
    count = 0
    for match in _QUOTED.finditer(data):
        start, end = match.span()
        if start and data[start - 1] not in b",\n\r":
            raise Fallback(f"{name}: a double quote inside an unquoted field")
        if end < len(data) and data[end] not in b",\n\r":
            raise Fallback(f"{name}: text after a closing double quote")
        count += 1
    return count


_BREAKS = r"\r\n|\r|\n"


def _header_cells(path: Path) -> int:
    """An upper bound of the header's cells: its delimiters up to the first line break (or
    MAX_COLUMNS of them, whichever comes first), read in small chunks."""
    commas = 0
    with open(path, "rb") as f:
        while commas <= MAX_COLUMNS:
            chunk = f.read(1 << 16)
            if not chunk:
                break
            line, brk, _ = chunk.partition(b"\n")
            commas += line.count(b",")
            if brk:
                break
    return commas + 1


def read_table(path: Path, name: str, labels: list[str]) -> tuple[pl.DataFrame, FileScan, pl.Series | None]:
    """The table as text cells (null or "" for an empty cell), the file's scan, and the number
    of line breaks inside the cells before each row (None when there are none)."""
    scan = scan_file(path, name)
    if _header_cells(path) > MAX_COLUMNS:
        raise Fallback(f"{name}: more columns than the limit")  # polars would hold them all
    try:
        df = pl.read_csv(
            path,
            infer_schema=False,
            has_header=True,
            quote_char='"',
            raise_if_empty=False,
            truncate_ragged_lines=False,
            encoding="utf8",
        )
    except Exception as e:  # polars' own parse errors: a ragged row, an unterminated quote ...
        raise Fallback(f"{name}: {type(e).__name__}") from e
    if df.columns != labels:
        raise Fallback(f"{name}: the header is not the schema's field names")
    cols = [pl.col(c) for c in df.columns]
    n, width = df.height, len(labels)
    rows_with_break = n + 1 - (0 if scan.ends_with_break else 1)
    # Line breaks beyond one per row can only be inside cells (or blank lines polars skipped):
    # count them in the cells only when there are some.
    embedded = scan.breaks != rows_with_break

    def total(expr) -> pl.Expr:
        return pl.sum_horizontal([expr(c).sum() for c in cols]) if cols else pl.lit(0)

    stats = df.select(
        commas=total(lambda c: c.str.count_matches(",", literal=True)),
        quotes=total(lambda c: c.str.count_matches('"', literal=True)) if scan.quotes else pl.lit(0),
        breaks=total(lambda c: c.str.count_matches(_BREAKS)) if embedded else pl.lit(0),
        longest=pl.max_horizontal([c.str.len_bytes().max() for c in cols]) if cols else pl.lit(0),
        blank=pl.all_horizontal([c.is_null() | (c == "") for c in cols]).sum() if cols else pl.lit(0),
    ).row(0, named=True)
    header_commas = sum(label.count(",") for label in labels)
    if (stats["longest"] or 0) > MAX_CELL and df.select(
        pl.max_horizontal([c.str.len_chars().max() for c in cols])
    ).item() > MAX_CELL:
        raise Fallback(f"{name}: an oversized cell")
    if stats["blank"]:
        raise Fallback(f"{name}: a blank row")
    if scan.commas != n * (width - 1) + (width - 1) + (stats["commas"] or 0) + header_commas:
        raise Fallback(f"{name}: delimiters do not add up (a ragged row)")
    if scan.breaks != rows_with_break + (stats["breaks"] or 0):
        raise Fallback(f"{name}: line breaks do not add up (a blank line)")
    if scan.quotes != 2 * scan.quoted_fields + 2 * (stats["quotes"] or 0):
        raise Fallback(f"{name}: double quotes do not add up")
    offsets = None
    if stats["breaks"]:
        per_row = df.select(
            pl.sum_horizontal([c.str.count_matches(_BREAKS).fill_null(0) for c in cols]).alias("b")
        )["b"]
        offsets = (per_row.cum_sum() - per_row).cast(pl.Int64)
    return df, scan, offsets


class _Lines:
    """table.lines: the physical line each row starts on, the header being row 0."""

    def __init__(self, table: FastTable):
        self.t = table

    def __len__(self) -> int:
        return self.t.height + 1

    def __getitem__(self, i: int) -> int:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return 1 if i == 0 else self.t.line(i - 1)


class _Rows:
    """table.rows: each row as {column: text}, built when asked for."""

    def __init__(self, table: FastTable):
        self.t = table

    def __len__(self) -> int:
        return self.t.height

    def __getitem__(self, i: int) -> dict[str, str]:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.t.row(i)

    def __iter__(self):
        for row in self.t.df.iter_rows(named=True):
            yield {k: "" if v is None else v for k, v in row.items()}


class _Widths:
    def __init__(self, table: FastTable):
        self.t = table

    def __len__(self) -> int:
        return self.t.height + 1

    def __getitem__(self, i: int) -> int:
        return len(self.t.header)


@dataclass
class FastTable:
    """A table read by polars, answering what callers ask of a csvio.CsvTable."""

    name: str
    header: list[str]
    df: pl.DataFrame
    offsets: pl.Series | None = None
    problems: list = field(default_factory=list)
    readable: bool = True

    @property
    def height(self) -> int:
        return self.df.height

    def line(self, index: int) -> int:
        """Physical line of the row at 0-based ``index``."""
        return index + 2 + (int(self.offsets[index]) if self.offsets is not None else 0)

    def lines_of(self, index: pl.Expr | pl.Series) -> pl.Expr | pl.Series:
        """Physical lines of many rows, as a polars expression or series of row indexes."""
        if self.offsets is None:
            return index + 2
        if isinstance(index, pl.Series):
            return index + 2 + self.offsets.gather(index)
        return index + 2 + pl.lit(self.offsets).gather(index)

    def row(self, index: int) -> dict[str, str]:
        return {k: "" if v is None else v for k, v in self.df.row(index, named=True).items()}

    def cells(self, index: int) -> list[str]:
        return ["" if v is None else v for v in self.df.row(index)]

    def column_number(self, name: str) -> int | None:
        try:
            return self.header.index(name) + 1
        except ValueError:
            return None

    @property
    def lines(self) -> _Lines:
        return _Lines(self)

    @property
    def rows(self) -> _Rows:
        return _Rows(self)

    @property
    def widths(self) -> _Widths:
        return _Widths(self)
