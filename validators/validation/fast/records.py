"""Record-schema validation of every record, without assembling every record.

A record is assembled from fixed columns: it always has every property its schema requires
and no other, so whether it is valid is decided by its values alone. Each value must be valid
against its own sub-schema (found by following the record schema along the column's path); a
nullable object (a claim's "said") is null or has every value its schema requires; an
embedded pointer is valid when the pointer's row is; an array holds enough items when its
child table has enough rows for the parent.

Where the table schema's field carries every keyword of the value's sub-schema (covered():
what descriptor.table_field derives), the table checks have decided already, but for the
integer and date spellings frictionless reads and JSON Schema does not (extra_rows()). Other
sub-schemas are checked by jsonschema-rs, once per distinct value of the column. Records where
anything may fail are the candidates: they alone are assembled and validated by the reference
step (validate._check_records), which words the problems.

This split is only sound for schemas made of the keywords in ALLOWED; any other keyword
(uniqueItems, if/then, oneOf ...) raises Fallback, and the reference engine runs.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from claimtrail.contract.layout import Column, Table
from claimtrail.contract.schemas import SchemaSet
from claimtrail.validation.fast.tables import ONE_QUERY_ROWS, Fallback, by_value

DRAFT = "https://json-schema.org/draft/2020-12/schema"
STRUCTURE = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "anyOf",
    "$ref",
    "$defs",
}
LEAF = {
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "format",
    "const",
    "multipleOf",
}
ANNOTATIONS = {"$schema", "$id", "title", "description", "examples", "default", "$comment"}
ALLOWED = STRUCTURE | LEAF | ANNOTATIONS
_PLAIN_INT = r"^-?[0-9]+$"


def check_keywords(schemas: SchemaSet) -> None:
    def walk(node, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in ALLOWED:
                    raise Fallback(f"{where}: keyword {key!r} is checked by the reference engine only")
                if key in ("properties", "$defs"):
                    for name, sub in value.items():
                        walk(sub, f"{where}/{key}/{name}")
                elif key in ("items", "additionalProperties"):
                    walk(value, f"{where}/{key}")
                elif key == "anyOf":
                    for i, sub in enumerate(value):
                        walk(sub, f"{where}/anyOf/{i}")
            if node.get("additionalProperties", False) is not False and "properties" in node:
                raise Fallback(f"{where}: additionalProperties other than false")

    for name, schema in schemas.files.items():
        walk(schema, name)


def _resolve(schemas: SchemaSet, file: str, pointer: str, node: dict) -> tuple[str, str, dict]:
    """Follow $ref and the non-null branch of anyOf until an object schema with properties."""
    for _ in range(32):
        if "anyOf" in node:
            i = next(i for i, a in enumerate(node["anyOf"]) if a != {"type": "null"})
            pointer, node = f"{pointer}/anyOf/{i}", node["anyOf"][i]
        elif "$ref" in node:
            ref = node["$ref"]
            file, node = schemas.resolve(ref, file)
            pointer = ref.partition("#")[2]
        else:
            return file, pointer, node
    raise Fallback(f"{file}#{pointer}: $ref chain too long")


def leaf_location(schemas: SchemaSet, table: Table, column: Column) -> str:
    """URI#pointer of the sub-schema a column's value is validated against in the record."""
    file = f"{table.record_type}.schema.json"
    pointer, node = "", schemas.files[file]
    path = column.path or ((column.name,) if column.kind == "value" and table.item != "value" else ())
    if table.prop is not None:
        pointer, node = f"/properties/{table.prop}/items", node["properties"][table.prop]["items"]
        if table.item in ("value", "pointer"):
            path = ()
    for key in path:
        file, pointer, node = _resolve(schemas, file, pointer, node)
        pointer, node = f"{pointer}/properties/{key}", node["properties"][key]
    return f"{schemas.files[file]['$id']}#{pointer}"


