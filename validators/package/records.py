"""Tables <-> nested records, following the layout derived from the schemas.

assemble() turns the CSV tables into the nested records the JSON Schemas describe (pointer
ids expanded into pointer objects, child tables into arrays ordered by ``ord``), remembering
for every value the file, line and column it came from. disassemble() is its inverse.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from claimtrail.contract.layout import Column, Layout, Table
from claimtrail.package.csvio import CsvTable, format_cell

Origin = tuple[str, int, str]  # (file, line, column name)
_INT = re.compile(r"-?[0-9]+")


@dataclass
class Assembled:
    record: dict[str, Any]
    origins: dict[tuple, Origin] = field(default_factory=dict)  # JSON path in the record -> cell

    def origin_of(self, path: tuple) -> Origin | None:
        """The cell a value came from: the longest prefix of ``path`` that has an origin."""
        path = tuple(path)
        while True:
            if path in self.origins:
                return self.origins[path]
            if not path:
                return None
            path = path[:-1]


def parse_cell(raw: str | None, column: Column):
    """The typed value of a cell. A value that does not parse stays a string, so the record
    schema reports it instead of it being dropped."""
    if raw is None or raw == "":
        return None
    kind = column.schema.get("type")
    if kind == "integer" and _INT.fullmatch(raw):
        return int(raw)
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


def _set(target: dict, path: tuple[str, ...], value) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _usable(table: CsvTable, index: int) -> bool:
    # Rows with a wrong number of cells are reported by the table checks; their cells cannot
    # be trusted to sit under the right column, so they are not turned into records.
    return table.widths[index + 1] == len(table.header)


class _Builder:
    def __init__(self, layout: Layout, tables: dict[str, CsvTable]):
        self.layout = layout
        self.tables = tables
        self.pointers: dict[str, Assembled] = {}
        ptable = tables.get("pointers")
        if ptable is not None:
            for item in self._items(layout.table("pointers"), ptable):
                pid = item.record.get("id")
                if isinstance(pid, str) and pid not in self.pointers:
                    self.pointers[pid] = item

    def _items(self, spec: Table, table: CsvTable):
        for i, row in enumerate(table.rows):
            if _usable(table, i):
                yield self._object(spec, table, row, table.lines[i + 1])

    def _object(self, spec: Table, table: CsvTable, row: dict[str, str], line: int) -> Assembled:
        out = Assembled({})
        empty_optional: dict[tuple, bool] = {}
        for column in spec.columns:
            if column.kind in ("parent", "ord"):
                continue
            value = parse_cell(row.get(column.name), column)
            path = column.path or (column.name,)
            origin = (table.name, line, column.name)
            if column.optional_object is not None:
                empty_optional[column.optional_object] = (
                    empty_optional.get(column.optional_object, True) and value is None
                )
            if column.kind == "pointer" and isinstance(value, str) and value in self.pointers:
                pointer = self.pointers[value]
                _set(out.record, path, dict(pointer.record))
                out.origins[path] = origin
                for sub, where in pointer.origins.items():
                    if sub:
                        out.origins[path + sub] = where
            else:
                _set(out.record, path, value)
                out.origins[path] = origin
        for obj, empty in empty_optional.items():
            if empty:
                _set(out.record, obj, None)
        if not spec.columns or spec.columns[0].kind != "parent":
            out.origins[()] = (table.name, line, spec.columns[0].name)
        return out

    def records(self, record_type: str) -> list[Assembled]:
        root = self.layout.root[record_type]
        table = self.tables.get(root.name)
        if table is None:
            return []
        if record_type == "pointer":
            return list(self._items(root, table))
        records = list(self._items(root, table))
        by_id = {r.record.get("id"): r for r in records if isinstance(r.record.get("id"), str)}
        for child in self.layout.children(record_type):
            for r in records:
                r.record[child.prop] = []
            ctable = self.tables.get(child.name)
            if ctable is None:
                continue
            grouped: dict[str, list[tuple[Any, int, Assembled]]] = defaultdict(list)
            for i, row in enumerate(ctable.rows):
                if not _usable(ctable, i):
                    continue
                parent = row.get(record_type)
                if parent not in by_id:
                    continue  # a dangling parent id: reported as a foreign-key error
                line = ctable.lines[i + 1]
                item = self._item(child, ctable, row, line)
                grouped[parent].append((parse_cell(row.get("ord"), child.column("ord")), line, item))
            for parent, items in grouped.items():
                owner = by_id[parent]
                items.sort(
                    key=lambda t: (not isinstance(t[0], int), t[0] if isinstance(t[0], int) else 0, t[1])
                )
                for position, (_, _, item) in enumerate(items):
                    owner.record[child.prop].append(item.record)
                    for sub, where in item.origins.items():
                        owner.origins[(child.prop, position) + sub] = where
        return records

    def _item(self, child: Table, table: CsvTable, row: dict[str, str], line: int) -> Assembled:
        if child.item == "object":
            return self._object(child, table, row, line)
        column = child.columns[2]
        value = parse_cell(row.get(column.name), column)
        origin = (table.name, line, column.name)
        if child.item == "pointer" and isinstance(value, str) and value in self.pointers:
            pointer = self.pointers[value]
            origins = {(): origin, **{sub: where for sub, where in pointer.origins.items() if sub}}
            return Assembled(dict(pointer.record), origins)
        return Assembled(value, {(): origin})


def assemble(layout: Layout, tables: dict[str, CsvTable]) -> dict[str, list[Assembled]]:
    """Every record of every type, assembled from the tables read."""
    builder = _Builder(layout, tables)
    return {record_type: builder.records(record_type) for record_type in layout.root}


def disassemble(layout: Layout, records: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, str]]]:
    """The rows of every table for the given records: the inverse of assemble().

    Pointers embedded in records become rows of the pointers table (the same id twice must be
    the same pointer); pointer records given directly are kept as they are.
    """
    rows: dict[str, list[dict[str, str]]] = {t.name: [] for t in layout.tables}
    pointers: dict[str, dict[str, Any]] = {}

    def keep_pointer(pointer: dict[str, Any]) -> str:
        pid = pointer["id"]
        if pointers.setdefault(pid, pointer) != pointer:
            raise ValueError(f"pointer {pid} is given twice with different contents")
        return pid

    def flatten(spec: Table, obj: dict[str, Any], lead: dict[str, str]) -> dict[str, str]:
        row = dict(lead)
        for column in spec.columns:
            if column.kind in ("parent", "ord"):
                continue
            value: Any = obj
            for key in column.path or (column.name,):
                value = value.get(key) if isinstance(value, dict) else None
            if column.kind == "pointer" and isinstance(value, dict):
                value = keep_pointer(value)
            row[column.name] = format_cell(value)
        return row

    for pointer in records.get("pointer", []):
        keep_pointer(pointer)
    for record_type, table in layout.root.items():
        if record_type == "pointer":
            continue
        for record in records.get(record_type, []):
            rows[table.name].append(flatten(table, record, {}))
            for child in layout.children(record_type):
                for position, item in enumerate(record.get(child.prop) or [], 1):
                    lead = {record_type: record["id"], "ord": str(position)}
                    if child.item == "object":
                        rows[child.name].append(flatten(child, item, lead))
                    else:
                        value = keep_pointer(item) if child.item == "pointer" else item
                        rows[child.name].append({**lead, child.columns[2].name: format_cell(value)})
    ptable = layout.root["pointer"]
    rows[ptable.name] = [flatten(ptable, p, {}) for p in sorted(pointers.values(), key=lambda p: p["id"])]
    for spec in layout.tables:
        rows[spec.name].sort(
            key=lambda r: (r.get(spec.primary_key[0], ""), int(r["ord"]) if "ord" in r else 0)
        )
    return rows
