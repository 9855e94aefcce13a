"""The report formats (text, json, github) and their documentation.

docs/validation-report.md lists every check name and every JSON key; these tests compare it
with the code, so that the page cannot go stale, and check that a package with ten
different mistakes gets every one reported with file, line and fix in all three formats.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import pytest
from conftest import REPO, write_descriptor
from helpers import get_cell, read_rows, set_cell, write_rows

from claimtrail.cli import main
from claimtrail.contract.problems import Problem, Report
from claimtrail.validation.github_report import command, escape_data, escape_property, summary_markdown

DOC = REPO / "docs" / "validation-report.md"
VALIDATORS = REPO / "validators"
# Places where a check name is passed on rather than written: frictionless' error types.
# Helpers that pass on a check name their callers give as a literal (the scan reads the callers).
PASS_THROUGH = {
    ("frictionless_problems.py", "kind"),
    ("validate.py", "error.type"),
    ("reading_rules.py", "check"),
}


def documented_checks() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Check names") :]
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", section, flags=re.M))


def emitted_checks() -> tuple[set[str], list[str]]:
    """Check names written in the code, and any check argument the scan cannot read."""
    names: set[str] = set()
    unreadable: list[str] = []
    for path in sorted(VALIDATORS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned: dict[str, list[ast.AST]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else None
            )
            if name not in ("Problem", "problem"):
                continue
            arg = next((k.value for k in node.keywords if k.arg == "check"), None)
            if arg is None and len(node.args) > 1:
                arg = node.args[1]
            if arg is None:
                continue
            source = ast.unparse(arg)
            if (path.name, source) in PASS_THROUGH:
                continue
            values = [arg] if not isinstance(arg, ast.Name) else assigned.get(arg.id, [])
            found = [
                n.value
                for v in values
                for n in ast.walk(v)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
            if not found:
                unreadable.append(f"{path.name}:{node.lineno}: {source}")
            names.update(f for f in found if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", f))
    return names, unreadable


def frictionless_types() -> set[str]:
    from frictionless import errors

    return {
        c.type
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if isinstance(getattr(c, "type", None), str)
    }


def test_every_check_the_code_emits_is_documented():
    names, unreadable = emitted_checks()
    assert not unreadable, (
        f"check names the scan cannot read (add them to PASS_THROUGH or write a literal): {unreadable}"
    )
    assert {"pointer-quote", "source-hash", "empty-file", "descriptor-json", "record-schema"} <= names, (
        "the scan works"
    )
    missing = names - documented_checks()
    assert not missing, f"document these in {DOC.name}: {sorted(missing)}"


def test_every_frictionless_error_type_is_documented():
    missing = frictionless_types() - documented_checks()
    assert not missing, f"frictionless can report these; document them in {DOC.name}: {sorted(missing)}"


def test_no_documented_check_is_made_up():
    names, _ = emitted_checks()
    stale = documented_checks() - names - frictionless_types()
    assert not stale, f"documented but never emitted: {sorted(stale)}"


def documented_json_keys() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## `--format json`") : text.index("## `--format github`")]
    return set(re.findall(r"^\| `([a-z_.\[\]]+)` \|", section, flags=re.M))


def json_keys(report: dict) -> set[str]:
    keys = set(report) | {f"summary.{k}" for k in report["summary"]}
    for p in report["problems"]:
        keys |= {f"problems[].{k}" for k in p}
    return keys


def test_json_report_keys_are_the_documented_ones(small_package, capsys):
    assert main(["validate", str(small_package), "--format", "json"]) == 0
    valid = json.loads(capsys.readouterr().out)
    set_cell(small_package, "actors", "act-john-kirby", "kind", "persn")
    write_descriptor(small_package)
    assert main(["validate", str(small_package), "--format", "json"]) == 1
    invalid = json.loads(capsys.readouterr().out)
    assert json_keys(invalid) == documented_json_keys()
    assert (
        json_keys(valid) | {k for k in documented_json_keys() if k.startswith("problems[].")}
        == documented_json_keys()
    )
    assert list(invalid) == ["format_version", "package", "valid", "steps", "records", "summary", "problems"]
    assert invalid["format_version"] == 1 and invalid["valid"] is False and valid["valid"] is True
    assert invalid["summary"]["problems"] == len(invalid["problems"])
    assert invalid["steps"] == ["descriptor", "tables", "records", "references"]


# -- ten mistakes ---------------------------------------------------------------------------


def ten_mistakes(root: Path) -> list[tuple[str, str, int | None, str | None]]:
    """Break the package ten ways; returns (check, file, line, words of the fix) for each."""
    out = []
    out.append(
        (
            "constraint-error",
            "actors.csv",
            set_cell(root, "actors", "act-john-kirby", "kind", "persn"),
            "did you mean 'person'?",
        )
    )
    out.append(
        (
            "type-error",
            "events.csv",
            set_cell(root, "events", "evt-2021-06-27-us-airstrikes", "date_latest", "2021-02-30"),
            None,
        )
    )
    out.append(
        (
            "foreign-key",
            "claims.csv",
            set_cell(root, "claims", "clm-strikes-necessary", "claimant", "act-jon-kirby"),
            "did you mean 'act-john-kirby'?",
        )
    )
    kirby = "ptr-003-0003"
    start, end = (int(get_cell(root, "pointers", kirby, c)) for c in ("start", "end"))
    set_cell(root, "pointers", kirby, "start", str(start + 1))
    out.append(
        (
            "pointer-quote",
            "pointers.csv",
            set_cell(root, "pointers", kirby, "end", str(end + 1)),
            f"this quote occurs at {start}-{end}",
        )
    )
    biden = next(r[0] for r in read_rows(root / "pointers.csv")[1:] if "Biden’s direction" in r[4])
    out.append(
        (
            "pointer-quote",
            "pointers.csv",
            set_cell(root, "pointers", biden, "quote", "on President Joe Biden's direction"),
            "straight vs curly quotes",
        )
    )
    set_cell(root, "event_casualties", "evt-2021-06-27-us-airstrikes", "status", "reported")
    set_cell(root, "event_casualties", "evt-2021-06-27-us-airstrikes", "best", "2")
    out.append(
        (
            "casualty-order",
            "event_casualties.csv",
            set_cell(root, "event_casualties", "evt-2021-06-27-us-airstrikes", "low", "5"),
            None,
        )
    )
    out.append(
        (
            "date-order",
            "events.csv",
            set_cell(root, "events", "evt-2021-aid-announcement", "date_earliest", "2021-07-01"),
            None,
        )
    )
    rows = read_rows(root / "discrepancy_versions.csv")
    rows.append(["dis-kirby-spelling", "2", "Jon Kirby", "ptr-003-0003"])
    write_rows(root / "discrepancy_versions.csv", rows)
    out.append(("primary-key", "discrepancy_versions.csv", len(rows), "number the items of each parent"))
    rows = read_rows(root / "event_locations.csv")
    rows[1].append("Deir ez-Zor, Syria")  # an unquoted place with a comma: one cell too many
    write_rows(root / "event_locations.csv", rows)
    out.append(("extra-cell", "event_locations.csv", 2, "double quotes"))
    write_descriptor(root)
    # The tenth: a table edited after the descriptor was generated.
    set_cell(root, "actors", "act-joe-biden", "description", "President of the United States.")
    out.append(("hash-count", "actors.csv", None, f"run 'claimtrail descriptor {root}'"))
    return out


@pytest.fixture
def broken(small_package):
    return small_package, ten_mistakes(small_package)


def test_ten_mistakes_in_text(broken, capsys):
    root, mistakes = broken
    assert main(["validate", str(root)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    for check, file, line, fix in mistakes:
        where = f"{file}:{line}:" if line is not None else f"{file}: "
        hits = [ln for ln in lines if ln.startswith(where) and f" {check}: " in ln]
        assert hits, f"{check} at {where} not in:\n{out}"
        if fix:
            assert any("; fix: " in h and fix in h for h in hits), f"fix {fix!r} missing for {check}: {hits}"
    assert lines[-1].startswith("invalid: ")


def test_ten_mistakes_in_json(broken, capsys):
    root, mistakes = broken
    assert main(["validate", str(root), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    for check, file, line, fix in mistakes:
        hits = [p for p in report["problems"] if (p["check"], p["path"], p["line"]) == (check, file, line)]
        assert hits, (
            f"{check} {file}:{line} not in {[(p['check'], p['path'], p['line']) for p in report['problems']]}"
        )
        if fix:
            assert any(fix in (p["fix"] or "") for p in hits)
        if line is not None and check != "extra-cell":
            assert all(p["field"] for p in hits), hits


def test_ten_mistakes_in_github_format_and_step_summary(broken, capsys, monkeypatch, tmp_path):
    root, mistakes = broken
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root.parent))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["validate", str(root), "--format", "github"]) == 1
    out = capsys.readouterr().out
    commands = [ln for ln in out.splitlines() if ln.startswith("::error ")]
    assert len(commands) >= 10
    for check, file, line, fix in mistakes:
        head = f"::error file=pkg/{file}" + (f",line={line}," if line is not None else ",title=")
        hits = [c for c in commands if c.startswith(head) and f"title={check}::" in c]
        assert hits, f"{head} {check} not in:\n{out}"
        if fix:
            assert any(fix in escape_data(c) or fix in c for c in hits), hits
    table = summary.read_text(encoding="utf-8")
    assert table.startswith("earlier step\n"), "the summary is appended to"
    rows = [ln for ln in table.splitlines() if ln.startswith("| pkg/")]
    assert len(rows) == len(commands), "every problem is in the summary, not only the first ten"
    for check, file, line, _ in mistakes:
        assert any(
            r.startswith(f"| pkg/{file}" + (f":{line}" if line else "")) and f"| {check} |" in r for r in rows
        )


def test_github_escaping():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    p = Problem("dir,1/a:b.csv", "pointer-quote", "line one\nline two, 50%", line=3, column=2, fix="x")
    line = command(p, "pkg", workspace=".")
    assert (
        line
        == "::error file=pkg/dir%2C1/a%3Ab.csv,line=3,col=2,title=pointer-quote::line one%0Aline two, 50%25; fix: x"
    )
    assert "\n" not in line


def test_github_command_without_line():
    line = command(Problem("sources/a.txt", "hash-count", "changed"), "/repo/data", workspace="/repo")
    assert line == "::error file=data/sources/a.txt,title=hash-count::changed"


def test_step_summary_escapes_table_cells():
    report = Report("data", [Problem("claims.csv", "constraint-error", "a | b <c>\nd", line=2, found="x|y")])
    text = summary_markdown(report, workspace=".")
    row = next(ln for ln in text.splitlines() if ln.startswith("| data/claims.csv:2"))
    assert "a \\| b &lt;c&gt;<br>d" in row and "x\\|y" in row
    assert row.count(" | ") == 6


def test_github_format_of_a_valid_package(small_package, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    assert main(["validate", str(small_package), "--format", "github"]) == 0
    out = capsys.readouterr().out
    assert "::error" not in out and out.splitlines()[1].startswith("valid:")
    assert "claimtrail validate: valid" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_unwritable_step_summary_is_a_warning_not_a_failure(small_package, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no-such-folder" / "summary.md"))
    assert main(["validate", str(small_package), "--format", "github"]) == 0
    assert "::warning title=step summary::cannot append" in capsys.readouterr().out