class LeafValidators:
    def __init__(self, schemas: SchemaSet):
        import jsonschema_rs

        self.schemas = schemas
        self.registry = jsonschema_rs.Registry([(s["$id"], s) for s in schemas.files.values()])
        self._rs = jsonschema_rs

    @cache  # noqa: B019 (one instance per validation run; the cache goes with it)
    def validator(self, location: str):
        return self._rs.validator_for(
            {"$schema": DRAFT, "type": "array", "items": {"$ref": location}},
            registry=self.registry,
            validate_formats=True,
        )

    def bad_indexes(self, location: str, values: list) -> list[int]:
        """Positions, in a list of values, of the values the sub-schema rejects."""
        return sorted(
            {e.instance_path[0] for e in self.validator(location).iter_errors(values) if e.instance_path}
        )

    @cache  # noqa: B019 (one instance per validation run; the cache goes with it)
    def accepts_null(self, location: str) -> bool:
        return not self.bad_indexes(location, [None])

    @cache  # noqa: B019 (one instance per validation run; the cache goes with it)
    def covered(self, location: str) -> bool:
        return covered(self.schemas, location)


def typed_distinct(column: Column, raw: pl.Series) -> list:
    """records.parse_cell over distinct raw values (int, bool, str or None), without a Python
    call per value for text columns."""
    kind = column.schema.get("type")
    text = raw.replace("", None).to_list()
    if kind == "integer":
        plain = raw.str.contains(_PLAIN_INT).fill_null(False).to_list()
        return [int(v) if p else v for v, p in zip(text, plain)]
    if kind == "boolean":
        return [True if v == "true" else False if v == "false" else v for v in text]
    return text


def _has_pattern(schemas: SchemaSet, location: str) -> bool:
    """Whether the sub-schema at location, or any schema it refers to, has a pattern."""
    uri, _, pointer = location.partition("#")
    file = next(n for n, s in schemas.files.items() if s["$id"] == uri)
    seen: set[tuple[str, str]] = set()

    def walk(file: str, node) -> bool:
        if isinstance(node, list):
            return any(walk(file, v) for v in node)
        if not isinstance(node, dict):
            return False
        if "pattern" in node:
            return True
        if "$ref" in node:
            target, sub = schemas.resolve(node["$ref"], file)
            key = (target, node["$ref"].partition("#")[2])
            if key not in seen:
                seen.add(key)
                if walk(target, sub):
                    return True
        return any(walk(file, v) for k, v in node.items() if k != "$ref" and isinstance(v, (dict, list)))

    return walk(file, schemas.resolve(f"#{pointer}", file)[1])


COVERED = {"type", "enum", "pattern", "minLength", "minimum", "format", "anyOf", "$ref"} | ANNOTATIONS


def covered(schemas: SchemaSet, location: str) -> bool:
    """Whether the table schema's field carries every keyword of this sub-schema.

    descriptor.table_field turns type, enum, pattern, minLength, minimum, format date and
    nullability into the field's type and constraints; frictionless then checks them with
    the same meaning (Python's re, code points, the same enum), except that it reads more
    spellings of an integer or a date than records.parse_cell does: extra_rows() adds those.
    """
    uri, _, pointer = location.partition("#")
    file = next(n for n, s in schemas.files.items() if s["$id"] == uri)
    seen: set[tuple[str, str]] = set()

    def ok(file: str, node) -> bool:
        if not isinstance(node, dict):
            return False
        for key, value in node.items():
            if key not in COVERED:
                return False
            if key == "format" and value != "date":
                return False
            if key == "type" and not set([value] if isinstance(value, str) else value) <= {
                "string",
                "integer",
                "boolean",
                "null",
            }:
                return False
        if "anyOf" in node and not all(ok(file, a) for a in node["anyOf"]):
            return False
        if "$ref" in node:
            target, sub = schemas.resolve(node["$ref"], file)
            key = (target, node["$ref"].partition("#")[2])
            if key not in seen:
                seen.add(key)
                return ok(target, sub)
        return True

    return ok(file, schemas.resolve(f"#{pointer}", file)[1])


def extra_rows(column: Column) -> pl.Expr:
    """Cells frictionless reads but records.parse_cell does not: '+5', ' 7', '2021-6-7'."""
    col = pl.col(column.name)
    present = col.is_not_null() & (col != "")
    if column.schema.get("type") == "integer":
        return present & ~col.str.contains(r"^-?[0-9]{1,18}$")
    if column.schema.get("format") == "date":
        return present & ~col.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    return pl.lit(False)


