"""Reading the package's CSV tables with polars, and proving the read matches Python's csv.

The fast engine reads each table with polars, every cell as text: String, or in a large
package Categorical for the columns whose schema bounds their values (engine.compact_fields),
the same text held once per distinct value; a check of such a column decides each distinct
value and finds the rows by value (by_value). Before trusting the read it
checks, from one pass over the file's bytes (made in a second thread while polars reads),
that polars and the reference reader (csvio: Python's csv module) must see the same cells:
every double quote in a well-formed quoted field, one delimiter fewer than columns and one
line break per row outside quoted fields, polars' row count agreeing, no blank row, and the
header equal to the table schema's field names. LF and CRLF line ends are both read so.
Anything else (a BOM, bytes that are not UTF-8, a ragged row, a stray quote, a label problem)
raises Fallback. The run (run.py) then reports a table csvio cannot read as the reference
does, and hands any other package to the reference engine, which reports such files precisely.

A FastTable stands in for csvio.CsvTable where the shared code reads one (physical line of a
row, its cells, column numbers), computing what it is asked for from the DataFrame.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from claimtrail.files.limits import MAX_CELL, MAX_COLUMNS, MAX_TABLE_BYTES
from claimtrail.files.safe_open import UnsafeFile, regular_file
from claimtrail.package.csvio import package_root

# Bytes the scan reads at a time. Each chunk is looked at several times (hash, counts, quoted
# fields): a chunk the processor's cache holds is read from memory once. At 1,000,000 claims,
# the scan of claims.csv took 0.37 s to 0.41 s in chunks of 512 KiB to 1 MiB, 0.54 s in
# chunks of 8 MiB; pointers.csv 0.41 s to 0.42 s and 0.38 s. A chunk is also as long as the
# scan holds the interpreter at once, when it runs ahead while the run's Python steps work.
CHUNK = 1 << 20


# A table of at most this many rows is checked in one polars query, whose fixed cost is most
# of the work; a longer one a check at a time, so that the columns the checks make on the way
# (a hash set of every pointer id, say) are not all held at once.
ONE_QUERY_ROWS = 200_000


def _read_text(source: Path | bytes, **options: Any) -> pl.DataFrame:
    """polars' read of a table: every cell as text, an empty file or a ragged row not let through."""
    return pl.read_csv(
        source,
        infer_schema=False,
        raise_if_empty=False,
        truncate_ragged_lines=False,
        encoding="utf8",
        **options,
    )


class Fallback(Exception):
    """The fast engine cannot vouch for this package; the reference engine validates it."""


@dataclass
class FileScan:
    sha256: str
    size: int
    breaks: int  # line breaks: \n, \r\n or a lone \r, as Python's csv counts lines
    commas: int
    quotes: int
    ends_with_break: bool
    bom: bool = False  # the file starts with a UTF-8 byte-order mark (not hashed out: it is a byte)
    quoted_fields: int = 0
    quoted_commas: int = 0  # delimiters, line breaks and double quotes inside quoted fields
    quoted_breaks: int = 0
    quoted_quotes: int = 0
    carriage_returns: bool = False  # any \r at all (else a line break is a \n)


def _breaks(data: bytes | bytearray, last: bytes = b"", start: int = 0, end: int | None = None) -> int:
    """Line breaks in ``data[start:end]`` (\r\n counted once), ``last`` being the byte before it."""
    n = data.count(b"\n", start, end)
    if data.find(b"\r", start, end) >= 0:
        n += data.count(b"\r", start, end) - data.count(b"\r\n", start, end)
    if last == b"\r" and data[start : start + 1] == b"\n":
        n -= 1  # a \r\n split across two chunks
    return n


