"""claimtrail descriptor: regenerates resources, keeps metadata, and explains what it cannot read."""

from __future__ import annotations

import json

from helpers import read_rows, run_cli, write_rows


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


def test_a_size_that_is_not_a_number_is_written_as_given_and_reported(small_package, capsys):
    # "²" passes str.isdigit(); int() does not read it.
    rows = read_rows(small_package / "sources.csv")
    rows[1][rows[0].index("bytes")] = "²"
    text = rows[1][rows[0].index("path")]
    write_rows(small_package / "sources.csv", rows)
    code, _, err = run_cli(capsys, "descriptor", str(small_package))
    assert code == 0, err
    descriptor = json.loads((small_package / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["path"] == text)
    assert resource["bytes"] == "²"
    code, out, _ = run_cli(capsys, "validate", str(small_package))
    assert code == 1 and "source-bytes" in out