def column_bad(
    df: pl.DataFrame,
    table: Table,
    column: Column,
    leaves: LeafValidators,
    pointers: PointerState,
    fk_bad: dict[str, pl.Series],
    in_object: bool = False,
) -> pl.Expr:
    """Rows where this column's value may fail its sub-schema, beyond the cells the table
    checks flagged (in_object: the column of a nullable object, known to be present); an
    expression over ``df``, which table_bad_rows evaluates with the other columns' at once."""
    name = column.name
    col = pl.col(name)
    empty = col.is_null() | (col == "")
    location = leaf_location(leaves.schemas, table, column)
    if column.kind == "pointer":
        # The embedded pointer is valid when its id is a pointer's and that pointer's row is
        # valid: not valid when the foreign key check found no such id, or the row is invalid.
        nullable = leaves.accepts_null(location)
        bad = (empty & pl.lit(not nullable)) | col.is_in(pointers.invalid.implode()).fill_null(False)
        if name in fk_bad:
            bad = bad | pl.lit(fk_bad[name])
        else:
            bad = bad | (~empty & ~col.is_in(pointers.ids.implode()))
        return bad.fill_null(True)
    if leaves.covered(location):
        bad = by_value(df, name, extra_rows(column))
        if in_object and not leaves.accepts_null(location):
            bad = bad | empty
        return bad.fill_null(False)
    # A keyword the table schema does not carry: jsonschema-rs on each distinct value.
    distinct = df.get_column(name).unique().cast(pl.String)
    bad_raw = distinct.gather(leaves.bad_indexes(location, typed_distinct(column, distinct)))
    # jsonschema-rs and Python's re disagree on \x1c-\x1f (Python's \s counts them as space):
    # such values go to the reference validator.
    suspicious = pl.lit(False)
    if _has_pattern(leaves.schemas, location):
        suspicious = col.str.contains(r"[\x1c-\x1f]").fill_null(False)
    if column.schema.get("type") == "integer":
        # An integer beyond 64 bits reads as a Python int but not as a polars one.
        suspicious = suspicious | (col.str.contains(_PLAIN_INT).fill_null(False) & (col.str.len_bytes() > 18))
    bad = col.is_in(bad_raw.drop_nulls().implode()).fill_null(False) | suspicious
    if bad_raw.null_count():
        bad = bad | col.is_null()
    return by_value(df, name, bad)


class PointerState:
    """The pointers table as the records see it: every id, and the ids whose row (the first
    one, as records.assemble embeds) the pointer schema rejects."""

    def __init__(self, ids: pl.Series | None = None, invalid: pl.Series | None = None):
        self.ids = ids if ids is not None else pl.Series("id", [], dtype=pl.String)
        self.invalid = invalid if invalid is not None else pl.Series("id", [], dtype=pl.String)


def table_bad_rows(
    df: pl.DataFrame,
    table: Table,
    leaves: LeafValidators,
    pointers: PointerState,
    flagged: pl.Series | None = None,
    fk_bad: dict[str, pl.Series] | None = None,
) -> pl.Series:
    """Rows holding a value the record schema may reject: the rows the table checks flagged,
    and those column_bad finds, in one query."""
    exprs: list[pl.Expr] = []
    groups: dict[tuple, list[Column]] = {}
    for column in table.columns:
        if column.kind in ("parent", "ord"):
            continue
        if column.optional_object is not None:
            groups.setdefault(column.optional_object, []).append(column)
            continue
        exprs.append(column_bad(df, table, column, leaves, pointers, fk_bad or {}))
    for _, columns in groups.items():
        present = pl.any_horizontal([pl.col(c.name).is_not_null() & (pl.col(c.name) != "") for c in columns])
        inner = [column_bad(df, table, c, leaves, pointers, fk_bad or {}, in_object=True) for c in columns]
        exprs.append(present & pl.any_horizontal(inner))
    if flagged is not None:
        exprs.append(pl.lit(flagged))
    if not exprs:
        return pl.zeros(df.height, pl.Boolean, eager=True).alias("bad")
    # with_columns, not select: an expression of literals alone is spread over every row.
    if df.height <= ONE_QUERY_ROWS:
        return df.with_columns(pl.any_horizontal(exprs).alias("_bad")).get_column("_bad").alias("bad")
    bad = pl.zeros(df.height, pl.Boolean, eager=True).alias("bad")
    for expr in exprs:
        bad = bad | df.with_columns(expr.alias("_bad")).get_column("_bad")
    return bad


def min_items(schemas: SchemaSet, table: Table) -> int:
    prop = schemas.record_schema(table.record_type)["properties"][table.prop]
    return int(prop.get("minItems", 0))
