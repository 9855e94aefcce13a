"""frictionless' table errors, turned into problems that say what was expected and how to fix it.

frictionless reports rows by position and constraints by name; contributors need the line of
the file, the allowed values, the id that is missing and the command that repairs a stale
descriptor. Errors that only follow from a table already reported as unreadable (a lookup
into it failing) are dropped: the unreadable table is the one problem to fix.
"""

from __future__ import annotations

import re
from typing import Any

from claimtrail.contract.problems import Problem
from claimtrail.package.csvio import CsvTable
from claimtrail.validation.hints import hint, id_hint

# Resource-level errors on a table that csvio read without trouble can only come from the
# tables its foreign keys look into; those are reported where they happen.
_LOOKUP_ERRORS = {"encoding-error", "scheme-error", "source-error", "format-error"}
_LABEL_ERRORS = {"missing-label", "extra-label", "blank-label", "incorrect-label", "blank-header"}
_EXPECTED_TYPE = {
    "date": "a calendar date that exists, written YYYY-MM-DD",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def _position_line(table: CsvTable | None, position: int | None) -> int | None:
    """The physical line of a frictionless row position (the header is row 1)."""
    if position is None:
        return None
    if table is not None and 0 < position <= len(table.lines):
        return table.lines[position - 1]
    return position


def _field_schema(schema: dict[str, Any] | None, name: str | None) -> dict[str, Any]:
    for f in (schema or {}).get("fields", []):
        if isinstance(f, dict) and f.get("name") == name:
            return f
    return {}


def translate(
    path: str,
    table: CsvTable | None,
    error,
    schema: dict[str, Any] | None,
    tables: dict[str, CsvTable],
    package: str,
) -> Problem | None:
    """The problem to report for one frictionless error, or None when it only repeats another."""
    kind = getattr(error, "type", "error")
    # Each branch words its own problem; these are what most of them fill in.
    expected: str | None
    fix: str | None
    found: str | None
    row = getattr(error, "row_number", None)
    column = getattr(error, "field_number", None)
    field = getattr(error, "field_name", None) or None
    line = _position_line(table, row)
    if field is None and table is not None and column and column <= len(table.header):
        field = table.header[column - 1]
    cell = getattr(error, "cell", None)
    note = getattr(error, "note", "") or ""
    unreadable = {name for name, t in tables.items() if not t.readable}

    if kind in _LOOKUP_ERRORS and table is not None and table.readable:
        return None
    if kind == "duplicate-label" and table is not None:
        return None  # csvio names the column and both positions already
    if kind in _LABEL_ERRORS:
        expected = ",".join(f.get("name", "") for f in (schema or {}).get("fields", []))
        return Problem(
            path,
            kind,
            error.message,
            line=1,
            column=column,
            field=field,
            expected=expected,
            found=",".join(table.header) if table is not None else None,
            fix=f"make the header row exactly: {expected}" if expected else None,
        )
    if kind == "foreign-key":
        reference = getattr(error, "reference_name", "") or path.removesuffix(".csv")
        if reference in unreadable:
            return None
        names = getattr(error, "field_names", []) or []
        values = getattr(error, "field_cells", []) or []
        field = names[0] if names else field
        value = ", ".join(map(str, values))
        ref_fields = ", ".join(getattr(error, "reference_field_names", []) or ["id"])
        suggestion = id_hint(value, tables[reference], ref_fields) if reference in tables else ""
        return Problem(
            path,
            kind,
            f"{', '.join(names)} {value!r}: no row of {reference}.csv has {ref_fields} {value!r}",
            line=line,
            column=table.column_number(field) if table and field else None,
            field=field,
            expected=f"an {ref_fields} listed in {reference}.csv",
            found=value,
            fix=f"add a row for {value} to {reference}.csv or correct the id{suggestion}",
        )
    if kind == "primary-key":
        keys = list((schema or {}).get("primaryKey") or [])
        values = getattr(error, "cells", []) or []
        key = (
            ", ".join(f"{k} {table.rows[row - 2].get(k)!r}" for k in keys)
            if table and row and 2 <= row <= len(table.rows) + 1
            else ", ".join(values)
        )
        first = re.search(r"row at position (\d+)", note)
        first_line = _position_line(table, int(first.group(1))) if first else None
        where = f" already used on line {first_line}" if first_line else " used twice"
        fix = (
            "give the record an id of its own; ids are never reused"
            if keys == ["id"]
            else "number the items of each parent 1, 2, 3 ... in the ord column"
        )
        field = keys[0] if keys else None
        return Problem(
            path,
            kind,
            f"{key}:{where}",
            line=line,
            column=table.column_number(field) if table and field else None,
            field=field,
            expected="a unique " + " + ".join(keys),
            found=key,
            fix=fix,
        )
    if kind == "constraint-error":
        spec = _field_schema(schema, field)
        constraints = spec.get("constraints", {})
        which = re.search(r'constraint "(\w+)"', note)
        name = which.group(1) if which else ""
        expected, fix = None, None
        if name == "enum":
            allowed = constraints.get("enum", [])
            expected = "one of: " + ", ".join(map(str, allowed))
            fix = "use one of the allowed values" + hint(str(cell), allowed)
        elif name == "pattern":
            expected = f"text matching the pattern {constraints.get('pattern')}"
            if re.match(r"(src|ptr|act|evt|clm|dis|unc)-", str(constraints.get("pattern"))):
                fix = "an id is its prefix (src-, ptr-, act-, evt-, clm-, dis-, unc-) then lower-case letters, digits and single '-'"
        elif name == "minimum":
            expected = f"a number >= {constraints.get('minimum')}"
        elif name == "minLength":
            expected = f"at least {constraints.get('minLength')} characters"
        elif name == "required":
            expected, fix = "a value", "this column may not be empty"
        message = (
            f"{field} {cell!r} does not meet the {name or 'column'} constraint" if field else error.message
        )
        return Problem(
            path,
            kind,
            message,
            line=line,
            column=column,
            field=field,
            expected=expected,
            found="(empty)" if cell in (None, "") else str(cell),
            fix=fix,
        )
    if kind == "type-error":
        spec = _field_schema(schema, field)
        kind_name = str(spec.get("type"))
        expected = _EXPECTED_TYPE.get(kind_name, kind_name)
        return Problem(
            path,
            kind,
            f"{field} {cell!r} is not {expected}",
            line=line,
            column=column,
            field=field,
            expected=expected,
            found=str(cell),
        )
    if kind in ("extra-cell", "missing-cell"):
        width = table.widths[row - 1] if table is not None and row and row <= len(table.widths) else None
        size = len(table.header) if table is not None else None
        message = (
            f"the row has {width} cells where the header has {size}"
            if width is not None and size
            else error.message
        )
        return Problem(
            path,
            kind,
            message,
            line=line,
            column=column,
            field=field,
            expected=f"{size} cells, as in the header" if size else None,
            found=f"{width} cells" if width is not None else None,
            fix="a value holding a comma, a double quote or a line break must be written in double quotes "
            '(a double quote inside it doubled: "")',
        )
    if kind in ("hash-count", "byte-count"):
        numbers = re.search(r'expected is "(.*?)" and actual is "(.*?)"', note)
        expected, found = (numbers.group(1), numbers.group(2)) if numbers else (None, None)
        if table is not None:
            fix = f"run 'claimtrail descriptor {package}' to record the table's new {'hash' if kind == 'hash-count' else 'size'}"
        else:
            fix = (
                f"the file changed after it was recorded: restore it as received, or if it was re-captured on purpose "
                f"run 'claimtrail fix {package} --sources' and re-check every pointer into it"
            )
        return Problem(
            path, kind, error.message.split(":")[0], line=line, expected=expected, found=found, fix=fix
        )
    if kind == "scheme-error" and table is None:
        return Problem(
            path,
            kind,
            "the file cannot be opened",
            line=line,
            fix="restore the file, or remove its row from sources.csv and run "
            f"'claimtrail descriptor {package}'",
        )
    return Problem(path, kind, error.message, line=line, column=column, field=field)
