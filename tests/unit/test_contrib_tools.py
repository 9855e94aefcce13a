"""The curator tools: claimtrail locate, add-source and fix, on packages built in tmp_path."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import DATA, REPO, SOURCE_000, SOURCE_003, write_descriptor
from helpers import get_cell, read_rows, set_cell, write_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bad_input import snapshot

from claimtrail.cli import _parser, main
from claimtrail.package.locate import locate, near_miss

TEXT_000 = (DATA / "sources" / SOURCE_000).read_text(encoding="utf-8")


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def validate(capsys, root: Path) -> tuple[int, str]:
    code, out, _ = run(capsys, "validate", root)
    return code, out


# -- locate ---------------------------------------------------------------------------------


def test_locate_prints_offsets_context_and_a_pointer_row(small_package, capsys):
    before = snapshot(small_package)
    code, out, err = run(capsys, "locate", "src-003", "John Kirby", "--package", small_package)
    assert code == 0, err
    text = (small_package / "sources" / SOURCE_003).read_text(encoding="utf-8")
    start = text.index("John Kirby")
    assert (
        f"start={start} end={start + 10} prefix={text[start - 20 : start]!r} suffix={text[start + 10 : start + 30]!r}"
        in out
    )
    # ptr-003-0003 exists in the small package; the next free id is suggested.
    assert f"pointers.csv row: ptr-003-0013,src-003,{start},{start + 10},John Kirby,," in out
    assert snapshot(small_package) == before


def test_locate_lists_every_match_one_per_line(small_package, capsys):
    code, out, _ = run(capsys, "locate", "src-000", "Pentagon", "--package", small_package)
    assert code == 0
    starts = [i for i in range(len(TEXT_000)) if TEXT_000.startswith("Pentagon", i)]
    lines = [ln for ln in out.splitlines() if ln.startswith("start=")]
    assert [int(ln.split()[0].removeprefix("start=")) for ln in lines] == starts == [135, 387, 546]
    assert "more than once" in out and "pointers.csv row" not in out


def test_locate_straight_apostrophe_shows_the_curly_one(small_package, capsys):
    code, out, _ = run(capsys, "locate", "src-000", "Joe Biden's direction", "--package", small_package)
    assert code == 1
    at = TEXT_000.index("Joe Biden’s direction")
    assert "not found" in out
    assert (
        f"nearest: start={at} end={at + 21} 'Joe Biden’s direction' (differs only in straight vs curly quotes)"
        in out
    )
    assert (
        f"U+0027 APOSTROPHE) where the text has '’' (U+2019 RIGHT SINGLE QUOTATION MARK) at {at + 9}" in out
    )


def test_locate_plain_space_shows_the_no_break_space(small_package, capsys):
    code, out, _ = run(
        capsys, "locate", "src-003", "additional humanitarian assistance", "--package", small_package
    )
    assert code == 1
    assert "differs only in no-break spaces" in out and "U+00A0 NO-BREAK SPACE" in out


def test_locate_in_a_text_file_with_nfd_dash_and_case_near_misses(tmp_path, capsys):
    path = tmp_path / "note.txt"
    path.write_text("Caf\u00e9 \u2013 the MINISTRY said\u2026 it was \u201cdone\u201d.\n", encoding="utf-8")
    code, out, _ = run(capsys, "locate", path, unicodedata.normalize("NFD", "Caf\u00e9"))
    assert code == 1 and "start=0 end=4" in out and "the quote is NFD, the text is NFC" in out
    code, out, _ = run(capsys, "locate", path, "Caf\u00e9 - the")
    assert code == 1 and "dashes" in out and "U+2013 EN DASH" in out
    code, out, _ = run(capsys, "locate", path, "the ministry said")
    assert code == 1 and "letter case" in out and "start=7 end=24" in out
    code, out, _ = run(capsys, "locate", path, 'said... it was "done"')
    assert code == 1 and "ellipsis" in out and "straight vs curly quotes" in out
    code, out, _ = run(capsys, "locate", path, "MINISTRY said")
    assert code == 0 and "start=11 end=24" in out and "pointers.csv row" not in out


def test_locate_typo_shows_the_closest_text(small_package, capsys):
    code, out, _ = run(capsys, "locate", "src-000", "Pentagon spokesman", "--package", small_package)
    assert code == 1
    assert "nearest: start=546 end=567 'Pentagon spokesperson' (closest text" in out


def test_locate_nothing_close(small_package, capsys):
    code, out, _ = run(
        capsys, "locate", "src-000", "a sentence from another article entirely", "--package", small_package
    )
    assert code == 1 and "no near miss either" in out


def test_locate_unknown_source_is_a_usage_error(small_package, capsys):
    code, out, err = run(capsys, "locate", "src-030", "words", "--package", small_package)
    assert code == 2 and out == ""
    assert "src-030: neither a source id" in err and "did you mean src-003" in err


def test_locate_reads_words_from_stdin(small_package, capsys, monkeypatch):
    monkeypatch.setattr(
        "sys.stdin", io.StringIO("Syria and one\nin Iraq\n")
    )  # the text has a space, not a line end
    code, out, _ = run(capsys, "locate", "src-000", "-", "--package", small_package)
    assert code == 1 and "differs only in spaces" in out and "U+000A LINE FEED" in out


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(TEXT_000) - 1), st.integers(1, 60))
def test_locate_offsets_slice_the_text_to_the_words(start, size):
    words = TEXT_000[start : start + size]
    found = locate(TEXT_000, words)
    assert found.matches, words
    assert all(TEXT_000[m.start : m.end] == words for m in found.matches)
    assert start in [m.start for m in found.matches]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(TEXT_000) - 41), st.integers(5, 40))
def test_near_miss_of_a_retyped_quote_points_at_the_original(start, size):
    original = TEXT_000[start : start + size]
    # What a keyboard gives: straight quotes, hyphens, plain spaces.
    retyped = original.translate(
        str.maketrans({"’": "'", "“": '"', "”": '"', "—": "-", "\u00a0": " ", "\n": " "})
    )
    if retyped == original or retyped in TEXT_000:
        return
    near = near_miss(TEXT_000, retyped)
    assert near is not None and near.kind == "lookalike"
    assert TEXT_000[near.start : near.end] == near.found
    assert (
        unicodedata.normalize("NFKC", near.found)
        .replace("\n", " ")
        .translate(str.maketrans({"’": "'", "“": '"', "”": '"', "—": "-"}))
        .split()
        == retyped.split()
    )


# -- add-source -----------------------------------------------------------------------------


def new_text(tmp_path: Path, name: str = "wire_2021-06-29.txt", text: str | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(
        (text or "Officials said on Tuesday that the strikes hit \u201cthree facilities\u201d.\n").encode(
            "utf-8"
        )
    )
    return path


def test_add_source_copies_the_bytes_adds_the_row_and_regenerates_the_descriptor(
    small_package, tmp_path, capsys
):
    file = new_text(tmp_path)
    data = file.read_bytes()
    code, out, err = run(capsys, "add-source", file, "--package", small_package)
    assert code == 0, err
    target = small_package / "sources" / file.name
    assert target.read_bytes() == data
    rows = read_rows(small_package / "sources.csv")
    header, row = rows[0], dict(zip(rows[0], rows[-1]))
    assert row["id"] == "src-004" and row["path"] == f"sources/{file.name}"
    assert row["sha256"] == hashlib.sha256(data).hexdigest()
    assert row["bytes"] == str(len(data)) and row["length"] == str(len(data.decode("utf-8")))
    assert (row["publisher_basis"], row["published_basis"], row["language"]) == ("unknown", "unknown", "en")
    assert len(rows[-1]) == len(header)
    descriptor = json.loads((small_package / "datapackage.json").read_text(encoding="utf-8"))
    assert any(
        r["name"] == "src-004" and r["hash"] == f"sha256:{row['sha256']}" for r in descriptor["resources"]
    )
    assert f"added src-004 to {small_package / 'sources.csv'} line 4" in out
    assert "claimtrail locate src-004" in out and "publisher_name" in out
    assert validate(capsys, small_package)[0] == 0


def test_add_source_flags_fill_the_row(small_package, tmp_path, capsys):
    code, _, err = run(
        capsys,
        "add-source",
        new_text(tmp_path),
        "--package",
        small_package,
        "--id",
        "src-wire-1",
        "--publisher",
        "Wire Service",
        "--published",
        "2021-06-29",
        "--language",
        "fr",
        "--headline",
        "Strikes hit three facilities",
    )
    assert code == 0, err
    row = dict(zip(*[read_rows(small_package / "sources.csv")[i] for i in (0, -1)]))
    assert row["id"] == "src-wire-1" and row["publisher_name"] == "Wire Service" and row["language"] == "fr"
    assert (row["published_earliest"], row["published_latest"], row["published_precision"]) == (
        "2021-06-29",
    ) * 2 + ("day",)
    assert row["headline"] == "Strikes hit three facilities"


@pytest.mark.parametrize(
    "case",
    [
        "empty",
        "latin-1",
        "binary",
        "same-name-other-bytes",
        "same-text-twice",
        "bad-id",
        "taken-id",
        "bad-name",
        "no-such-file",
    ],
)
def test_add_source_refuses_and_changes_nothing(small_package, tmp_path, capsys, case):
    file = new_text(tmp_path)
    extra = []
    if case == "empty":
        file.write_bytes(b"")
    elif case == "latin-1":
        file.write_bytes("Caf\u00e9 au lait".encode("latin-1"))
    elif case == "binary":
        file.write_bytes(b"text\x00\x01\x02")
    elif case == "same-name-other-bytes":
        (small_package / "sources" / file.name).write_bytes(b"another text\n")
    elif case == "same-text-twice":
        file = tmp_path / "copy.txt"
        shutil.copyfile(DATA / "sources" / SOURCE_000, file)
    elif case == "bad-id":
        extra = ["--id", "source-4"]
    elif case == "taken-id":
        extra = ["--id", "src-003"]
    elif case == "bad-name":
        file = new_text(tmp_path, "wire story (1).txt")
    elif case == "no-such-file":
        file = tmp_path / "missing.txt"
    before = snapshot(small_package)
    code, out, err = run(capsys, "add-source", file, "--package", small_package, *extra)
    assert code == 2, out
    assert err.startswith("claimtrail: add-source: ") and "Traceback" not in err
    expected = {
        "empty": "the file is empty",
        "latin-1": "not UTF-8",
        "binary": "NUL",
        "same-name-other-bytes": "is a different file; it is not overwritten",
        "same-text-twice": "already in the package as src-000",
        "bad-id": "a source id is 'src-'",
        "taken-id": "src-003 is already in sources.csv",
        "bad-name": "--name wire_story_1_.txt",
        "no-such-file": "no such file",
    }[case]
    assert expected in err
    assert snapshot(small_package) == before


def test_add_source_when_the_identical_file_is_already_there(small_package, tmp_path, capsys):
    file = new_text(tmp_path)
    shutil.copyfile(file, small_package / "sources" / file.name)
    code, out, _ = run(capsys, "add-source", file, "--package", small_package)
    assert code == 0 and "already holds exactly this text; not copied again" in out
    assert validate(capsys, small_package)[0] == 0


def test_add_source_keeps_crlf_line_ends_of_sources_csv(small_package, tmp_path, capsys):
    path = small_package / "sources.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    write_descriptor(small_package)
    before = path.read_bytes()
    assert run(capsys, "add-source", new_text(tmp_path), "--package", small_package)[0] == 0
    after = path.read_bytes()
    assert (
        after.startswith(before) and after.endswith(b",en\r\n") and b"\n" not in after.replace(b"\r\n", b"")
    )
    assert validate(capsys, small_package)[0] == 0


def test_add_source_never_defaults_to_the_bundled_data(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "add-source", new_text(tmp_path))
    assert code == 2 and "pass --package PATH" in err


# -- fix ------------------------------------------------------------------------------------


def shift_pointer(root: Path, words: str, by: int) -> tuple[str, int, int]:
    pid = next(r[0] for r in read_rows(root / "pointers.csv")[1:] if words in r[4])
    start, end = int(get_cell(root, "pointers", pid, "start")), int(get_cell(root, "pointers", pid, "end"))
    set_cell(root, "pointers", pid, "start", str(start + by))
    set_cell(root, "pointers", pid, "end", str(end + by))
    write_descriptor(root)
    return pid, start, end


def test_fix_on_a_valid_package_does_nothing(small_package, capsys):
    before = snapshot(small_package)
    code, out, err = run(capsys, "fix", small_package)
    assert code == 0 and out == "" and "nothing to repair" in err
    assert snapshot(small_package) == before


def test_fix_proposes_a_diff_and_writes_only_when_asked(small_package, capsys, tmp_path, monkeypatch):
    pid, start, end = shift_pointer(small_package, "John Kirby", 3)
    set_cell(
        small_package, "actors", "act-joe-biden", "description", "President of the United States."
    )  # stale descriptor
    before = snapshot(small_package)
    monkeypatch.chdir(small_package.parent)
    code, out, err = run(capsys, "fix", "pkg")
    assert code == 1
    assert snapshot(small_package) == before, "without --write nothing is written"
    assert f"-{pid},src-003,{start + 3},{end + 3},John Kirby,," in out
    assert f"+{pid},src-003,{start},{end},John Kirby,," in out
    assert "--- a/pkg/pointers.csv" in out and "+++ b/pkg/datapackage.json" in out
    assert "proposed: pointers.csv:" in err and f"{start + 3}-{end + 3} -> {start}-{end}" in err
    assert "claimtrail fix pkg --write" in err
    if shutil.which("git"):  # the diff is a patch git can apply as it is
        (tmp_path / "fix.patch").write_text(out, encoding="utf-8")
        check = subprocess.run(
            ["git", "apply", "--check", str(tmp_path / "fix.patch")],
            cwd=small_package.parent,
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr
    code, _, err = run(capsys, "fix", "pkg", "--write")
    assert code == 0, err
    assert get_cell(small_package, "pointers", pid, "start") == str(start)
    assert validate(capsys, small_package)[0] == 0
    assert not [p for p in small_package.iterdir() if p.name.startswith(".") or p.suffix in (".tmp", ".part")]
    assert run(capsys, "fix", "pkg")[0] == 0, "a second run has nothing left to do"


def test_fix_uses_prefix_and_suffix_to_choose_among_occurrences(small_package, capsys):
    rows = read_rows(small_package / "pointers.csv")
    rows.append(["ptr-000-0100", "src-000", "1", "9", "Pentagon", "", ""])  # occurs three times: ambiguous
    rows.append(["ptr-000-0101", "src-000", "1", "9", "Pentagon", "a statement from ", " spokesperson"])
    write_rows(small_package / "pointers.csv", rows)
    write_descriptor(small_package)
    code, out, err = run(capsys, "fix", small_package)
    assert code == 1
    assert "+ptr-000-0101,src-000,546,554,Pentagon,a statement from , spokesperson" in out
    assert not [ln for ln in out.splitlines() if ln.startswith(("+ptr-000-0100", "-ptr-000-0100"))]
    assert (
        "not repaired: pointers.csv:14: ptr-000-0100: the quote occurs 3 times in src-000 (135-143, 387-395, 546-554)"
        in err
    )


def test_fix_lists_a_quote_that_occurs_nowhere_with_its_near_miss(small_package, capsys):
    pid = next(r[0] for r in read_rows(small_package / "pointers.csv")[1:] if "Biden’s direction" in r[4])
    set_cell(small_package, "pointers", pid, "quote", "on President Joe Biden's direction")
    write_descriptor(small_package)
    code, out, err = run(capsys, "fix", small_package)
    assert code == 1 and "+" + pid not in out
    assert f"{pid}: the quote occurs nowhere in src-000; it differs only in straight vs curly quotes" in err


def test_fix_repairs_bytes_and_length_when_the_hash_still_matches(small_package, capsys):
    set_cell(small_package, "sources", "src-003", "bytes", "3000")
    set_cell(small_package, "sources", "src-003", "length", "2999")
    write_descriptor(small_package)
    code, _out, err = run(capsys, "fix", small_package, "--write")
    assert code == 0, err
    assert get_cell(small_package, "sources", "src-003", "bytes") == "3381"
    assert get_cell(small_package, "sources", "src-003", "length") == "3351"
    assert validate(capsys, small_package)[0] == 0


def test_fix_never_accepts_a_changed_text_silently(small_package, capsys):
    path = small_package / "sources" / SOURCE_003
    path.write_bytes(path.read_bytes().replace(b"Navigation", b"Site navigation", 1))
    before = snapshot(small_package)
    code, out, err = run(capsys, "fix", small_package, "--write")
    assert code == 1
    assert "sha256" not in out, "without --sources the recorded hash stays"
    assert "src-003: the text of sources/003_15c06cd4376757a1.txt changed after it was hashed" in err
    assert "--sources" in err
    assert snapshot(small_package) == before
    code, out, err = run(capsys, "fix", small_package, "--sources")
    assert code == 1
    new = hashlib.sha256(path.read_bytes()).hexdigest()
    assert new in out and "+ptr-003-0003,src-003,679,689,John Kirby,," in out
    assert "warning: src-003: its text changed; every pointer into it must be re-checked" in err
    assert "boilerplate" in err
    code, _, err = run(capsys, "fix", small_package, "--sources", "--write")
    assert code == 0, err
    assert get_cell(small_package, "sources", "src-003", "sha256") == new
    assert validate(capsys, small_package)[0] == 0


def test_fix_keeps_crlf_and_every_other_byte(small_package, capsys):
    path = small_package / "pointers.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    write_descriptor(small_package)
    text = path.read_bytes().decode("utf-8")
    pid = "ptr-003-0009"
    line = next(ln for ln in text.split("\r\n") if ln.startswith(pid))
    start, end = int(line.split(",")[2]), int(line.split(",")[3])
    path.write_bytes(
        text.replace(f"{pid},src-003,{start},{end}", f"{pid},src-003,{start + 1},{end + 1}").encode("utf-8")
    )
    write_descriptor(small_package)
    assert run(capsys, "fix", small_package, "--write")[0] == 0
    assert path.read_bytes() == text.encode("utf-8"), "only the broken row changed, CRLF kept"


def test_fix_refuses_an_unreadable_table(small_package, capsys):
    (small_package / "pointers.csv").write_bytes(b"\xff\xfe")
    before = snapshot(small_package)
    code, out, err = run(capsys, "fix", small_package, "--write")
    assert code == 2 and out == "" and "pointers.csv:1: encoding" in err
    assert snapshot(small_package) == before


def test_fix_with_a_malformed_descriptor_lists_it(small_package, capsys):
    shift_pointer(small_package, "John Kirby", 1)
    path = small_package / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"title":', '"title"', 1), encoding="utf-8")
    code, out, err = run(capsys, "fix", small_package)
    assert code == 1 and "+++ b/" in out
    assert "not repaired: datapackage.json: not regenerated" in err


# -- hooks for other repositories ------------------------------------------------------------


def test_pre_commit_hook_runs_the_validator(small_package):
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (
        hook["id"] == "claimtrail-validate"
        and hook["language"] == "python"
        and hook["pass_filenames"] is False
    )
    assert all(
        re.search(hook["files"], f)
        for f in ("data/pointers.csv", "data/datapackage.json", "data/sources/a.txt")
    )
    assert not re.search(hook["files"], "validators/cli.py")
    script = Path(sys.executable).with_name(hook["entry"].split()[0])
    argv = [
        str(script),
        *hook["entry"].split()[1:],
        str(small_package),
    ]  # args [data] replaced by this package
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    assert subprocess.run(argv, capture_output=True, env=env).returncode == 0
    set_cell(small_package, "actors", "act-john-kirby", "kind", "persn")
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    assert proc.returncode == 1 and "actors.csv:3:3: constraint-error" in proc.stdout


def test_workflow_validates_installs_and_tests():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and "push" in triggers
    steps = {s.get("name"): s for s in workflow["jobs"]["validate"]["steps"]}
    assert steps["Validate"]["run"] == 'claimtrail validate "$PACKAGE" --format github'
    assert "pip install '.[test]'" in steps["Install"]["run"]
    assert steps["Test"]["run"] == "python -m pytest"
    text = (REPO / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8")
    assert text.count("CHANGE") >= 4, "downstream copies are told what to change"


def test_every_command_in_contributing_parses():
    """The commands CONTRIBUTING.md tells contributors to type exist with those options."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|console)\n(.*?)```", text, flags=re.S)
    commands = [
        ln.removeprefix("$ ").strip()
        for b in blocks
        for ln in b.splitlines()
        if ln.removeprefix("$ ").startswith("claimtrail ")
    ]
    assert len(commands) >= 6
    parser, _, _ = _parser()
    for line in commands:
        parser.parse_args(shlex.split(line)[1:])  # exits (SystemExit) on an unknown option
    assert {shlex.split(c)[1] for c in commands} >= {"add-source", "locate", "descriptor", "validate", "fix"}


TYPOGRAPHY = st.sampled_from(list("ab é’'\"“”-–—\u00a0\n\u0301\u200bAB.…"))


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(TYPOGRAPHY, max_size=80).map("".join),
    quote=st.lists(TYPOGRAPHY, min_size=1, max_size=12).map("".join),
)
def test_locate_never_fails_and_near_misses_are_real_spans(text, quote):
    found = locate(text, quote)
    assert all(text[m.start : m.end] == quote for m in found.matches)
    if found.near is not None:
        near = found.near
        assert 0 <= near.start <= near.end <= len(text) and text[near.start : near.end] == near.found
        assert near.describe()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
    table=st.sampled_from(["pointers.csv", "sources.csv"]),
)
def test_fix_on_any_table_bytes_plans_or_refuses(small_package, data, table, capsys):
    original = (small_package / table).read_bytes()
    (small_package / table).write_bytes(data)
    try:
        before = snapshot(small_package)
        code = main(["fix", str(small_package)])
        out, err = capsys.readouterr()
        assert code in (1, 2), out + err
        assert "internal error" not in err and "Traceback" not in err
        assert snapshot(small_package) == before
    finally:
        (small_package / table).write_bytes(original)
