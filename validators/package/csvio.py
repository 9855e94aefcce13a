"""Reading and writing the package's CSV tables, keeping each row's physical line number.

Reading never raises on bad input: undecodable bytes, a byte-order mark, NUL bytes, broken
quoting or oversized cells become problems naming the file and line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from claimtrail.contract.dialect import csv_options
from claimtrail.contract.problems import Problem
from claimtrail.files.limits import MAX_CELL, MAX_COLUMNS, MAX_TABLE_BYTES
from claimtrail.files.safe_open import UnsafeFile, read_regular

csv.field_size_limit(MAX_CELL + 1)


@dataclass
class CsvTable:
    name: str  # path relative to the package, as shown in problems
    header: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # physical line where each row starts
    widths: list[int] = field(default_factory=list)  # number of cells of each row
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True

    def column_number(self, name: str) -> int | None:
        try:
            return self.header.index(name) + 1
        except ValueError:
            return None


def decode(data: bytes, name: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text of a file, or the problems that stop it being read."""
    if not data:
        return None, [Problem(name, "empty-file", "the file is empty", line=1)]
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [
            Problem(
                name,
                "encoding",
                "the file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM",
                line=1,
                column=1,
                expected="UTF-8 without BOM",
                found="BOM (EF BB BF)",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return None, [
            Problem(
                name,
                "encoding",
                f"not valid UTF-8: byte 0x{data[e.start]:02x} at byte offset {e.start}",
                line=line,
                expected="UTF-8 text",
                found=f"byte 0x{data[e.start]:02x}",
            )
        ]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [
            Problem(
                name,
                "encoding",
                "the file contains a NUL character: it is binary, not a CSV text",
                line=line,
                expected="text",
                found="NUL byte",
            )
        ]
    return text, []


def package_root(path: Path, name: str) -> Path | None:
    """The package folder of a file read as ``root / name``: the path without name's parts."""
    parts = Path(name).parts
    if (
        not parts
        or Path(name).is_absolute()
        or ".." in parts
        or tuple(Path(path).parts[-len(parts) :]) != parts
    ):
        return None
    return Path(*Path(path).parts[: -len(parts)]) if len(Path(path).parts) > len(parts) else Path(".")


def read_csv(path: Path, name: str) -> CsvTable:
    """The table at ``path`` (``name`` relative to its package): it must be a regular file inside
    the package folder, of at most MAX_TABLE_BYTES, with at most MAX_COLUMNS columns."""
    table = CsvTable(name)
    try:
        data = read_regular(path, MAX_TABLE_BYTES, package_root(path, name))
    except UnsafeFile as e:
        table.readable = False
        check = "missing-file" if e.missing else "limit-size" if e.too_large else "unsafe-file"
        table.problems.append(
            Problem(
                name,
                check,
                f"cannot read the file: {e.reason}",
                fix="restore it: every table of the layout is present; one without rows is its header line alone"
                if e.missing
                else "a table must be a regular file inside the package folder, within the documented limits",
            )
        )
        return table
    text, problems = decode(data, name)
    if text is None:
        table.readable = False
        table.problems += problems
        return table
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, **csv_options())
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if not table.header and not table.lines:
                if len(cells) > MAX_COLUMNS:
                    table.readable = False
                    table.problems.append(
                        Problem(
                            name,
                            "limit-columns",
                            f"the header has {len(cells)} columns, more than the limit of {MAX_COLUMNS}",
                            line=1,
                            expected=f"at most {MAX_COLUMNS} columns",
                            found=str(len(cells)),
                        )
                    )
                    return table
                table.header = cells
                seen: set[str] = set()
                for i, label in enumerate(cells, 1):
                    if label in seen:
                        table.problems.append(
                            Problem(
                                name,
                                "duplicate-label",
                                f"column {label!r} appears twice in the header",
                                line=1,
                                column=i,
                                field=label,
                            )
                        )
                    seen.add(label)
                table.lines.append(start)  # the header is row 1, as frictionless counts rows
                table.widths.append(len(cells))
                continue
            for i, cell in enumerate(cells, 1):
                if len(cell) > MAX_CELL:
                    table.problems.append(
                        Problem(
                            name,
                            "cell-too-large",
                            f"a cell of {len(cell)} characters exceeds the limit of {MAX_CELL}",
                            line=start,
                            column=i,
                            field=_label(table.header, i),
                        )
                    )
                    cells[i - 1] = ""
            table.lines.append(start)
            table.widths.append(len(cells))
            table.rows.append({h: c for h, c in zip(table.header, cells)})
    except csv.Error as e:
        table.readable = False
        table.problems.append(Problem(name, "csv-syntax", f"the CSV cannot be parsed: {e}", line=last + 1))
    if not table.header:
        table.readable = False
        table.problems.append(Problem(name, "empty-file", "the file has no header row", line=1))
    return table


def _label(header: list[str], column: int) -> str | None:
    return header[column - 1] if 0 < column <= len(header) else None


def format_cell(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    """Write a table canonically: UTF-8, in the declared dialect (contract.dialect: LF line
    ends, minimal quoting), cells as format_cell."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, **csv_options())
    writer.writerow(header)
    for row in rows:
        writer.writerow([format_cell(row.get(h)) for h in header])
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8", newline="")
    tmp.replace(path)
