"""The cells of a table as the descriptor's Table Schema types them.

The descriptor (``datapackage.json``) is the one place that says what each column holds; the
typed copies of a release (Parquet, and the dataframes of frames.py) read the field types,
``missingValues``, ``trueValues`` and ``falseValues`` from it rather than from a list of
their own. A cell becomes ``None`` (missing), ``str``, ``int``, ``float``, ``bool`` or
``datetime.date``; strings are never reinterpreted, so ``057`` stays ``057``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from claimtrail.package.csvio import CsvTable

# Table Schema's defaults, used when a field or schema does not declare its own.
DEFAULT_MISSING = [""]
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
# The field types the typed copies carry; a descriptor using another one is refused by name.
SUPPORTED_TYPES = ("string", "integer", "number", "boolean", "date")


class TypingError(ValueError):
    """A cell or a field cannot be typed; the message names file, line and field."""


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    true_values: tuple[str, ...] = tuple(DEFAULT_TRUE)
    false_values: tuple[str, ...] = tuple(DEFAULT_FALSE)


@dataclass(frozen=True)
class TableType:
    """The Table Schema of one resource, reduced to what typing its cells needs."""

    name: str
    path: str
    fields: tuple[Field, ...]
    missing: tuple[str, ...]


def table_types(descriptor: dict[str, Any]) -> dict[str, TableType]:
    """The tabular resources of a descriptor, by resource name, in the descriptor's order."""
    found = {}
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema")
        if not isinstance(schema, dict) or not isinstance(resource.get("path"), str):
            continue  # a non-tabular resource (a source text)
        fields = []
        for spec in schema.get("fields", []):
            kind = spec.get("type", "string")
            if kind not in SUPPORTED_TYPES:
                raise TypingError(
                    f"datapackage.json: resource {resource.get('name')}: field {spec.get('name')}: "
                    f"type {kind!r} is not one of {', '.join(SUPPORTED_TYPES)}"
                )
            if kind == "date" and spec.get("format", "default") != "default":
                raise TypingError(
                    f"datapackage.json: resource {resource.get('name')}: field {spec.get('name')}: "
                    f"date format {spec['format']!r} is not supported (only 'default', YYYY-MM-DD)"
                )
            fields.append(
                Field(
                    spec["name"],
                    kind,
                    tuple(spec.get("trueValues", DEFAULT_TRUE)),
                    tuple(spec.get("falseValues", DEFAULT_FALSE)),
                )
            )
        found[resource["name"]] = TableType(
            resource["name"],
            resource["path"],
            tuple(fields),
            tuple(schema.get("missingValues", DEFAULT_MISSING)),
        )
    return found


def typed_cell(raw: str, spec: Field, missing: tuple[str, ...]) -> Any:
    """One cell's value; raises ValueError (without the location) when it does not parse."""
    if raw in missing:
        return None
    if spec.type == "string":
        return raw
    if spec.type == "integer":
        if not raw.lstrip("-").isdigit() or not raw.isascii():
            raise ValueError(f"{raw!r} is not an integer")
        return int(raw)
    if spec.type == "number":
        return float(raw)
    if spec.type == "boolean":
        if raw in spec.true_values:
            return True
        if raw in spec.false_values:
            return False
        raise ValueError(f"{raw!r} is not one of {', '.join(spec.true_values + spec.false_values)}")
    if len(raw) != 10:
        raise ValueError(f"{raw!r} is not a date YYYY-MM-DD")
    return date.fromisoformat(raw)  # date: format "default", checked in table_types


def typed_columns(table: CsvTable, types: TableType) -> dict[str, list[Any]]:
    """Every column of the table, in the Table Schema's order, as typed values."""
    if table.problems:
        first = table.problems[0]
        raise TypingError(f"{first.path}:{first.line or ''}: {first.check}: {first.message}")
    labels = [f.name for f in types.fields]
    if table.header != labels:
        raise TypingError(
            f"{table.name}:1: the header {table.header} is not the descriptor's fields {labels}"
        )
    columns: dict[str, list[Any]] = {}
    for line, width in zip(table.lines[1:], table.widths[1:]):
        if width != len(labels):
            raise TypingError(f"{table.name}:{line}: the row has {width} cells, the header {len(labels)}")
    for spec in types.fields:
        values = []
        for row, line in zip(table.rows, table.lines[1:]):
            try:
                values.append(typed_cell(row[spec.name], spec, types.missing))
            except ValueError as e:
                raise TypingError(f"{table.name}:{line}: field {spec.name}: {e}") from None
        columns[spec.name] = values
    return columns