def scan_file(path: Path, name: str, delimiter: bytes = b",", quote: bytes = b'"') -> FileScan:
    """Hash, size and structure counts of a CSV file, read in chunks (CHUNK), so that it takes
    little memory.

    Each chunk is read into one buffer, after the bytes of the chunk before that the quoted
    fields have not taken yet (_QuotedFields), and counted there: no copy of a chunk is made,
    nor fresh memory for each (at 160 MB of pointers.csv, the copies took 0.1 s of 0.6 s)."""
    sha = hashlib.sha256()
    size = breaks = commas = quotes = 0
    last = b""
    bom = cr = False
    try:
        # A FIFO, a device or a link out of the package is the reference engine's to report.
        path = regular_file(path, package_root(path, name))
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise Fallback(f"{name}: larger than the limit")
        f = open(path, "rb")
    except (OSError, UnsafeFile) as e:
        raise Fallback(f"{name}: {e}") from e
    with f:
        quoted = _QuotedFields(name, delimiter, quote)
        buf = bytearray(CHUNK)
        while True:
            start = quoted.carry  # the bytes not taken yet, at the buffer's start
            if len(buf) < start + CHUNK:  # a quoted field longer than a chunk
                buf.extend(bytes(start + CHUNK - len(buf)))
            with memoryview(buf) as view:
                n = f.readinto(view[start : start + CHUNK])
                if not n:
                    break
                sha.update(view[start : start + n])
            end = start + n
            if size == 0 and n >= 3 and buf.startswith(b"\xef\xbb\xbf"):
                bom = quoted.bom = True
            size += n
            if buf.find(b"\x00", start, end) >= 0:
                raise Fallback(f"{name}: NUL byte")
            breaks += _breaks(buf, last, start, end)
            cr = cr or buf.find(b"\r", start, end) >= 0
            commas += buf.count(delimiter, start, end)
            in_chunk = buf.count(quote, start, end)
            quotes += in_chunk
            quoted.feed(buf, end, in_chunk)
            last = bytes(buf[end - 1 : end])
        # Bytes that are not UTF-8 make polars' strict reader fail: read_table falls back then.
        if size == 0:
            raise Fallback(f"{name}: empty file")
        scan = FileScan(sha.hexdigest(), size, breaks, commas, quotes, last in (b"\n", b"\r"), bom)
        scan.carriage_returns = cr
        if quotes:
            quoted.finish(buf)
            scan.quoted_fields, scan.quoted_commas = quoted.count, quoted.commas
            scan.quoted_breaks, scan.quoted_quotes = quoted.breaks, quoted.quotes
    return scan


class _QuotedFields:
    """The quoted fields of a file and what they hold, fed the file a chunk at a time as
    scan_file reads it. Raises Fallback unless each field starts a field and is followed by a
    delimiter, a line break or the end. (A quote anywhere else is left outside every quoted
    field, which read_table finds in the counts.)

    The bytes are taken up to the last line break outside quotes (an even number of quotes
    before it), so that a quoted field is never cut in two; the rest (``carry`` bytes) is moved
    to the buffer's start, where the next chunk is read after it. The fields' places are found
    in one pass of the regular expression and their bytes joined and counted at once: a
    million claims hold about 110,000 quoted cells, and a Python step per field took longer
    than polars takes to read the file."""

    def __init__(self, name: str, delimiter: bytes, quote: bytes):
        q = re.escape(quote)
        self.field = re.compile(q + b"[^" + q + b"]*(?:" + q + q + b"[^" + q + b"]*)*" + q)
        self.name, self.delimiter, self.quote = name, delimiter, quote
        self.bom = False  # the file starts with a byte-order mark (scan_file sets it)
        self.ends = set(delimiter + b"\n\r")  # the bytes a quoted field may touch
        self.count = self.commas = self.breaks = self.quotes = 0
        self.offset = 0  # where the bytes not taken yet start in the file
        self.carry, self.carry_quotes = 0, 0  # how many bytes are not taken yet, and their quotes

    def feed(self, data: bytearray, end: int, quotes: int) -> None:
        """Take ``data[:end]``: the bytes not taken yet, then the next chunk of the file,
        which holds ``quotes`` quote bytes."""
        total = self.carry_quotes + quotes
        cut = data.rfind(b"\n", 0, end) + 1
        after = data.count(self.quote, cut, end)  # quotes past the cut
        while cut > 0 and (total - after) % 2:
            earlier = data.rfind(b"\n", 0, cut - 1) + 1
            after += data.count(self.quote, earlier, cut)
            cut = earlier
        if cut <= 0:
            self.carry, self.carry_quotes = end, total
            return
        if total > after:  # else no field before the cut: nothing to look at
            self._part(data, cut)
        data[: end - cut] = data[cut:end]
        self.carry, self.carry_quotes = end - cut, after
        self.offset += cut

    def finish(self, data: bytearray) -> None:
        if self.carry:
            self._part(data, self.carry)
            self.carry = 0

    def _part(self, data: bytearray, end: int) -> None:
        """The quoted fields of ``data[:end]``, which starts where a row does."""
        spans = [m.span() for m in self.field.finditer(data, 0, end)]
        # The first field of the file may follow its byte-order mark.
        after_bom = 1 if self.bom and self.offset == 0 and spans and spans[0][0] == 3 else 0
        if not {data[s - 1] for s, _ in spans[after_bom:] if s} <= self.ends:
            raise Fallback(f"{self.name}: a double quote inside an unquoted field")
        if not {data[e] for _, e in spans if e < end} <= self.ends:
            raise Fallback(f"{self.name}: text after a closing double quote")
        fields = b"".join([data[s:e] for s, e in spans])
        self.count += len(spans)
        self.commas += fields.count(self.delimiter)
        self.quotes += fields.count(self.quote)
        self.breaks += _breaks(fields)  # no \r\n across two fields: each ends with a quote


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


