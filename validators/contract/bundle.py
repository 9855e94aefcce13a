"""Self-contained schema files: every schema a file refers to, embedded in it (bundling).

The schema files refer to each other by ``$id``, a URN (``urn:claimtrail:schema:1:common``)
that no client can fetch. So that one file is enough for any validator, offline and with no
option (``check-jsonschema --schemafile schema/claim.schema.json record.json``, ajv's
``compile``), each file that refers to others also holds them, whole and under their own
``$id``, in ``$defs`` keyed by that ``$id``: a compound schema document as draft 2020-12
describes it (section 9.3, bundling). Those copies are generated; schemas.load_schemas drops
them on reading, so each definition is still written once, in its own file:

    python -m claimtrail.contract.bundle            # rewrite the schema files of schema/
    python -m claimtrail.contract.bundle --check    # exit 1 when one is not what it would be
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from claimtrail.contract.generated_file import update
from claimtrail.contract.schemas import SchemaSet, load_schemas

REMEDY = "python -m claimtrail.contract.bundle"


def _refs(node: Any) -> list[str]:
    """Every $ref in a schema, in document order."""
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    if not isinstance(node, dict):
        return []
    own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
    return own + [ref for key, value in node.items() if key != "$ref" for ref in _refs(value)]


def referenced(schemas: SchemaSet, file: str) -> list[str]:
    """The other files ``file`` refers to, directly or through them, in order of first use."""
    found: list[str] = []
    todo = [file]
    while todo:
        current = todo.pop(0)
        for ref in _refs(schemas.files[current]):
            target = schemas.file_of(ref.partition("#")[0], current)
            if target != file and target not in found:
                found.append(target)
                todo.append(target)
    return found


def bundled(schemas: SchemaSet, file: str) -> dict[str, Any]:
    """The file as written, plus every file it refers to under ``$defs`` (keyed by $id)."""
    schema = schemas.files[file]
    others = referenced(schemas, file)
    if not others:
        return schema
    embedded: dict[str, Any] = {}
    for other in others:
        copy = dict(schemas.files[other])
        uri = copy["$id"]
        # The dialect is the document's; an embedded resource names it only when it differs.
        if copy.get("$schema") == schema.get("$schema"):
            del copy["$schema"]
        embedded[uri] = {
            "$id": uri,
            "$comment": f"A copy of {other}, embedded by `{REMEDY}`: edit {other}, not this copy.",
            **{k: v for k, v in copy.items() if k != "$id"},
        }
    return {**schema, "$defs": {**schema.get("$defs", {}), **embedded}}


def render(schema: dict[str, Any]) -> str:
    """A schema file's text: two-space indents, UTF-8 characters as they are, a final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def bundled_files(schemas: SchemaSet) -> dict[str, str]:
    """File name -> text of every schema file, each self-contained."""
    return {name: render(bundled(schemas, name)) for name in schemas.files}


def main(argv: list[str] | None = None) -> int:
    from claimtrail.contract.codegen import default_schema_dir

    parser = argparse.ArgumentParser(
        prog=f"{REMEDY}",
        description="Embed in each schema file the schemas it refers to, so that it is self-contained.",
    )
    parser.add_argument(
        "--schema",
        type=Path,
        default=None,
        help="folder of *.schema.json (default: the repository's schema/)",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a file is not what would be written"
    )
    args = parser.parse_args(argv)
    folder = (args.schema or default_schema_dir() or load_schemas().folder).resolve()
    schemas = load_schemas.__wrapped__(folder)
    code = 0
    for name, text in bundled_files(schemas).items():
        current = (folder / name).read_text(encoding="utf-8")
        code = max(code, update(folder / name, current, text, args.check, REMEDY))
    return code


if __name__ == "__main__":
    sys.exit(main())
