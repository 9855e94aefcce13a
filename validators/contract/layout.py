"""The table layout of the package, derived from the JSON Schemas and schema/layout.json.

Each record type is stored as one root table (layout.json's ``table``) plus one child table
per array property (named in its ``tables``, by property). Nested objects are flattened into
columns named ``<property>_<sub-property>``; a pointer ($ref to the pointer schema) is stored
as the id of a row of the ``pointers`` table; layout.json's ``references`` names the table a
column's ids point into, and ``columns`` the column of a list of plain values (by default the
property's name). layout.json names properties by their path from the record: property names
joined by ``/``, through nested objects and list items (``attributions/reported_by``).
Child tables carry the parent's id (column named after the record type) and ``ord``, the
1-based position of the item in the array, so that order survives the round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from claimtrail.contract.schemas import LAYOUT_FILE, POINTER_SCHEMA, RECORD_TYPES, SchemaSet, load_schemas

ColumnKind = Literal["value", "pointer", "parent", "ord"]


@dataclass(frozen=True)
class Column:
    name: str
    path: tuple[str, ...]  # where the value sits inside the record or array item
    kind: ColumnKind
    schema: dict[str, Any]  # the JSON Schema of the value, $refs resolved, null removed
    nullable: bool
    references: str | None  # table whose id this column holds
    description: str
    # Path of the outermost nullable object the column was flattened from (a claim's "said"):
    # when all its columns are empty the object is null, not an object of nulls.
    optional_object: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Table:
    name: str
    record_type: str
    prop: str | None  # the record's array property this child table holds; None for a root table
    item: Literal["record", "object", "pointer", "value"]
    columns: tuple[Column, ...]
    description: str

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    @property
    def primary_key(self) -> tuple[str, ...]:
        return ("id",) if self.prop is None else (self.record_type, "ord")

    @property
    def parent_column(self) -> str | None:
        return None if self.prop is None else self.record_type

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


@dataclass(frozen=True)
class Layout:
    tables: tuple[Table, ...]
    root: dict[str, Table] = field(default_factory=dict)  # record type -> root table

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def children(self, record_type: str) -> list[Table]:
        return [t for t in self.tables if t.record_type == record_type and t.prop is not None]


class _Names:
    """The layout.json entry of one record type; remembers which names were used, so that a
    misspelt or stale property path is an error rather than silently ignored."""

    def __init__(self, layout: dict[str, Any], record_type: str):
        if record_type not in layout or "table" not in layout[record_type]:
            raise ValueError(f"{LAYOUT_FILE}: no table for record type {record_type!r}")
        self.record_type = record_type
        self.entry = layout[record_type]
        self.used: set[tuple[str, str]] = set()

    def get(self, section: str, path: tuple[str, ...]) -> str | None:
        key = "/".join(path)
        if key in self.entry.get(section, {}):
            self.used.add((section, key))
            return self.entry[section][key]
        return None

    def table(self, path: tuple[str, ...]) -> str:
        if not path:
            return self.entry["table"]
        name = self.get("tables", path)
        if name is None:
            raise ValueError(f"{LAYOUT_FILE}: {self.record_type}: no table for the list {'/'.join(path)}")
        return name

    def check_all_used(self) -> None:
        for section, names in self.entry.items():
            if section == "table":
                continue
            if section not in ("tables", "columns", "references"):
                raise ValueError(f"{LAYOUT_FILE}: {self.record_type}: unknown section {section!r}")
            for key in names:
                if (section, key) not in self.used:
                    raise ValueError(
                        f"{LAYOUT_FILE}: {self.record_type}: {section}: {key!r} is no property "
                        "path this section applies to"
                    )


def _unwrap(schemas: SchemaSet, node: dict[str, Any], base: str) -> tuple[dict[str, Any], str, bool, bool]:
    """Strip null alternatives and follow $refs; returns (schema, file, nullable, is_pointer).

    Keywords written beside a $ref (description) win over the target's.
    """
    nullable = False
    extra = {k: v for k, v in node.items() if k not in ("anyOf", "$ref", "type", "enum")}
    if "anyOf" in node:
        alternatives = [a for a in node["anyOf"] if a != {"type": "null"}]
        nullable = len(alternatives) < len(node["anyOf"])
        if len(alternatives) != 1:
            raise ValueError(f"{base}: anyOf must be one schema or null: {node}")
        node = {**alternatives[0], **extra}
    is_pointer = False
    while "$ref" in node:
        ref = node["$ref"]
        base, target = schemas.resolve(ref, base)
        is_pointer = is_pointer or (base == POINTER_SCHEMA and ref.partition("#")[2] in ("", "/"))
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    node = dict(node)
    types = node.get("type")
    if isinstance(types, list):
        nullable = nullable or "null" in types
        rest = [t for t in types if t != "null"]
        node["type"] = rest[0] if len(rest) == 1 else rest
    if "enum" in node:
        nullable = nullable or None in node["enum"]
        node["enum"] = [v for v in node["enum"] if v is not None]
        node.setdefault("type", "string")
    return node, base, nullable, is_pointer


def _columns(
    schemas: SchemaSet,
    obj: dict[str, Any],
    base: str,
    prefix: str,
    path: tuple[str, ...],
    optional: tuple[str, ...] | None,
    names: _Names,
    children: list[Table],
    where: tuple[str, ...] = (),
) -> list[Column]:
    """Columns of an object; ``path`` is inside the record or array item, ``where`` the array
    property the item belongs to (empty for the record itself)."""
    record_type = names.record_type
    columns: list[Column] = []
    for prop, raw in obj["properties"].items():
        node, file, own_nullable, is_pointer = _unwrap(schemas, raw, base)
        nullable = own_nullable or optional is not None
        name = prefix + prop
        description = raw.get("description") or node.get("description", "")
        if is_pointer:
            columns.append(
                Column(name, path + (prop,), "pointer", node, nullable, "pointers", description, optional)
            )
        elif node.get("type") == "object":
            inner = optional or (path + (prop,) if own_nullable else None)
            columns += _columns(
                schemas, node, file, name + "_", path + (prop,), inner, names, children, where
            )
        elif node.get("type") == "array":
            if path or where:
                raise ValueError(f"{record_type}.{name}: arrays are only allowed at the top of a record")
            children.append(_child_table(schemas, node, file, prop, names, description))
        else:
            references = names.get("references", where + path + (prop,))
            columns.append(
                Column(name, path + (prop,), "value", node, nullable, references, description, optional)
            )
    return columns


def _child_table(
    schemas: SchemaSet, array: dict[str, Any], base: str, prop: str, names: _Names, description: str
) -> Table:
    record_type = names.record_type
    lead = (
        Column(
            record_type,
            (),
            "parent",
            {"type": "string"},
            False,
            names.table(()),
            f"The {record_type} this row belongs to.",
        ),
        Column(
            "ord",
            (),
            "ord",
            {"type": "integer", "minimum": 1},
            False,
            None,
            "Position of the item in the list (1-based); orders the rows of one " + record_type + ".",
        ),
    )
    item, file, _, is_pointer = _unwrap(schemas, array["items"], base)
    kind: Literal["object", "pointer", "value"]
    if is_pointer:
        kind, cols = "pointer", [Column("pointer", (), "pointer", item, False, "pointers", "The pointer.")]
    elif item.get("type") == "object":
        nested: list[Table] = []
        kind, cols = "object", _columns(schemas, item, file, "", (), None, names, nested, (prop,))
        if nested:
            raise ValueError(f"{record_type}.{prop}: arrays inside array items are not supported")
    else:
        name = names.get("columns", (prop,)) or prop
        kind = "value"
        references = names.get("references", (prop,))
        cols = [Column(name, (), "value", item, False, references, item.get("description", ""))]
    return Table(names.table((prop,)), record_type, prop, kind, lead + tuple(cols), description)


@lru_cache(maxsize=8)
def build_layout(schemas: SchemaSet | None = None) -> Layout:
    schemas = schemas or load_schemas()
    tables: list[Table] = []
    root: dict[str, Table] = {}
    for record_type in RECORD_TYPES:
        schema = schemas.record_schema(record_type)
        names = _Names(schemas.layout, record_type)
        children: list[Table] = []
        columns = _columns(schemas, schema, f"{record_type}.schema.json", "", (), None, names, children)
        names.check_all_used()
        table = Table(names.table(()), record_type, None, "record", tuple(columns), schema["description"])
        root[record_type] = table
        tables += [table, *children]
    for t in tables:
        names_ = [c.name for c in t.columns]
        if len(set(names_)) != len(names_):
            raise ValueError(f"table {t.name}: duplicate column names in {names_}")
    return Layout(tuple(tables), root)
