"""claimtrail descriptor: regenerates resources, keeps metadata, and explains what it cannot read."""

from __future__ import annotations

import json

from helpers import run_cli


def test_regenerates_hashes_and_keeps_metadata(small_package, capsys):
    path = small_package / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    d["title"] = "A title of our own"
    d["resources"][0]["hash"] = "sha256:" + "0" * 64
    path.write_text(json.dumps(d), encoding="utf-8")
    code, out, _ = run_cli(capsys, "descriptor", str(small_package), "--check")
    assert code == 1 and "out of date" in out
    code, out, _ = run_cli(capsys, "descriptor", str(small_package))
    assert code == 0 and "regenerated" in out
    fresh = json.loads(path.read_text(encoding="utf-8"))
    assert (
        fresh["title"] == "A title of our own" and fresh["resources"][0]["hash"] != d["resources"][0]["hash"]
    )
    assert run_cli(capsys, "descriptor", str(small_package), "--check")[0] == 0


def test_unreadable_inputs_are_named_not_tracebacks(small_package, capsys):
    (small_package / "sources.csv").write_bytes(b"id,path\n\xff\xfe\n")
    code, _, err = run_cli(capsys, "descriptor", str(small_package))
    assert code == 1 and "sources.csv" in err and "UTF-8" in err and "internal error" not in err
    (small_package / "actors.csv").unlink()
    (small_package / "datapackage.json").write_text('{\n  "name": NaN\n}', encoding="utf-8")
    code, _, err = run_cli(capsys, "descriptor", str(small_package))
    assert code == 1 and "datapackage.json:2" in err and "internal error" not in err
