"""Retired ids: a tombstone points at a live record of its type, and no live record reuses it."""

from __future__ import annotations

from pathlib import Path

from release_package import records, write_package

from claimtrail.cli import main
from claimtrail.validation.validate import validate_package


def tombstone(rid: str, status: str = "withdrawn", merged_into: str | None = None) -> dict:
    return {
        "id": rid,
        "status": status,
        "merged_into": merged_into,
        "reason": "Duplicate of another record.",
        "version": "1.2.0",
    }


def package_with(tmp_path: Path, *tombstones: dict) -> Path:
    recs = records()
    recs["tombstone"] = list(tombstones)
    return write_package(tmp_path / "pkg", recs)


def problems(root: Path) -> list:
    return validate_package(root).sorted_problems()


def test_valid_tombstones_pass(tmp_path):
    root = package_with(tmp_path, tombstone("clm-old", "merged", "clm-necessary"), tombstone("evt-gone"))
    assert problems(root) == []


def test_a_tombstone_merged_into_a_missing_record_fails_with_file_and_line(tmp_path, capsys):
    root = package_with(
        tmp_path,
        tombstone("clm-old", "merged", "clm-necessary"),
        tombstone("clm-older", "merged", "clm-nowhere"),
    )
    found = problems(root)
    assert [(p.path, p.line, p.check, p.field) for p in found] == [
        ("tombstones.csv", 3, "tombstone-target", "merged_into")
    ]
    assert main(["validate", str(root)]) == 1
    out = capsys.readouterr().out
    assert "tombstones.csv:3:3: tombstone-target: tombstone clm-older: merged_into clm-nowhere" in out


def test_a_retired_id_still_carried_by_a_live_record_fails(tmp_path):
    root = package_with(tmp_path, tombstone("clm-necessary"))
    found = problems(root)
    assert [(p.path, p.line, p.check, p.field) for p in found] == [
        ("tombstones.csv", 2, "tombstone-live", "id")
    ]


def test_merged_needs_a_target_and_withdrawn_has_none(tmp_path):
    root = package_with(
        tmp_path, tombstone("clm-a", "merged", None), tombstone("clm-b", "withdrawn", "clm-necessary")
    )
    assert [(p.line, p.check) for p in problems(root)] == [(2, "tombstone-target"), (3, "tombstone-target")]


def test_a_merge_target_is_live_and_of_the_same_type(tmp_path):
    root = package_with(
        tmp_path, tombstone("clm-a", "merged", "evt-strikes"), tombstone("clm-b", "merged", "clm-a")
    )
    messages = [p.message for p in problems(root)]
    assert len(messages) == 2
    assert "a record merges into one of its own type" in messages[0]
    assert "is itself retired" in messages[1]
