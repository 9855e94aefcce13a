"""The JSON Schemas in schema/: loading them, resolving their $refs, building validators.

They are the one definition of the records. The table layout (layout.py), the Data Package
descriptor (descriptor.py), the pydantic models (codegen.py) and the data dictionary are all
derived from them.
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


@dataclass(frozen=True)
class SchemaSet:
    """Every schema file of a folder, by file name."""

    folder: Path
    files: dict[str, dict[str, Any]]

    def record_schema(self, record_type: str) -> dict[str, Any]:
        return self.files[f"{record_type}.schema.json"]

    def resolve(self, ref: str, base: str) -> tuple[str, dict[str, Any]]:
        """Resolve a $ref written in file ``base``; returns (file it lands in, sub-schema)."""
        file, _, fragment = ref.partition("#")
        file = file or base
        node: Any = self.files[file]
        for part in filter(None, fragment.split("/")):
            node = node[part]
        return file, node


@lru_cache(maxsize=8)
def load_schemas(folder: Path | None = None) -> SchemaSet:
    folder = folder or schema_dir()
    files = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.schema.json"))}
    return SchemaSet(folder, files)


def registry(schemas: SchemaSet):
    """A referencing.Registry holding every schema under its $id and its file name."""
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
