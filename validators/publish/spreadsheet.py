"""Spreadsheet-safe copies of the CSV tables, and how to read them back exactly.

A spreadsheet program opening a CSV treats a cell starting with ``=``, ``+``, ``-`` or ``@``
(and, in some programs, a tab or carriage return) as a formula and may run it (CSV
injection). The canonical tables of a release are the package's own CSVs, unchanged; the
copies in ``spreadsheet/`` escape such cells with a leading apostrophe, which spreadsheets
show as text. A cell that itself starts with an apostrophe gets one more, so that decoding
(strip one leading apostrophe) gives back every string exactly:
``unescape_cell(escape_cell(s)) == s`` for any string ``s``.

The copies also start with a UTF-8 byte-order mark, so that spreadsheet programs detect the
encoding; ``read_spreadsheet_csv`` strips it.
"""

from __future__ import annotations

import csv
import io

# Characters that make a spreadsheet read a cell as a formula, plus the escape mark itself.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MARK = "'"
BOM = "\ufeff"


def escape_cell(value: str) -> str:
    """The cell as written in the spreadsheet copies: inert in a spreadsheet, reversible."""
    if value.startswith(TRIGGERS + (MARK,)):
        return MARK + value
    return value


def unescape_cell(value: str) -> str:
    """The exact original of a cell read from a spreadsheet copy (inverse of escape_cell)."""
    return value[1:] if value.startswith(MARK) else value


def spreadsheet_csv(text: str) -> str:
    """The spreadsheet copy of a canonical CSV text (header and every cell escaped)."""
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    buf = io.StringIO(newline="")
    # Quote every cell: a leading tab or a carriage return then cannot be lost to a program
    # that trims unquoted cells.
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return BOM + buf.getvalue()


def read_spreadsheet_csv(text: str) -> list[list[str]]:
    """The rows of a spreadsheet copy, decoded back to the canonical cells."""
    text = text.removeprefix(BOM)
    return [
        [unescape_cell(cell) for cell in row]
        for row in csv.reader(io.StringIO(text, newline=""), strict=True)
    ]
