"""claimtrail diff: records added, removed and changed by id, schema changes, and the bump."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from release_package import METADATA, records, write_package

from claimtrail.cli import main
from claimtrail.contract.descriptor import build_descriptor
from claimtrail.contract.schemas import ID_PREFIX, load_schemas
from claimtrail.publish.diff import bumped, declared_bump, diff_paths, schema_changes, version_bump
from claimtrail.publish.release import build_release, zip_name


def edited(recs: dict, *, drop_claim: str | None = None, content: str | None = None) -> dict:
    recs = copy.deepcopy(recs)
    if drop_claim:
        gone = next(c for c in recs["claim"] if c["id"] == drop_claim)
        recs["claim"].remove(gone)
        # Its pointer stays a record of its own, so that only the claim is removed.
        recs["pointer"] = [a["pointer"] for a in gone["attributions"]]
    if content:
        next(c for c in recs["claim"] if c["id"] == "clm-necessary")["content"] = content
    return recs


@pytest.fixture
def pair(tmp_path) -> tuple[Path, Path]:
    old = write_package(tmp_path / "old")
    new = write_package(
        tmp_path / "new",
        edited(records(), drop_claim="clm-respond", content="The strikes were necessary."),
        {**METADATA, "version": "1.2.4"},
    )
    return old, new


def test_a_changed_and_a_removed_record_are_reported_with_the_bump(pair, capsys):
    old, new = pair
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "claim: 1 removed, 1 changed" in out
    assert "- clm-respond (no tombstone)" in out
    assert (
        '~ clm-necessary\n        /content: "The strikes were necessary and limited." -> "The strikes were necessary."'
        in out
    )
    assert "schema: no changes" in out
    assert (
        "required bump: major; declared: patch (1.2.3 -> 1.2.4): not enough, the next version should be 2.0.0"
        in out
    )


def test_the_json_report_says_the_same(pair, capsys):
    old, new = pair
    assert main(["diff", str(old), str(new), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    claims = report["records"]["claim"]
    assert claims["added"] == []
    assert claims["removed"] == [{"id": "clm-respond", "tombstone": None}]
    assert claims["changed"] == [
        {
            "id": "clm-necessary",
            "fields": [
                {
                    "path": "/content",
                    "old": "The strikes were necessary and limited.",
                    "new": "The strikes were necessary.",
                    "change": "changed",
                }
            ],
        }
    ]
    assert report["records"]["event"] == {"added": [], "removed": [], "changed": []}
    assert report["bump"]["required"] == "major" and report["bump"]["declared"] == "patch"
    assert report["bump"]["next_version"] == "2.0.0"
    assert report["bump"]["reasons"][0] == "major: claim removed without a tombstone: clm-respond"


def test_a_removal_covered_by_a_tombstone_is_minor(tmp_path):
    old = write_package(tmp_path / "old")
    recs = edited(records(), drop_claim="clm-respond")
    recs["tombstone"] = [
        {
            "id": "clm-respond",
            "status": "merged",
            "merged_into": "clm-necessary",
            "reason": "The same statement.",
            "version": "1.3.0",
        }
    ]
    new = write_package(tmp_path / "new", recs, {**METADATA, "version": "1.3.0"})
    diff = diff_paths(old, new)
    assert diff.bump == "minor"
    assert diff.records["claim"].removed[0]["tombstone"]["merged_into"] == "clm-necessary"
    assert diff.records["tombstone"].added == ["clm-respond"]
    assert diff.declared == "minor" and diff.next_version() == "1.3.0"


def test_corrections_only_are_a_patch_and_nothing_is_none(tmp_path):
    old = write_package(tmp_path / "old")
    same = write_package(tmp_path / "same")
    fixed = write_package(tmp_path / "fixed", edited(records(), content="The strikes were necessary."))
    assert diff_paths(old, same).bump == "none"
    assert diff_paths(old, fixed).bump == "patch"


def test_release_zips_compare_like_their_folders(pair, tmp_path):
    old, new = pair
    build_release(old, tmp_path / "dist-old", python_dist=False)
    build_release(new, tmp_path / "dist-new", python_dist=False)
    zipped = diff_paths(tmp_path / "dist-old" / zip_name("1.2.3"), tmp_path / "dist-new" / zip_name("1.2.4"))
    folders = diff_paths(old, new)
    assert (
        zipped.records == folders.records and zipped.schema == folders.schema and zipped.bump == folders.bump
    )


def _as_in_0_1_0(node, name=None):
    """A schema as release 0.1.0 wrote it: an https $id, $refs by file name, x- annotations."""
    if isinstance(node, list):
        return [_as_in_0_1_0(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _as_in_0_1_0(v) for k, v in node.items()}
    if str(out.get("$ref", "")).startswith(ID_PREFIX):
        uri, hash_, fragment = out["$ref"].partition("#")
        out["$ref"] = uri.removeprefix(ID_PREFIX) + ".schema.json" + hash_ + fragment
    if name is not None:
        out["$id"] = f"https://claimtrail.org/schema/1/{name}"
        out["x-table"] = "read-from-layout-json-no-more"
    return out


def test_a_side_with_the_schema_files_of_0_1_0_is_read(pair, capsys):
    """Its schema/ has no layout.json: it is read with the current table names."""
    old, new = pair
    (old / "schema").mkdir()
    for name, schema in load_schemas().files.items():
        text = json.dumps(_as_in_0_1_0(schema, name), indent=2)
        (old / "schema" / name).write_text(text, encoding="utf-8")
    assert "urn:" not in (old / "schema" / "claim.schema.json").read_text(encoding="utf-8")
    assert main(["diff", str(old), str(new)]) == 0
    assert "schema: no changes" in capsys.readouterr().out


def test_the_changelog_draft(pair, capsys):
    old, new = pair
    assert main(["diff", str(old), str(new), "--changelog"]) == 0
    draft = capsys.readouterr().out
    assert draft.startswith("## [2.0.0] - YYYY-MM-DD\n")
    assert "### Removed\n- claim `clm-respond` (no tombstone" in draft
    assert "### Fixed\n- claim `clm-necessary`: content." in draft


def test_unreadable_inputs_are_usage_errors(tmp_path, capsys):
    assert main(["diff", str(tmp_path / "nowhere"), str(tmp_path)]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    (tmp_path / "not.zip").write_bytes(b"not a zip")
    assert main(["diff", str(tmp_path / "not.zip"), str(tmp_path)]) == 2
    assert "not a readable release zip" in capsys.readouterr().err


# -- schema changes between descriptors -----------------------------------------------------


@pytest.fixture
def descriptor(tmp_path) -> dict:
    return build_descriptor(write_package(tmp_path / "pkg"), METADATA)


def table(descriptor: dict, name: str) -> dict:
    return next(r["schema"] for r in descriptor["resources"] if r["name"] == name)


def field(descriptor: dict, table_name: str, name: str) -> dict:
    return next(f for f in table(descriptor, table_name)["fields"] if f["name"] == name)


def kinds(changes) -> list[tuple[str, str, str | None, str]]:
    return [(c.kind, c.table, c.field, c.bump) for c in changes]


def test_schema_breaks_are_major(descriptor):
    new = copy.deepcopy(descriptor)
    table(new, "actors")["fields"] = [f for f in table(new, "actors")["fields"] if f["name"] != "description"]
    field(new, "claims", "stance")["constraints"]["enum"].remove("hedges")
    field(new, "events", "parent").setdefault("constraints", {})["required"] = True
    new["resources"] = [r for r in new["resources"] if r["name"] != "uncoded"]
    changes = schema_changes(descriptor, new)
    assert kinds(changes) == [
        ("table-removed", "uncoded", None, "major"),
        ("field-removed", "actors", "description", "major"),
        ("field-changed", "claims", "stance", "major"),
        ("field-changed", "events", "parent", "major"),
    ]
    assert changes[2].detail == "values removed: hedges"


def test_additions_and_relaxations_are_minor_and_rewording_a_patch(descriptor):
    new = copy.deepcopy(descriptor)
    table(new, "actors")["fields"].append({"name": "wikidata", "type": "string"})
    field(new, "claims", "stance")["constraints"]["enum"].append("retracts")
    del field(new, "claims", "content")["constraints"]["required"]
    field(new, "events", "summary")["description"] = "What happened, in the curators' words."
    assert kinds(schema_changes(descriptor, new)) == [
        ("field-added", "actors", "wikidata", "minor"),
        ("field-changed", "claims", "content", "minor"),
        ("field-changed", "claims", "stance", "minor"),
        ("field-changed", "events", "summary", "patch"),
    ]


def test_reordered_fields_break_positional_readers(descriptor):
    new = copy.deepcopy(descriptor)
    fields = table(new, "actors")["fields"]
    fields[1], fields[2] = fields[2], fields[1]
    assert kinds(schema_changes(descriptor, new)) == [("field-order", "actors", None, "major")]


def test_declared_bumps_and_next_versions():
    assert declared_bump("1.2.3", "2.0.0") == "major"
    assert declared_bump("1.2.3", "1.3.0") == "minor"
    assert declared_bump("1.2.3", "1.2.4") == "patch"
    assert declared_bump("1.2.3", "1.2.3") == "none"
    assert declared_bump("1.2.3", "1.2.2") == "downgrade"
    assert declared_bump("1.2", "1.3.0") is None
    assert [bumped("1.2.3", b) for b in ("major", "minor", "patch", "none")] == [
        "2.0.0",
        "1.3.0",
        "1.2.4",
        "1.2.3",
    ]


def test_before_1_0_0_a_major_change_needs_the_minor_bump():
    assert version_bump("major", "0.1.0") == "minor"
    assert version_bump("major", "1.1.0") == "major"
    assert version_bump("patch", "0.1.0") == "patch"
    assert version_bump("major", None) == "major"


def test_a_major_change_of_a_0_x_package_is_enough_with_the_minor_bump(pair, capsys):
    old, new = pair
    assert main(["diff", str(old), str(new), "--check"]) == 1
    assert "2.0.0" in capsys.readouterr().err  # the pair is 1.2.3 -> 1.2.4, a release after 1.0.0
    for root, version in ((old, "0.2.3"), (new, "0.3.0")):
        path = root / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        descriptor["version"] = version
        path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    code = main(["diff", str(old), str(new), "--check"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "required bump: major (minor before 1.0.0); declared: minor (0.2.3 -> 0.3.0)" in out
