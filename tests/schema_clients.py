"""Independent JSON Schema clients run on the published schema files, as their users run them.

check-jsonschema runs with no option but ``--schemafile`` (the command the README gives), cut
off from the network: in a network namespace of its own when ``unshare`` can make one, and
always with every HTTP(S) proxy set to a closed local port and an empty cache, so that a
schema it would have to fetch fails instead of being read from somewhere. ajv runs through
tests/js/compile_schemas.js (``npm ci --prefix tests/js`` installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import claimtrail
from claimtrail.contract.schemas import RECORD_TYPES

REPO = Path(__file__).resolve().parents[1]
JS = REPO / "tests" / "js"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")
# The bundled data has no tombstone; this one is valid and shaped as the curators write them.
TOMBSTONE = {
    "id": "clm-0007",
    "status": "merged",
    "merged_into": "clm-0003",
    "reason": "The same statement as clm-0003, recorded twice.",
    "version": "0.2.0",
}


def record_files(folder: Path) -> dict[str, Path]:
    """One real record of each type, from the bundled data, as a JSON file: type -> path."""
    ds = claimtrail.load()
    records = {
        "source": ds.sources[0],
        "pointer": ds.pointers[0],
        "actor": ds.actors[0],
        "event": ds.events[0],
        "claim": ds.claims[0],
        "discrepancy": ds.discrepancies[0],
        "uncoded": ds.uncoded[0],
    }
    documents = {rt: r.model_dump(mode="json") for rt, r in records.items()} | {"tombstone": TOMBSTONE}
    assert set(documents) == set(RECORD_TYPES)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for record_type, document in documents.items():
        paths[record_type] = folder / f"{record_type}.json"
        paths[record_type].write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return paths


@cache
def _unshare() -> list[str]:
    """The prefix that runs a command without network, when this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


def offline(command: list[str], cwd: Path, cache_home: Path) -> subprocess.CompletedProcess:
    """Run a command with no way to the network (see the module's docstring)."""
    closed = "http://127.0.0.1:9"
    env = {
        **os.environ,
        "HTTP_PROXY": closed,
        "HTTPS_PROXY": closed,
        "http_proxy": closed,
        "https_proxy": closed,
        "NO_PROXY": "",
        "no_proxy": "",
        "XDG_CACHE_HOME": str(cache_home),
    }
    return subprocess.run(
        [*_unshare(), *command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def check_jsonschema(schema: Path, instance: Path, cache_home: Path) -> subprocess.CompletedProcess:
    """``check-jsonschema --schemafile SCHEMA INSTANCE``, offline; run from the schema's folder."""
    command = [str(CHECK_JSONSCHEMA), "--schemafile", schema.name, str(instance)]
    return offline(command, schema.parent, cache_home)


def check_every_type(
    schema_folder: Path, records: dict[str, Path], cache_home: Path, types=RECORD_TYPES
) -> dict[str, str]:
    """Run check-jsonschema on each record with its type's schema file in schema_folder.

    Returns type -> what it printed, for each type it did not accept (empty: all valid)."""

    def one(record_type: str) -> tuple[str, subprocess.CompletedProcess]:
        schema = schema_folder / f"{record_type}.schema.json"
        return record_type, check_jsonschema(schema, records[record_type], cache_home)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(one, types))
    return {rt: r.stdout + r.stderr for rt, r in results if r.returncode != 0}


def ajv_compile(files: list[Path]) -> subprocess.CompletedProcess:
    """tests/js/compile_schemas.js on the files: Ajv2020 and ajv-formats, default options."""
    return subprocess.run(
        ["node", str(JS / "compile_schemas.js"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def ajv_validate_records(records_json: Path, schema_folder: Path) -> subprocess.CompletedProcess:
    """tests/js/validate_records.js: every record of records.json, with its type's file alone."""
    return subprocess.run(
        ["node", str(JS / "validate_records.js"), str(records_json), str(schema_folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