def read_table(
    path: Path,
    name: str,
    labels: list[str],
    delimiter: str = ",",
    quote: str = '"',
    scanning: Future[FileScan] | None = None,
    compact: tuple[str, ...] = (),
) -> tuple[pl.DataFrame, FileScan, pl.Series | None]:
    """The table as text cells (null or "" for an empty cell), the file's scan, and the number
    of line breaks inside the cells before each row (None when there are none). The columns
    named in ``compact`` are read as Categorical (the same cells, each distinct value held
    once: engine.compact_fields says which).

    The scan of the bytes (in a thread: hashing releases the GIL while polars reads) proves
    the structure: every double quote belongs to a well-formed quoted field, and outside
    quoted fields there are exactly (rows + 1) x (columns - 1) delimiters and one line break
    per row, so no row is ragged and no line blank; polars' row count must agree.
    ``scanning``: scan_file of this file with these options, started earlier (run.py's reader
    scans the tables ahead); else it is started here."""
    from concurrent.futures import ThreadPoolExecutor

    if _header_cells(path) > MAX_COLUMNS:
        if scanning is not None:
            scanning.cancel()
        raise Fallback(f"{name}: more columns than the limit")  # polars would hold them all
    with ThreadPoolExecutor(1) as pool:
        if scanning is None:
            scanning = pool.submit(scan_file, path, name, delimiter.encode(), quote.encode())
        try:
            df = _read_text(
                path,
                has_header=True,
                separator=delimiter,
                quote_char=quote,
                schema_overrides={c: pl.Categorical for c in compact if c in labels} or None,
            )
        except Exception as e:  # polars' own parse errors: a ragged row, an unterminated quote ...
            # The scan is not needed: dropped if it has not started (a scan run ahead may wait
            # behind another file's), else left to end; its outcome is never asked for.
            scanning.cancel()
            raise Fallback(f"{name}: {type(e).__name__}") from e
        scan = scanning.result()
    if scan.bom:
        raise Fallback(f"{name}: byte-order mark")
    if df.columns != labels:
        raise Fallback(f"{name}: the header is not the schema's field names")
    cols = [pl.col(c) for c in df.columns]
    # A Categorical column's cells as text: its distinct values (the lengths' maximum), or
    # every cell (only to count line breaks in cells, which a scan seldom finds).
    distinct = [_text(df, c, distinct=True) for c in df.columns]
    n, width = df.height, len(labels)
    rows_with_break = n + 1 - (0 if scan.ends_with_break else 1)
    stats = df.select(
        longest=pl.max_horizontal([c.str.len_bytes().max() for c in distinct]) if cols else pl.lit(0),
        blank=pl.all_horizontal([c.is_null() | (c == "") for c in cols]).sum() if cols else pl.lit(0),
        nulls=pl.concat_list([c.null_count() for c in cols])
        if cols
        else pl.lit([], dtype=pl.List(pl.UInt32)),
    ).row(0, named=True)
    if (stats["longest"] or 0) > MAX_CELL and df.select(
        pl.max_horizontal([c.str.len_chars().max() for c in distinct])
    ).item() > MAX_CELL:
        raise Fallback(f"{name}: an oversized cell")
    if stats["blank"]:
        raise Fallback(f"{name}: a blank row")
    if scan.quotes != scan.quoted_quotes:
        raise Fallback(f"{name}: a double quote outside a quoted field")
    if scan.commas - scan.quoted_commas != (n + 1) * (width - 1):
        raise Fallback(f"{name}: delimiters do not add up (a ragged row)")
    if scan.breaks - scan.quoted_breaks != rows_with_break:
        raise Fallback(f"{name}: line breaks do not add up (a blank line)")
    offsets = None
    if scan.quoted_breaks:
        # Without a \r in the file a line break is a \n: counted as a literal, twice as fast.
        breaks = [
            c.str.count_matches(_BREAKS) if scan.carriage_returns else c.str.count_matches("\n", literal=True)
            for c in (_text(df, name) for name in df.columns)
        ]
        per_row = df.select(pl.sum_horizontal([b.fill_null(0) for b in breaks]).alias("b"))["b"]
        if int(per_row.sum()) != scan.quoted_breaks:
            raise Fallback(f"{name}: line breaks inside cells do not add up")
        # 4 bytes a row, not 8: kept for every table to the end (6 MiB less for 1.58 million
        # pointers), and never more than the file's bytes (MAX_TABLE_BYTES, under 2**32).
        offsets = (per_row.cum_sum() - per_row).cast(pl.UInt32)
    return _without_empty_columns(df, stats["nulls"]), scan, offsets


