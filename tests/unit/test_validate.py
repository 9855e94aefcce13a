"""claimtrail validate: every check breaks a copy of a package and must report file, line, check."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import DATA, REPO, write_descriptor
from helpers import get_cell, read_rows, run_cli, set_cell, tree_digest, write_rows

from claimtrail.validation.validate import validate_package


def problems(root):
    return validate_package(root).sorted_problems()


def only(root, check):
    found = [p for p in problems(root) if p.check == check]
    assert found, (
        f"expected a {check} problem, got {[(p.location, p.check, p.message) for p in problems(root)]}"
    )
    return found


def test_small_package_is_valid(small_package, capsys):
    code, out, _ = run_cli(capsys, "validate", str(small_package))
    assert code == 0, out
    assert out.startswith(f"package: {small_package} (as given)\nvalid:")
    assert "2 sources" in out and "1 claims" in out


def pointer_with(root, words: str) -> str:
    return next(r[0] for r in read_rows(root / "pointers.csv")[1:] if words in r[4])


def test_pointer_shifted_by_one_character_names_file_line_and_check(small_package, capsys):
    pid = pointer_with(small_package, "two locations in Syria")
    start = int(get_cell(small_package, "pointers", pid, "start"))
    end = int(get_cell(small_package, "pointers", pid, "end"))
    line = set_cell(small_package, "pointers", pid, "start", str(start + 1))
    set_cell(small_package, "pointers", pid, "end", str(end + 1))
    write_descriptor(small_package)
    code, out, _ = run_cli(capsys, "validate", str(small_package))
    assert code == 1
    assert f"pointers.csv:{line}:5: pointer-quote: pointer {pid}" in out
    assert f"this quote occurs at {start}-{end}" in out
    assert "invalid: 1 problem" in out


def test_pointer_range_and_reversed_offsets(small_package):
    first = set_cell(small_package, "pointers", pointer_with(small_package, "Kerby"), "end", "999999")
    kirby = pointer_with(small_package, "John Kirby")
    end = get_cell(small_package, "pointers", kirby, "end")
    line = set_cell(small_package, "pointers", kirby, "start", str(int(end) + 5))
    write_descriptor(small_package)
    found = only(small_package, "pointer-range")
    assert {p.line for p in found} == {line, first}
    assert all(p.path == "pointers.csv" and p.field == "start" for p in found)


def test_prefix_and_suffix_must_match(small_package):
    pid = pointer_with(small_package, "Kerby")
    set_cell(small_package, "pointers", pid, "prefix", "spokesperson ")
    set_cell(small_package, "pointers", pid, "suffix", " says")
    write_descriptor(small_package)
    checks = {p.check for p in problems(small_package)}
    assert checks == {"pointer-suffix"}, "the prefix is right, the suffix is not"


def test_quote_with_plain_space_instead_of_no_break_space_is_a_near_miss(small_package):
    pid = next(r[0] for r in read_rows(small_package / "pointers.csv") if "humanitarian" in r[4])
    quote = get_cell(small_package, "pointers", pid, "quote")
    assert "\u00a0" in quote
    set_cell(small_package, "pointers", pid, "quote", quote.replace("\u00a0", " "))
    write_descriptor(small_package)
    [p] = only(small_package, "pointer-quote")
    assert "no-break spaces" in p.fix


def test_curly_quotes_and_dashes_count_as_one_code_point(small_package):
    # "’" (U+2019) is one code point: offsets are Python string offsets, not bytes.
    pid = next(r[0] for r in read_rows(small_package / "pointers.csv") if "’s direction" in r[4])
    start = int(get_cell(small_package, "pointers", pid, "start"))
    end = int(get_cell(small_package, "pointers", pid, "end"))
    assert end - start == len("on President Joe Biden’s direction")
    text = (small_package / "sources" / "000_e9f86ca2c495c89d.txt").read_text(encoding="utf-8")
    assert len(text[:end].encode("utf-8")) == end + 2, "’ is three bytes: byte offsets would be off by two"
    assert validate_package(small_package).valid


def test_content_pointer_in_boilerplate(small_package):
    set_cell(small_package, "event_pointers", "evt-2021-06-27-us-airstrikes", "pointer", "ptr-000-0001")
    write_descriptor(small_package)
    [p] = only(small_package, "pointer-in-boilerplate")
    assert p.path == "event_pointers.csv" and p.field == "pointer" and p.line == 2


def test_dates_earliest_after_latest_and_precision(small_package):
    line = set_cell(small_package, "events", "evt-2021-06-27-us-airstrikes", "date_earliest", "2021-07-01")
    write_descriptor(small_package)
    [p] = only(small_package, "date-order")
    assert (p.path, p.line, p.field) == ("events.csv", line, "date_earliest")
    set_cell(small_package, "events", "evt-2021-06-27-us-airstrikes", "date_earliest", "2021-06-27")
    set_cell(small_package, "events", "evt-2021-06-27-us-airstrikes", "date_precision", "day")
    write_descriptor(small_package)
    assert only(small_package, "date-precision")[0].field == "date_latest"


def test_impossible_date_is_a_type_error(small_package):
    line = set_cell(small_package, "events", "evt-2021-06-27-us-airstrikes", "date_latest", "2021-02-30")
    write_descriptor(small_package)
    [p] = only(small_package, "type-error")
    assert (p.path, p.line, p.field) == ("events.csv", line, "date_latest")


def test_date_without_pointer(small_package):
    set_cell(small_package, "events", "evt-2021-aid-announcement", "date_pointer", "")
    write_descriptor(small_package)
    assert only(small_package, "date-pointer")[0].field == "date_pointer"


def test_casualty_order_and_status(small_package):
    path = small_package / "event_casualties.csv"
    rows = read_rows(path)
    h = rows[0]
    rows[1][h.index("low")], rows[1][h.index("best")], rows[1][h.index("high")] = "5", "3", "9"
    write_rows(path, rows)
    write_descriptor(small_package)
    checks = {p.check: p for p in problems(small_package)}
    assert checks["casualty-order"].field == "low" and checks["casualty-order"].line == 2
    assert "casualty-status" in checks  # figures given while the status says unknown


def test_ids_unique_across_the_package(small_package):
    # An event id that is also an actor id: each table's primary key holds, the package's does not.
    set_cell(small_package, "events", "evt-2021-aid-announcement", "id", "act-joe-biden")
    write_descriptor(small_package)
    checks = {p.check for p in problems(small_package)}
    assert "duplicate-id" in checks


def test_duplicate_id_within_a_table_is_a_primary_key_error(small_package):
    path = small_package / "actors.csv"
    rows = read_rows(path)
    rows.append(list(rows[1]))
    write_rows(path, rows)
    write_descriptor(small_package)
    [p] = only(small_package, "primary-key")
    assert p.path == "actors.csv" and p.line == len(rows)


def test_record_without_pointer(small_package):
    path = small_package / "event_pointers.csv"
    rows = [r for r in read_rows(path) if r[0] != "evt-2021-aid-announcement"]
    write_rows(path, rows)
    write_descriptor(small_package)
    [p] = only(small_package, "record-without-pointer")
    assert p.path == "events.csv" and p.field == "id"


def test_ord_must_number_items_from_one(small_package):
    line = set_cell(small_package, "actor_names", "John Kirby", "ord", "3", key_column="name")
    write_descriptor(small_package)
    [p] = only(small_package, "ord-sequence")
    assert (p.path, p.field) == ("actor_names.csv", "ord") and p.line <= line


def test_dangling_reference_is_a_foreign_key_error(small_package):
    line = set_cell(small_package, "claims", "clm-strikes-necessary", "claimant", "act-nobody")
    write_descriptor(small_package)
    [p] = only(small_package, "foreign-key")
    assert (p.path, p.line) == ("claims.csv", line)


def test_unknown_enum_value(small_package):
    line = set_cell(small_package, "events", "evt-2021-aid-announcement", "type", "picnic")
    write_descriptor(small_package)
    [p] = only(small_package, "constraint-error")
    assert (p.path, p.line, p.field, p.column) == ("events.csv", line, "type", 2)


def test_record_schema_catches_half_filled_optional_object(small_package):
    # Tables allow each said_* cell to be empty; the record schema requires a whole date.
    line = set_cell(small_package, "claims", "clm-strikes-necessary", "said_precision", "day")
    write_descriptor(small_package)
    [p] = only(small_package, "record-schema")
    assert p.path == "claims.csv" and p.line == line and "said" in p.message


def test_physical_lines_count_newlines_inside_cells(small_package):
    # A quote spanning two lines of its source makes its CSV row two lines long.
    text = (small_package / "sources" / "000_e9f86ca2c495c89d.txt").read_text(encoding="utf-8")
    multi = text[text.index("deterrent message,”") : text.index("“As a matter") + 12]
    assert "\n" in multi
    path = small_package / "pointers.csv"
    rows = read_rows(path)
    at = text.index(multi)
    rows.insert(1, ["ptr-000-0000", "src-000", str(at), str(at + len(multi)), multi, "", ""])
    write_rows(path, rows)
    line = set_cell(small_package, "pointers", pointer_with(small_package, "Kerby"), "end", "1")
    write_descriptor(small_package)
    assert line > 3 + multi.count("\n") - 1
    [p] = only(small_package, "pointer-range")
    assert p.line == line == 4 + multi.count("\n")


def test_source_text_changed_after_hashing(small_package):
    target = small_package / "sources" / "000_e9f86ca2c495c89d.txt"
    target.write_bytes(target.read_bytes().replace(b"Kerby", b"Kirby"))
    [p] = only(small_package, "source-hash")
    assert p.path == "sources.csv" and p.field == "sha256" and p.line == 2
    assert "claimtrail fix" in p.fix


def test_source_length_and_bytes(small_package):
    set_cell(small_package, "sources", "src-003", "length", "10")
    write_descriptor(small_package)
    assert only(small_package, "source-length")[0].line == 3


@pytest.mark.parametrize(
    "bad", ["/etc/passwd", "sources/../../outside.txt", "../sources/x.txt", "other/x.txt"]
)
def test_source_path_must_stay_inside_sources(small_package, bad):
    set_cell(small_package, "sources", "src-003", "path", bad)
    write_descriptor(small_package)
    found = [
        p
        for p in problems(small_package)
        if p.check in ("source-path", "descriptor-path", "constraint-error")
    ]
    assert any(p.check == "source-path" and p.path == "sources.csv" and p.line == 3 for p in found)


def test_source_symlink_leading_out_of_the_package(small_package, tmp_path):
    outside = tmp_path / "outside.txt"
    shutil.copy(small_package / "sources" / "003_15c06cd4376757a1.txt", outside)
    link = small_package / "sources" / "003_15c06cd4376757a1.txt"
    link.unlink()
    os.symlink(outside, link)
    checks = {p.check for p in problems(small_package)}
    assert "source-path" in checks and "descriptor-path" in checks


def test_missing_source_file(small_package):
    (small_package / "sources" / "003_15c06cd4376757a1.txt").unlink()
    checks = {(p.check, p.path) for p in problems(small_package)}
    assert ("source-missing", "sources.csv") in checks


def test_descriptor_schema_edited_by_hand(small_package):
    path = small_package / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    events = next(r for r in d["resources"] if r["name"] == "events")
    events["schema"]["fields"][1]["constraints"]["enum"].append("picnic")
    path.write_text(json.dumps(d), encoding="utf-8")
    [p] = only(small_package, "descriptor-schema")
    assert "'events'" in p.message and "claimtrail descriptor" in p.fix


def test_descriptor_dialect_edited_by_hand(small_package):
    path = small_package / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    pointers = next(r for r in d["resources"] if r["name"] == "pointers")
    pointers["dialect"]["lineTerminator"] = "\r\n"
    pointers["dialect"]["commentChar"] = "#"
    path.write_text(json.dumps(d, indent=2), encoding="utf-8")
    [p] = only(small_package, "descriptor-dialect")
    assert "'pointers'" in p.message and "claimtrail descriptor" in p.fix
    assert (p.expected, p.found) == (
        'lineTerminator "\\n", no commentChar',
        'lineTerminator "\\r\\n", commentChar "#"',
    )
    assert p.line == path.read_text(encoding="utf-8").split("\n").index('      "name": "pointers",') + 1


def test_a_source_resource_typed_text_is_not_data_package_v2(small_package):
    path = small_package / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    index = next(i for i, r in enumerate(d["resources"]) if r["name"] == "src-003")
    assert "type" not in d["resources"][index]
    d["resources"][index]["type"] = "text"
    path.write_text(json.dumps(d, indent=2), encoding="utf-8")
    [p] = only(small_package, "descriptor-profile")
    assert "'src-003'" in p.message and "leaves type out" in p.message
    assert p.field == f"resources[{index}].type" and p.found == "text"
    assert {q.check for q in problems(small_package)} == {"descriptor-profile"}


def test_stale_descriptor_hash(small_package):
    set_cell(small_package, "actors", "act-joe-biden", "description", "President.")
    found = only(small_package, "hash-count")
    assert found[0].path == "actors.csv"


def test_malformed_descriptor(small_package, capsys):
    (small_package / "datapackage.json").write_text('{"name": "x",\n "resources": [}', encoding="utf-8")
    code, out, err = run_cli(capsys, "validate", str(small_package))
    assert code == 1 and "datapackage.json:2:" in out and "descriptor-json" in out and not err


def test_not_a_package_is_a_usage_error(tmp_path, capsys):
    code, _out, err = run_cli(capsys, "validate", str(tmp_path))
    assert code == 2 and "no datapackage.json" in err and "Traceback" not in err


def test_json_report(small_package, capsys):
    set_cell(small_package, "events", "evt-2021-aid-announcement", "type", "picnic")
    write_descriptor(small_package)
    code, out, _ = run_cli(capsys, "validate", str(small_package), "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["valid"] is False and report["format_version"] == 1
    [p] = report["problems"]
    assert (
        p["path"] == "events.csv"
        and p["line"] == 3
        and p["field"] == "type"
        and p["check"] == "constraint-error"
    )
    assert report["records"]["event"] == 2 and report["summary"]["problems"] == 1


def test_validation_never_writes(small_package):
    set_cell(small_package, "pointers", pointer_with(small_package, "Kerby"), "start", "1")
    before = tree_digest(small_package)
    mtimes = {p: p.stat().st_mtime_ns for p in small_package.rglob("*")}
    validate_package(small_package)
    assert tree_digest(small_package) == before
    assert {p: p.stat().st_mtime_ns for p in small_package.rglob("*")} == mtimes


def test_the_checkouts_data_is_valid(capsys, monkeypatch):
    monkeypatch.chdir(REPO / "docs")  # any folder of the checkout: data/ is found upward
    code, out, _ = run_cli(capsys, "validate")
    assert code == 0, out
    first, second = out.splitlines()[:2]
    assert first == f"package: {DATA} (the package folder of this checkout)"
    assert second.startswith(f"valid: {DATA}:")


def test_bundled_descriptor_is_generated_from_the_schemas():
    from claimtrail.contract.descriptor import regenerate

    current, fresh = regenerate(DATA)
    assert current == fresh, "data/datapackage.json is stale: run 'claimtrail descriptor data'"


def test_frictionless_alone_validates_the_bundled_package():
    import frictionless

    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])


def test_version_prints_the_installed_version_and_help_does_not_look_it_up(capsys):
    from importlib.metadata import version

    import claimtrail

    assert run_cli(capsys, "--version") == (0, f"claimtrail {version('claimtrail')}\n", "")
    assert claimtrail.__version__ == version("claimtrail")
    # Building the parser (every command) leaves the version alone: looked up when asked for.
    code = "import sys; from claimtrail.cli import _parser; _parser(); print('importlib.metadata' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "False\n"
