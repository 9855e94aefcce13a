"""Step 3 of validation: every assembled record against its JSON Schema.

Both engines call ``check_record_schemas`` with the records they assembled; a problem names the
CSV cell the failing value came from.
"""

from __future__ import annotations

import json
from collections import Counter

from claimtrail.contract.layout import build_layout
from claimtrail.contract.problems import Problem, Report
from claimtrail.contract.schemas import load_schemas, record_validator
from claimtrail.files.limits import MAX_PROBLEMS
from claimtrail.package.csvio import CsvTable

_HEADER_CHECKS = {
    "missing-label",
    "extra-label",
    "duplicate-label",
    "blank-label",
    "incorrect-label",
    "blank-header",
}


def check_record_schemas(
    records, tables: dict[str, CsvTable], report: Report, id_counts: Counter | None = None
) -> None:
    """Every record of ``records`` (record type -> assembled records, in the order of their
    rows) against its schema. After MAX_PROBLEMS records of a type have failed, the rest of
    that type are not checked (as frictionless stops at 1,000 errors per table): both engines
    hand their records in row order, so both stop at the same record. ``id_counts``: how many
    records hold each id, when ``records`` holds the first of them only (one type)."""
    schemas = load_schemas()
    # Cells under a broken header, and records whose id a second row also claims (they are
    # assembled from the wrong rows), cannot be trusted: the table problem is the one to fix.
    broken = {p.path for p in report.problems if p.line == 1 and p.check in _HEADER_CHECKS}
    # So are the lists of a child table that could not be read (they come out empty) and the
    # pointer ids of an unreadable pointers table (they stay ids): that table is the problem.
    layout = build_layout()
    unread = {t.name for t in layout.tables if t.name not in tables or not tables[t.name].readable}
    for record_type, items in records.items():
        if not items:  # nothing to check: the validator (and jsonschema's import) is not needed
            continue
        validator = record_validator(schemas, record_type)
        ids = id_counts if id_counts is not None else Counter(item.record.get("id") for item in items)
        lost = {c.prop for c in layout.children(record_type) if c.name in unread}
        failed = 0
        for item in items:
            if ids[item.record.get("id")] > 1:
                continue
            if failed == MAX_PROBLEMS:
                report.add(
                    Problem(
                        layout.root[record_type].path,
                        "limit-problems",
                        f"{MAX_PROBLEMS:,} {record_type} records fail their JSON Schema: the records after "
                        "them were not checked against it",
                        fix="fix those and validate again: the rest are checked then",
                    )
                )
                break
            before = len(report.problems)
            for error in validator.iter_errors(item.record):
                file, line, column = item.origin_of(tuple(error.absolute_path)) or (record_type, None, None)
                if file in broken or (error.absolute_path and error.absolute_path[0] in lost):
                    continue
                if (
                    "pointers" in unread
                    and isinstance(error.instance, str)
                    and error.instance.startswith("ptr-")
                ):
                    continue
                where = "/".join(map(str, error.absolute_path)) or "(record)"
                table = tables.get(file.removesuffix(".csv"))
                report.add(
                    Problem(
                        file,
                        "record-schema",
                        f"{record_type} {item.record.get('id')}: {where}: {_short(error.message)}",
                        line=line,
                        field=column,
                        column=table.column_number(column) if table else None,
                        expected=_expected(error),
                        found=_found(error),
                    )
                )
            failed += len(report.problems) > before


def _expected(error) -> str | None:
    """What the JSON Schema keyword that failed asks for, in words."""
    keyword, value = error.validator, error.validator_value
    if keyword == "enum":
        return "one of: " + ", ".join(json.dumps(v) if v is None else str(v) for v in value)
    if keyword == "type":
        return f"a value of type {value}"
    if keyword == "pattern":
        return f"text matching {value}"
    if keyword == "format":
        return f"a valid {value}"
    if keyword in ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"):
        return f"{keyword} {value}"
    if keyword == "required":
        return "the properties " + ", ".join(map(str, value))
    return None


def _found(error) -> str | None:
    value = error.instance
    if isinstance(value, (dict, list)):
        return None  # a whole object: the message says what is wrong with it
    return "null" if value is None else _short(str(value))


def _short(message: str) -> str:
    return message if len(message) <= 300 else message[:297] + "..."
