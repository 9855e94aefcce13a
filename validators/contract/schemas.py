"""The JSON Schemas in schema/: loading them, resolving their $refs, building validators.

They are the one definition of the records, with schema/layout.json, which says how each
record type is stored as tables (read by layout.py). The table layout, the Data Package
descriptor (descriptor.py), the pydantic models (codegen.py) and the data dictionary are all
derived from them.

Each file's ``$id`` is a name, not a location (``urn:claimtrail:schema:1:claim``), and every
``$ref`` between files is written with that name. So that any validator can use a record
file on its own, offline, the file also embeds every schema it refers to under ``$defs``
(draft 2020-12 bundling, bundle.py writes them): those embedded copies are generated, and
loading drops them, so that what is read here is what was written by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from claimtrail.files.bundled import schema_dir

# Record types in dependency order: a type only references types before it, or itself.
RECORD_TYPES = ("source", "pointer", "actor", "event", "claim", "discrepancy", "uncoded", "tombstone")
POINTER_SCHEMA = "pointer.schema.json"
LAYOUT_FILE = "layout.json"
ID_PREFIX = "urn:claimtrail:schema:1:"


def schema_id(file: str) -> str:
    """The $id of a schema file: ``common.schema.json`` is ``urn:claimtrail:schema:1:common``."""
    return ID_PREFIX + file.removesuffix(".schema.json")


def is_embedded(name: str, node: Any) -> bool:
    """Whether a $defs entry is a schema resource embedded by bundling (keyed by its $id)."""
    return isinstance(node, dict) and node.get("$id") == name


def written_part(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema file without the resources bundling embedded in it."""
    if "$defs" not in schema:
        return schema
    own = {name: sub for name, sub in schema["$defs"].items() if not is_embedded(name, sub)}
    if own:
        return {**schema, "$defs": own}
    return {k: v for k, v in schema.items() if k != "$defs"}


@dataclass(frozen=True)
class SchemaSet:
    """Every schema file of a folder, by file name (as written by hand), and the layout."""

    folder: Path
    files: dict[str, dict[str, Any]]
    layout: dict[str, Any]  # schema/layout.json

    def record_schema(self, record_type: str) -> dict[str, Any]:
        return self.files[f"{record_type}.schema.json"]

    def file_of(self, uri: str, base: str) -> str:
        """The file a $ref's URI names: an $id, or a file name (as in the schemas of 0.1.0)."""
        if not uri:
            return base
        for name, schema in self.files.items():
            if schema.get("$id") == uri:
                return name
        if uri in self.files:
            return uri
        # A side of a diff may mix files of two versions: a URN names its file too.
        named = uri.removeprefix(ID_PREFIX) + ".schema.json"
        if uri.startswith(ID_PREFIX) and named in self.files:
            return named
        raise KeyError(f"{base}: $ref to {uri!r}, which is none of the schema files")

    def resolve(self, ref: str, base: str) -> tuple[str, dict[str, Any]]:
        """Resolve a $ref written in file ``base``; returns (file it lands in, sub-schema)."""
        uri, _, fragment = ref.partition("#")
        file = self.file_of(uri, base)
        node: Any = self.files[file]
        for part in filter(None, fragment.split("/")):
            node = node[part]
        return file, node


def read_schema_files(folder: Path) -> dict[str, dict[str, Any]]:
    """The schema files of a folder as they are on disk, bundled copies included."""
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.schema.json"))}


@lru_cache(maxsize=8)
def load_schemas(folder: Path | None = None) -> SchemaSet:
    folder = folder or schema_dir()
    files = {name: written_part(schema) for name, schema in read_schema_files(folder).items()}
    layout_file = folder / LAYOUT_FILE
    layout = json.loads(layout_file.read_text(encoding="utf-8")) if layout_file.is_file() else {}
    return SchemaSet(folder, files, layout)


def registry(schemas: SchemaSet):
    """A referencing.Registry holding every schema under its $id."""
    from referencing import Registry, Resource

    pairs = []
    for contents in schemas.files.values():
        resource = Resource.from_contents(contents)
        pairs.append((contents["$id"], resource))
    return Registry().with_resources(pairs)


def record_validator(schemas: SchemaSet, record_type: str):
    """A draft 2020-12 validator for one record type, with format checks on (dates)."""
    from jsonschema import Draft202012Validator

    schema = schemas.record_schema(record_type)
    return Draft202012Validator(
        schema, registry=registry(schemas), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