# Bytes of a table read again at a time (pieces()). polars' read of a piece holds several
# times the piece: pointers.csv of a million claims, 50,000 rows kept, in pieces of 1, 4, 8 and
# 16 MiB: 26, 55, 86 and 170 MiB at the peak, in 1.21, 0.71, 0.65 and 0.6 s.
PIECE_BYTES = 4 << 20


def pieces(path: Path, name: str, labels: list[str], size: int = PIECE_BYTES):
    """A table read again, as read_table proved it reads: (index of the first row, the rows as
    text) for a piece of about ``size`` bytes at a time, each cut after a line break that ends
    a row, one with an even number of double quotes before it (every double quote belongs to
    a well-formed quoted field, read_table's scan found). polars' scan of a file holds the
    whole file while it streams it: pointers.csv of a million claims (159 MB) took 276 MiB to
    give 50,000 rows. Raises Fallback when the file no longer reads as it did."""
    import csv

    try:
        with open(path, "rb") as f:
            if next(csv.reader([f.readline().decode("utf-8").rstrip("\r\n")]), []) != labels:
                raise Fallback(f"{name} changed while it was validated")
            first, rest = 0, b""
            while True:
                data = f.read(size)
                block = rest + data
                cut = len(block) if not data else _row_end(block)
                piece, rest = block[:cut], block[cut:]
                if piece:
                    df = _read_text(piece, has_header=False, new_columns=labels, quote_char='"')
                    yield first, df
                    first += df.height
                if not data:
                    return
    except (OSError, UnicodeDecodeError, pl.exceptions.PolarsError) as e:
        raise Fallback(f"{name} changed while it was validated") from e


def _row_end(block: bytes) -> int:
    """Where the last whole row of ``block`` (which starts a row) ends: after its last line
    break outside a quoted field, or 0 when there is none."""
    cut = block.rfind(b"\n") + 1
    quotes = block.count(b'"', 0, cut)
    while cut and quotes % 2:
        before = block.rfind(b"\n", 0, cut - 1) + 1
        quotes -= block.count(b'"', before, cut)
        cut = before
    return cut


def _text(df: pl.DataFrame, name: str, distinct: bool = False) -> pl.Expr:
    """A column's cells as String (a Categorical one cast), or its distinct values so."""
    if df.schema[name] != pl.Categorical:
        return pl.col(name)
    return (pl.col(name).unique() if distinct else pl.col(name)).cast(pl.String)


def distinct_text(df: pl.DataFrame, name: str) -> pl.DataFrame:
    """A column's distinct values, as text: a frame of one column ``name``."""
    return df.get_column(name).unique().cast(pl.String).to_frame()


def holding(name: str, values: list[str | None]) -> pl.Expr:
    """The rows of column ``name`` holding one of ``values`` (None: a null cell)."""
    found = pl.col(name).is_in(pl.Series([v for v in values if v is not None], dtype=pl.String).implode())
    return found | pl.col(name).is_null() if None in values else found


def by_value(df: pl.DataFrame, name: str, rows: pl.Expr) -> pl.Expr:
    """``rows``, a condition on the cells of column ``name`` alone (as text): as it is for a
    String column; for a Categorical one, decided on its distinct values, the rows then
    found by the values it holds (a string expression does not take a Categorical, and a
    few hundred values cost less than a million cells)."""
    if df.schema[name] != pl.Categorical:
        return rows
    # A literal in ``rows`` spreads to every value.
    marked = distinct_text(df, name).with_columns(rows.fill_null(False).alias("_m"))
    return holding(name, marked.filter(pl.col("_m")).get_column(name).to_list())


def _without_empty_columns(df: pl.DataFrame, null_counts: list[int]) -> pl.DataFrame:
    """The frame, each column without a value (an optional field no row fills) held as a
    constant null: polars keeps 16 bytes a cell for a column read from a file, empty or not,
    about 15 MiB a column at a million rows. ``null_counts``: each column's, in order."""
    n = df.height
    if n == 0:
        return df
    empty = [name for name, nulls in zip(df.columns, null_counts, strict=True) if nulls == n]
    if not empty:
        return df
    return df.with_columns(pl.repeat(None, n, dtype=pl.String).alias(name) for name in empty)


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
