"""The spreadsheet copy of a release: one ``.xlsx`` workbook, a sheet per table.

Every cell is written as a text cell (a string, in a column formatted as text ``@``): a
spreadsheet program never runs it as a formula, never turns ``057`` into 57 or a date string
into a serial number, and there is no character encoding to guess. The cells are the CSV
cells exactly, so no escaping is needed (unlike the CSVs of ``spreadsheet/``); an empty cell
stays empty. The header row is frozen and carries an autofilter.

The bytes depend only on the tables and the XlsxWriter version: the document's created and
modified dates are the release timestamp, and XlsxWriter dates every zip entry 1980-01-01.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from claimtrail.package.csvio import CsvTable

WORKBOOK = "claimtrail.xlsx"
MAX_CELL = 32767  # the most characters a spreadsheet cell holds (Excel's limit)
MAX_ROWS = 1048576  # rows of a sheet, the header included (Excel's limit)
MAX_SHEET_NAME = 31
WIDTH_MIN, WIDTH_MAX = 8, 60


class WorkbookError(ValueError):
    """The tables cannot be put in a workbook as they are; the message says where and why."""


def _width(table: CsvTable, label: str) -> int:
    longest = max([len(label)] + [len(row.get(label, "")) for row in table.rows])
    return min(max(longest + 2, WIDTH_MIN), WIDTH_MAX)


def workbook_bytes(tables: list[CsvTable], sheet_names: list[str], timestamp: int, title: str) -> bytes:
    """The workbook of ``tables`` (read by csvio), one sheet each, named by ``sheet_names``."""
    try:
        import xlsxwriter
    except ImportError:
        raise WorkbookError(
            "building the xlsx workbook needs XlsxWriter: pip install 'claimtrail[release]'"
        ) from None
    moment = datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)
    buf = io.BytesIO()
    # write_string never reads a cell as a formula, number or URL; the options say so again.
    workbook = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties({"title": title, "created": moment})
    text = workbook.add_format({"num_format": "@"})
    header = workbook.add_format({"num_format": "@", "bold": True})
    for table, name in zip(tables, sheet_names):
        if len(name) > MAX_SHEET_NAME:
            raise WorkbookError(f"table {name}: a sheet name holds at most {MAX_SHEET_NAME} characters")
        if len(table.rows) + 1 > MAX_ROWS:
            raise WorkbookError(
                f"{table.name}: {len(table.rows)} rows do not fit in a spreadsheet sheet "
                f"(at most {MAX_ROWS - 1} below the header)"
            )
        sheet = workbook.add_worksheet(name)
        for column, label in enumerate(table.header):
            sheet.set_column(column, column, _width(table, label), text)
            sheet.write_string(0, column, label, header)
        for r, (row, line) in enumerate(zip(table.rows, table.lines[1:]), 1):
            for column, label in enumerate(table.header):
                value = row.get(label, "")
                if len(value) > MAX_CELL:
                    raise WorkbookError(
                        f"{table.name}:{line}: field {label}: {len(value)} characters do not fit in a "
                        f"spreadsheet cell (at most {MAX_CELL})"
                    )
                if value:
                    sheet.write_string(r, column, value, text)
        sheet.freeze_panes(1, 0)
        if table.header:
            sheet.autofilter(0, 0, len(table.rows), len(table.header) - 1)
    workbook.close()
    return buf.getvalue()
