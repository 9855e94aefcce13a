"""The schema files as their users take them: ajv 8 and check-jsonschema, offline, no options.

Each file in schema/ is self-contained (contract/bundle.py embeds what it refers to), its $id
is a URN that names and locates nothing, and the layout annotations live in schema/layout.json,
so that strict validators accept the files as they are. The wheel's and the release zip's
copies are checked in test_wheel.py and test_release.py with the same clients.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, SCHEMA
from schema_clients import (
    CHECK_JSONSCHEMA,
    JS,
    ajv_compile,
    check_every_type,
    check_jsonschema,
    offline,
    record_files,
)

from claimtrail.contract.bundle import bundled_files, main, referenced
from claimtrail.contract.layout import build_layout
from claimtrail.contract.schemas import ID_PREFIX, RECORD_TYPES, SchemaSet, load_schemas, schema_id

SCHEMAS = load_schemas(SCHEMA)
FILES = sorted(SCHEMA.glob("*.schema.json"))
README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> dict[str, Path]:
    return record_files(tmp_path_factory.mktemp("records"))


def test_ajv_compiles_every_schema_file_with_default_options():
    result = ajv_compile(FILES)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [f"ok {f}" for f in FILES]


def test_ajv_refuses_an_unknown_keyword(tmp_path):
    """The check can fail: a non-standard annotation like the former x-table is refused."""
    schema = json.loads((SCHEMA / "uncoded.schema.json").read_text(encoding="utf-8"))
    schema["x-table"] = "uncoded"
    path = tmp_path / "uncoded.schema.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    result = ajv_compile([path])
    assert result.returncode == 1
    assert 'strict mode: unknown keyword: "x-table"' in result.stdout


def test_check_jsonschema_validates_a_record_of_each_type_offline(records, tmp_path):
    assert check_every_type(SCHEMA, records, tmp_path) == {}


def test_the_offline_runner_cannot_fetch_a_schema(records, tmp_path):
    """What the checks above run under: a schema that needs a download fails to load."""
    schema = tmp_path / "remote.schema.json"
    schema.write_text(json.dumps({"$ref": "https://example.org/schema/remote.json"}), encoding="utf-8")
    result = check_jsonschema(schema, records["claim"], tmp_path)
    assert result.returncode != 0
    assert "Unretrievable: 'https://example.org/schema/remote.json'" in result.stdout + result.stderr


def test_check_jsonschema_rejects_a_broken_record(records, tmp_path):
    claim = json.loads(records["claim"].read_text(encoding="utf-8"))
    claim["stance"] = "maybe"
    claim["attributions"][0]["pointer"]["start"] = -1  # inside the embedded pointer schema
    broken = tmp_path / "broken-claim.json"
    broken.write_text(json.dumps(claim), encoding="utf-8")
    result = check_jsonschema(SCHEMA / "claim.schema.json", broken, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "$.stance: 'maybe' is not one of" in result.stdout
    assert "$.attributions[0].pointer.start: -1 is less than the minimum of 0" in result.stdout


def _readme_block(language: str, containing: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)
    [block] = [b for b in blocks if containing in b]
    return block


def test_the_readme_check_jsonschema_command_works_as_written(records, tmp_path):
    prompt, expected = _readme_block("console", "check-jsonschema").strip().splitlines()
    command = shlex.split(prompt.removeprefix("$ "))
    assert command[0] == "check-jsonschema" and len(command) == 4, "no option but --schemafile"
    shutil.copytree(SCHEMA, tmp_path / "schema")
    shutil.copy(records["claim"], tmp_path / "claim.json")
    result = offline([str(CHECK_JSONSCHEMA), *command[1:]], tmp_path, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == expected


def test_the_readme_ajv_example_runs_as_written(records, tmp_path):
    (tmp_path / "example.js").write_text(_readme_block("js", "Ajv2020"), encoding="utf-8")
    shutil.copytree(SCHEMA, tmp_path / "schema")
    shutil.copy(records["claim"], tmp_path / "claim.json")
    env = {**os.environ, "NODE_PATH": str(JS / "node_modules")}
    result = subprocess.run(
        ["node", "example.js"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout) == (0, "valid\n"), result.stderr


def test_the_schema_files_are_bundled_and_up_to_date():
    assert main(["--schema", str(SCHEMA), "--check"]) == 0, "run `python -m claimtrail.contract.bundle`"
    for name, text in bundled_files(SCHEMAS).items():
        assert (SCHEMA / name).read_text(encoding="utf-8") == text, name


def test_each_file_embeds_exactly_the_schemas_it_refers_to():
    for path in FILES:
        on_disk = json.loads(path.read_text(encoding="utf-8"))
        embedded = {k for k, v in on_disk.get("$defs", {}).items() if isinstance(v, dict) and "$id" in v}
        assert embedded == {schema_id(f) for f in referenced(SCHEMAS, path.name)}, path.name
        for uri in embedded:
            copy_ = {k: v for k, v in on_disk["$defs"][uri].items() if k != "$comment"}
            original = {
                k: v for k, v in SCHEMAS.files[SCHEMAS.file_of(uri, path.name)].items() if k != "$schema"
            }
            assert copy_ == original, (path.name, uri)
    assert referenced(SCHEMAS, "claim.schema.json") == ["common.schema.json", "pointer.schema.json"]


def _walk(node, where: str):
    if isinstance(node, dict):
        for key, value in node.items():
            yield where, key, value
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{where}/{i}")


def test_ids_are_names_not_locations_and_every_ref_resolves_inside_the_set():
    for name, schema in SCHEMAS.files.items():
        assert schema["$id"] == schema_id(name) == ID_PREFIX + name.removesuffix(".schema.json")
        for where, key, value in _walk(schema, name):
            assert not key.startswith("x-"), f"{where}: {key} (layout annotations go in layout.json)"
            if key == "$ref":
                uri = value.partition("#")[0]
                assert uri == "" or uri.startswith(ID_PREFIX), f"{where}: $ref {value}"
                SCHEMAS.resolve(value, name)  # raises when it lands nowhere
            if key == "$id":
                assert value.startswith(ID_PREFIX), f"{where}: $id {value}"


def test_a_stale_embedded_copy_is_reported_and_regenerated(tmp_path, capsys):
    folder = tmp_path / "schema"
    shutil.copytree(SCHEMA, folder)
    common = json.loads((folder / "common.schema.json").read_text(encoding="utf-8"))
    common["$defs"]["text"]["description"] = "Changed."
    (folder / "common.schema.json").write_text(json.dumps(common, indent=2), encoding="utf-8")
    assert main(["--schema", str(folder), "--check"]) == 1
    assert (
        "claim.schema.json: out of date; run 'python -m claimtrail.contract.bundle'"
        in capsys.readouterr().out
    )
    assert main(["--schema", str(folder)]) == 0
    assert main(["--schema", str(folder), "--check"]) == 0
    claim = json.loads((folder / "claim.schema.json").read_text(encoding="utf-8"))
    assert claim["$defs"][schema_id("common.schema.json")]["$defs"]["text"]["description"] == "Changed."
    assert load_schemas.__wrapped__(folder).files["claim.schema.json"] == SCHEMAS.files["claim.schema.json"]


# -- schema/layout.json: the one place the tables are named ---------------------------------


def _with_layout(change) -> SchemaSet:
    layout = copy.deepcopy(SCHEMAS.layout)
    change(layout)
    return SchemaSet(SCHEMAS.folder, SCHEMAS.files, layout)


def test_the_layout_names_every_table_from_layout_json():
    layout = build_layout.__wrapped__(SCHEMAS)
    named = {entry["table"] for entry in SCHEMAS.layout.values() if isinstance(entry, dict)}
    named |= {
        t
        for entry in SCHEMAS.layout.values()
        if isinstance(entry, dict)
        for t in entry.get("tables", {}).values()
    }
    assert {t.name for t in layout.tables} == named
    assert set(SCHEMAS.layout) - {"$comment"} == set(RECORD_TYPES)
    attributions = layout.table("claim_attributions")
    assert attributions.column("reported_by").references == "actors"
    assert layout.table("claim_events").column("event").references == "events"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda lay: lay["claim"]["references"].update(claimantt="actors"), "claim: references: 'claimantt'"),
        (lambda lay: lay["claim"]["tables"].pop("attributions"), "claim: no table for the list attributions"),
        (
            lambda lay: lay["event"].setdefault("columns", {}).update(pointers="ptr"),
            "event: columns: 'pointers'",
        ),
        (lambda lay: lay.pop("uncoded"), "no table for record type 'uncoded'"),
    ],
    ids=["misspelt-path", "array-without-table", "column-of-a-pointer-list", "type-without-table"],
)
def test_a_wrong_layout_json_is_an_error_naming_the_entry(change, message):
    with pytest.raises(ValueError, match=r"layout\.json") as error:
        build_layout.__wrapped__(_with_layout(change))
    assert message in str(error.value)
