"""The data dictionary: every table and column of the package, in Markdown, from the schemas.

It is generated, never edited: docs/data-dictionary.md is its output (``claimtrail dictionary
--out docs/data-dictionary.md``; tests/unit/test_docs.py fails when it is stale) and every release
carries a copy. Types and constraints are the ones of the Table Schemas (descriptor.py), so
the dictionary says exactly what ``claimtrail validate`` enforces on the CSV files.
"""

from __future__ import annotations

from claimtrail.contract.descriptor import table_field
from claimtrail.contract.layout import Column, Layout, Table, build_layout
from claimtrail.contract.schemas import SchemaSet, load_schemas

TITLE = "# claimtrail data dictionary"


def _cell(text: str) -> str:
    # Markdown tables: one line per row, no unescaped pipes.
    return " ".join(str(text).split()).replace("|", "\\|")


def _constraints(field: dict, column: Column) -> str:
    # Patterns are shown as the JSON Schema writes them (anchored where they must match whole).
    references, kind = column.references, column.kind
    pattern = column.schema.get("pattern") if "pattern" in field.get("constraints", {}) else None
    parts = []
    c = field.get("constraints", {})
    if "enum" in c:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
    if pattern == r"\S":
        parts.append("not blank")
    elif pattern:
        parts.append(f"matches `{pattern}`")
    if "minLength" in c and pattern != r"\S":
        parts.append(f"at least {c['minLength']} character{'s' if c['minLength'] != 1 else ''}")
    if "minimum" in c:
        parts.append(f"at least {c['minimum']}")
    if kind == "pointer":
        parts.append("id of a row of `pointers`")
    elif references:
        parts.append(f"id of a row of `{references}`")
    return "; ".join(parts)


def _type(field: dict, kind: str) -> str:
    if kind == "pointer":
        return "pointer id"
    if field["type"] == "date":
        return "date (YYYY-MM-DD)"
    if field["type"] == "boolean":
        return "boolean (`true`/`false`)"
    return field["type"]


def _table(table: Table, layout: Layout) -> list[str]:
    out = [f"## `{table.path}`", ""]
    if table.prop is None:
        out.append(f"Root table of the **{table.record_type}** records. {_cell(table.description)}")
        children = layout.children(table.record_type)
        if children:
            out += ["", "Its lists are in " + ", ".join(f"`{c.path}` ({c.prop})" for c in children) + "."]
    else:
        out.append(
            f"The `{table.prop}` list of each **{table.record_type}** ({table.record_type} and ord identify "
            f"the row; ord is the position in the list, from 1). {_cell(table.description)}"
        )
    out += [
        "",
        f"Primary key: {', '.join(f'`{k}`' for k in table.primary_key)}.",
        "",
        "| column | type | required | constraints | description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for column in table.columns:
        field = table_field(column)
        required = "yes" if field.get("constraints", {}).get("required") else "no (empty = null)"
        out.append(
            f"| `{column.name}` | {_type(field, column.kind)} | {required} | "
            f"{_cell(_constraints(field, column))} | {_cell(column.description)} |"
        )
    return out + [""]


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def render_dictionary(schemas: SchemaSet | None = None) -> str:
    # build_layout caches by argument and a SchemaSet is not hashable: call it uncached.
    layout = build_layout() if schemas is None else build_layout.__wrapped__(schemas)
    schemas = schemas or load_schemas()
    out = [
        TITLE,
        "",
        "Generated from `schema/` (the JSON Schemas and `layout.json`) by `claimtrail dictionary`; "
        "do not edit by hand.",
        "",
        "Each record type is one root CSV table plus one table per list it holds. An empty cell is "
        "null. A pointer id names a row of `pointers.csv`: an exact span (`start`-`end`, Unicode "
        "code points, end exclusive) of a source text, with the quote.",
        "",
        "| record type | table | lists | what it is |",
        "| --- | --- | --- | --- |",
    ]
    for record_type, root in layout.root.items():
        lists = ", ".join(f"`{c.path}`" for c in layout.children(record_type)) or "-"
        out.append(
            f"| {record_type} | `{root.path}` | {lists} | {_cell(_first_sentence(root.description))} |"
        )
    out.append("")
    for table in layout.tables:
        out += _table(table, layout)
    return "\n".join(out).rstrip("\n") + "\n"
