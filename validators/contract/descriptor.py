"""The Data Package (v2) descriptor: its table schemas derived from the JSON Schemas.

``build_descriptor`` keeps the package-level metadata of an existing descriptor (title,
version, licences, contributors, sources) and regenerates every resource: one table resource
per table of the layout, with its Table Dialect (contract.dialect: how the tables are
written), Table Schema, hash and size, and one resource per source text, with the publisher's
rights stated. Nothing in ``resources`` is edited by hand.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from claimtrail.contract.dialect import TABLE_DIALECT
from claimtrail.contract.layout import Column, Layout, Table, build_layout
from claimtrail.files.limits import MAX_DESCRIPTOR_BYTES, MAX_TABLE_BYTES
from claimtrail.files.safe_open import UnsafeFile, read_regular

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLE_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
DESCRIPTOR = "datapackage.json"
# The specification's own profiles: recognised by name and never fetched (v2, and the v1
# names frictionless still accepts). Any other URL in a descriptor is refused.
STANDARD_PROFILES = frozenset(
    f"https://datapackage.org/profiles/{version}/{name}.json"
    for version in ("1.0", "2.0")
    for name in ("datapackage", "dataresource", "tableschema", "tabledialect")
) | frozenset(
    f"https://specs.frictionlessdata.io/schemas/{name}.json"
    for name in ("data-package", "data-resource", "table-schema", "csv-dialect", "tabular-data-package")
)
# What each kind of resource declares; a declaration the package does not honour is refused.
DECLARED = {
    "table": {"scheme": "file", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"},
    "text": {"scheme": "file", "format": "txt", "mediatype": "text/plain", "encoding": "utf-8"},
}
RECORDS_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}


# The keys build_descriptor writes on a table resource and on a source-text resource: the fast
# engine and the descriptor check recognise a resource as one of ours by them.
TABLE_RESOURCE_KEYS = frozenset(
    {"name", "type", "path", "scheme", "format", "mediatype", "encoding", "hash", "bytes"}
    | {"description", "licenses", "dialect", "schema", "title"}
)
TEXT_RESOURCE_KEYS = TABLE_RESOURCE_KEYS - {"dialect", "schema"}


def source_license(publisher: str | None) -> dict[str, str]:
    holder = publisher or "its original publisher (not identified in the text)"
    return {
        "name": "LicenseRef-publisher-copyright",
        "title": f"Copyright {holder}. Not covered by the package licence: included unchanged only "
        "so that every provenance pointer can be verified against it.",
    }


# How a JSON Schema pattern says "the end of the value": ECMA-262's '$' (without the m flag)
# and Python's '\Z' mean it, but Python's '$' also matches before a final line break, and
# '\Z' is not ECMA-262. A negative lookahead of any character means the end in both (ajv,
# Python's re in jsonschema, pydantic and frictionless); polars' engine reads it as '$'.
PATTERN_END = "(?![\\s\\S])"


def _pattern(pattern: str) -> str:
    # Table Schema patterns match the whole value (XML Schema style, no anchors); JSON Schema
    # patterns search. Anchored patterns lose their start anchor and keep PATTERN_END, as
    # frictionless' own '$' would let a final line break through; unanchored ones are padded.
    if pattern.startswith("^") and pattern.endswith(PATTERN_END):
        return pattern[1:]
    if pattern.startswith("^") and pattern.endswith("$"):
        return pattern[1:-1]
    return f"[\\s\\S]*{pattern}[\\s\\S]*"


def table_field(column: Column) -> dict[str, Any]:
    schema = column.schema
    kind = schema.get("type", "string")
    field: dict[str, Any] = {"name": column.name}
    if kind == "string" and schema.get("format") == "date":
        field["type"], field["format"] = "date", "default"
    elif kind in ("integer", "number", "boolean", "string"):
        field["type"] = kind
    else:
        field["type"] = "string"  # pointer ids
    if column.description:
        field["description"] = column.description
    if kind == "boolean":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    constraints: dict[str, Any] = {}
    if not column.nullable:
        constraints["required"] = True
    if column.kind == "value" and kind == "string" and "format" not in schema:
        if "minLength" in schema:
            constraints["minLength"] = schema["minLength"]
        if "pattern" in schema:
            constraints["pattern"] = _pattern(schema["pattern"])
    if column.kind in ("value", "ord") and kind == "integer" and "minimum" in schema:
        constraints["minimum"] = schema["minimum"]
    if schema.get("enum"):
        constraints["enum"] = list(schema["enum"])
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(table: Table) -> dict[str, Any]:
    fields = [table_field(c) for c in table.columns]
    foreign_keys = []
    for c in table.columns:
        if c.references:
            # A self-reference names its own resource: valid under both v1 and v2, where an
            # omitted or empty resource is read differently.
            foreign_keys.append(
                {"fields": [c.name], "reference": {"resource": c.references, "fields": ["id"]}}
            )
    schema: dict[str, Any] = {
        "$schema": TABLE_PROFILE,
        "fields": fields,
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


class DescriptorError(Exception):
    """The descriptor cannot be regenerated: names the file and what is wrong with it."""


def file_digest(path: Path, root: Path | None = None) -> tuple[str, int]:
    try:
        data = read_regular(path, MAX_TABLE_BYTES, root)
    except UnsafeFile as e:
        raise DescriptorError(f"{path}: cannot read the file: {e.reason}") from None
    return hashlib.sha256(data).hexdigest(), len(data)


def _sources(package_dir: Path, layout: Layout) -> list[dict[str, str]]:
    path = package_dir / layout.root["source"].path
    if not path.exists():
        return []
    try:
        text = read_regular(path, MAX_TABLE_BYTES, package_dir).decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except UnsafeFile as e:
        raise DescriptorError(f"{path}: cannot read the file: {e.reason}") from None
    except (UnicodeDecodeError, csv.Error) as e:
        raise DescriptorError(f"{path}: cannot be read as a UTF-8 CSV table: {e}") from None
    needed = {"id", "path", "sha256", "bytes"}
    for line, row in enumerate(rows, 2):
        missing = sorted(k for k in needed if not row.get(k))
        if missing:
            raise DescriptorError(f"{path}:{line}: the source row lacks {', '.join(missing)}")
    return rows


def build_resources(package_dir: Path, layout: Layout | None = None) -> list[dict[str, Any]]:
    layout = layout or build_layout()
    resources = []
    for table in layout.tables:
        sha, size = file_digest(package_dir / table.path, package_dir)
        resources.append(
            {
                "name": table.name,
                "type": "table",
                "path": table.path,
                **DECLARED["table"],
                "hash": f"sha256:{sha}",
                "bytes": size,
                "description": table.description
                if table.prop is None
                else f"{table.record_type}.{table.prop}: {table.description}",
                "licenses": [RECORDS_LICENSE],
                "dialect": dict(TABLE_DIALECT),
                "schema": table_schema(table),
            }
        )
    for source in _sources(package_dir, layout):
        # The recorded hash and size, not the file's: frictionless then also reports a source
        # text that changed after it was hashed. No "type": Data Package v2 knows only "table",
        # and a resource that is not a table leaves it out.
        resources.append(
            {
                "name": source["id"],
                "path": source["path"],
                **DECLARED["text"],
                "hash": f"sha256:{source['sha256']}",
                "bytes": int(source["bytes"]) if source["bytes"].isdecimal() else source["bytes"],
                "title": source.get("headline") or f"Source text {source['id']}",
                "description": "A news text as received, vendored byte-for-byte; the records point into it.",
                "licenses": [source_license(source.get("publisher_name") or None)],
            }
        )
    return resources


def build_descriptor(
    package_dir: Path, metadata: dict[str, Any], layout: Layout | None = None
) -> dict[str, Any]:
    descriptor = {k: v for k, v in metadata.items() if k != "resources"}
    descriptor["$schema"] = PACKAGE_PROFILE
    descriptor["resources"] = build_resources(package_dir, layout)
    return descriptor


def dumps(descriptor: dict[str, Any]) -> str:
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"


def regenerate(package_dir: Path) -> tuple[str, str]:
    """(current text, regenerated text) of the package's descriptor."""
    from claimtrail.files.jsonload import StrictJSONError, loads

    path = package_dir / DESCRIPTOR
    try:
        current = read_regular(path, MAX_DESCRIPTOR_BYTES, package_dir).decode("utf-8")
        metadata = loads(current)
    except (OSError, UnicodeDecodeError) as e:
        raise DescriptorError(f"{path}: cannot be read as UTF-8 text: {e}") from None
    except StrictJSONError as e:
        raise DescriptorError(f"{path}:{e.line or 1}: not valid JSON: {e.message}") from None
    if not isinstance(metadata, dict):
        raise DescriptorError(f"{path}: the descriptor is not a JSON object")
    return current, dumps(build_descriptor(package_dir, metadata))
