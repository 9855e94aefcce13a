"""Bad input: every case gives a clear problem naming file, line and check, exit 1, no
traceback, and leaves the package exactly as it was.

Each test builds a valid package in a temporary folder, breaks one thing the way a
contributor might, runs the real command line and compares the package's bytes and
modification times before and after.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import SmallPackage, examples, write_descriptor, write_records
from helpers import get_cell, line_of, read_rows, set_cell, source_record, write_rows

from claimtrail.cli import main

ACCENTED = "Le caf\u00e9 pr\u00e8s de la fronti\u00e8re a \u00e9t\u00e9 touch\u00e9 deux fois, selon les habitants.\n"
ACCENTED_FILE = "sources/900_accents.txt"


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Bytes and modification time of every file in the package, symbolic links included."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            out[str(path.relative_to(root))] = (os.readlink(path), 0)
        elif path.is_file():
            out[str(path.relative_to(root))] = (
                hashlib.sha256(path.read_bytes()).hexdigest(),
                path.stat().st_mtime_ns,
            )
    return out


@pytest.fixture
def pkg(tmp_path, readings) -> Path:
    """The shared small package plus one French source, for Unicode normalisation; each test
    on it runs with the fast engine holding cells as text and compact (conftest.readings)."""
    small = SmallPackage(tmp_path / "pkg")
    records = small.records()
    data = ACCENTED.encode("utf-8")
    (small.root / ACCENTED_FILE).write_bytes(data)
    records["source"].append(source_record("src-900", ACCENTED_FILE, data, language="fr"))
    quote = "Le caf\u00e9 pr\u00e8s de la fronti\u00e8re"
    records["uncoded"] = [
        {
            "id": "unc-cafe",
            "reason": "Not about the strikes.",
            "pointer": {
                "id": "ptr-900-0001",
                "source": "src-900",
                "start": 0,
                "end": len(quote),
                "quote": quote,
                "prefix": None,
                "suffix": None,
            },
        }
    ]
    write_records(small.root, records)
    return small.root


def run(capsys, root: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["validate", str(root), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def assert_reported(capsys, root: Path, check: str, location: str, *words: str) -> str:
    """Validate; exit 1, the check at file:line, no traceback, and nothing written."""
    before = snapshot(root)
    code, out, err = run(capsys, root)
    assert code == 1, out + err
    assert "Traceback" not in out + err
    assert any(line.startswith(f"{location}") and f": {check}: " in line for line in out.splitlines()), out
    for word in words:
        assert word in out, f"{word!r} not in:\n{out}"
    assert snapshot(root) == before, "validation wrote to the package"
    return out


def row_line(root: Path, table: str, key: str, column: int = 0) -> int:
    rows = read_rows(root / f"{table}.csv")
    index = next(i for i, r in enumerate(rows) if i and r[column] == key)
    return line_of(root / f"{table}.csv", index)


def pointer_id(root: Path, words: str) -> str:
    return next(r[0] for r in read_rows(root / "pointers.csv")[1:] if words in r[4])


# -- files that are not CSV text ------------------------------------------------------------


def test_valid_package_is_valid(pkg, capsys):
    code, out, _ = run(capsys, pkg)
    assert code == 0, out


def test_empty_file(pkg, capsys):
    (pkg / "actors.csv").write_bytes(b"")
    out = assert_reported(capsys, pkg, "empty-file", "actors.csv:1")
    # The tables whose ids point into actors.csv do not add a foreign-key error each.
    assert "foreign-key" not in out


def test_binary_file(pkg, capsys):
    (pkg / "actors.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    out = assert_reported(capsys, pkg, "encoding", "actors.csv:1", "byte 0x89")
    assert "encoding-error" not in out, "lookups into the unreadable table are not reported again"


def test_non_utf8_file(pkg, capsys):
    path = pkg / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"Pentagon press", "P\u00e9ntagon press".encode("latin-1")))
    line = 3  # header, act-joe-biden, act-john-kirby
    assert_reported(capsys, pkg, "encoding", f"actors.csv:{line}", "not valid UTF-8", "byte 0xe9")


def test_utf8_byte_order_mark(pkg, capsys):
    path = pkg / "claims.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert_reported(capsys, pkg, "encoding", "claims.csv:1:1", "byte-order mark")


def test_crlf_line_ends_are_accepted(pkg, capsys):
    for name in ("actors.csv", "pointers.csv"):
        path = pkg / name
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    write_descriptor(pkg)
    code, out, _ = run(capsys, pkg)
    assert code == 0, out


def test_crlf_file_reports_the_right_line(pkg, capsys):
    line = set_cell(pkg, "actors", "act-john-kirby", "kind", "persn")
    path = pkg / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    write_descriptor(pkg)
    assert_reported(capsys, pkg, "constraint-error", f"actors.csv:{line}:3", "'person'")


# -- headers and rows -----------------------------------------------------------------------


def rewrite_header(root: Path, table: str, header: list[str], cut: int | None = None, add: int = 0) -> None:
    rows = read_rows(root / f"{table}.csv")
    rows[0] = header
    for row in rows[1:]:
        if cut is not None:
            del row[cut]
        row.extend([""] * add)
    write_rows(root / f"{table}.csv", rows)
    write_descriptor(root)


def test_header_missing_a_column(pkg, capsys):
    rewrite_header(pkg, "actors", ["id", "name", "kind"], cut=3)
    assert_reported(
        capsys,
        pkg,
        "missing-label",
        "actors.csv:1",
        "description",
        "make the header row exactly: id,name,kind,description",
    )


def test_header_with_an_extra_column(pkg, capsys):
    rewrite_header(pkg, "actors", ["id", "name", "kind", "description", "notes"], add=1)
    assert_reported(capsys, pkg, "extra-label", "actors.csv:1:5", "notes")


def test_header_with_a_duplicated_column(pkg, capsys):
    rewrite_header(pkg, "actors", ["id", "name", "kind", "kind"])
    out = assert_reported(capsys, pkg, "duplicate-label", "actors.csv:1:4", "'kind' appears twice")
    assert out.count("duplicate-label") == 2, "one line, plus the count in the summary"
    assert "record-schema" not in out, "records read under a broken header are not judged"


def _replace_in_actors(pkg, old: str, new: str) -> int:
    """Replace the start of Joe Biden's row of actors.csv; returns the row's line."""
    line = row_line(pkg, "actors", "act-joe-biden")
    path = pkg / "actors.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    write_descriptor(pkg)
    return line


def test_ragged_row(pkg, capsys):
    line = _replace_in_actors(pkg, "act-joe-biden,Joe Biden,person,", "act-joe-biden,Joe Biden,person,,extra")
    assert_reported(
        capsys,
        pkg,
        "extra-cell",
        f"actors.csv:{line}:5",
        "4 cells, as in the header",
        "5 cells",
        "double quotes",
    )


def test_short_row(pkg, capsys):
    line = _replace_in_actors(pkg, "act-joe-biden,Joe Biden,person,", "act-joe-biden,Joe Biden")
    assert_reported(capsys, pkg, "missing-cell", f"actors.csv:{line}:3", "2 cells")


# -- values ---------------------------------------------------------------------------------


def test_unknown_enum_value(pkg, capsys):
    line = set_cell(pkg, "actors", "act-john-kirby", "kind", "persn")
    write_descriptor(pkg)
    assert_reported(
        capsys,
        pkg,
        "constraint-error",
        f"actors.csv:{line}:3",
        "one of: person, organization",
        "did you mean 'person'?",
    )


def test_impossible_date(pkg, capsys):
    line = set_cell(pkg, "events", "evt-2021-06-27-us-airstrikes", "date_earliest", "2021-02-30")
    write_descriptor(pkg)
    assert_reported(capsys, pkg, "type-error", f"events.csv:{line}:8", "date_earliest", "YYYY-MM-DD")


def test_earliest_after_latest(pkg, capsys):
    line = set_cell(pkg, "events", "evt-2021-06-27-us-airstrikes", "date_earliest", "2021-07-01")
    write_descriptor(pkg)
    assert_reported(
        capsys, pkg, "date-order", f"events.csv:{line}:8", "2021-07-01 is after latest 2021-06-28"
    )


def test_negative_count(pkg, capsys):
    line = set_cell(pkg, "event_casualties", "evt-2021-06-27-us-airstrikes", "low", "-3")
    set_cell(pkg, "event_casualties", "evt-2021-06-27-us-airstrikes", "status", "reported")
    write_descriptor(pkg)
    assert_reported(
        capsys, pkg, "constraint-error", f"event_casualties.csv:{line}:4", "a number >= 0", "'-3'"
    )


def test_low_greater_than_best(pkg, capsys):
    line = set_cell(pkg, "event_casualties", "evt-2021-06-27-us-airstrikes", "low", "9")
    set_cell(pkg, "event_casualties", "evt-2021-06-27-us-airstrikes", "best", "4")
    set_cell(pkg, "event_casualties", "evt-2021-06-27-us-airstrikes", "status", "reported")
    write_descriptor(pkg)
    assert_reported(
        capsys, pkg, "casualty-order", f"event_casualties.csv:{line}:4", "low 9 is greater than best 4"
    )


def test_duplicate_id_in_one_table(pkg, capsys):
    first = row_line(pkg, "actors", "act-john-kirby")
    rows = read_rows(pkg / "actors.csv")
    rows.append(["act-john-kirby", "Someone Else", "person", ""])
    write_rows(pkg / "actors.csv", rows)
    write_descriptor(pkg)
    out = assert_reported(
        capsys, pkg, "primary-key", f"actors.csv:{first + 1}:1", f"already used on line {first}"
    )
    assert "record-without-pointer" not in out, "the first row keeps its names; no made-up follow-on error"


def test_duplicate_id_across_tables(pkg, capsys):
    rows = read_rows(pkg / "discrepancies.csv")
    rows.append(["clm-strikes-necessary", "wording", "An id that a claim already has."])
    write_rows(pkg / "discrepancies.csv", rows)
    write_descriptor(pkg)
    # The pattern of discrepancy ids and the cross-table check both catch it.
    out = assert_reported(capsys, pkg, "constraint-error", "discrepancies.csv:3:1", "dis-")
    assert (
        "discrepancies.csv:3:1: duplicate-id: id clm-strikes-necessary is used by a claim and a discrepancy"
        in out
    )


def test_dangling_reference(pkg, capsys):
    line = set_cell(pkg, "claims", "clm-strikes-necessary", "claimant", "act-john-kirbi")
    write_descriptor(pkg)
    assert_reported(
        capsys,
        pkg,
        "foreign-key",
        f"claims.csv:{line}:2",
        "'act-john-kirbi'",
        "no row of actors.csv",
        "did you mean 'act-john-kirby'?",
    )


# -- pointers -------------------------------------------------------------------------------


def test_offsets_out_of_range(pkg, capsys):
    pid = pointer_id(pkg, "Earlier this year")
    line = set_cell(pkg, "pointers", pid, "end", "99999")
    write_descriptor(pkg)
    assert_reported(capsys, pkg, "pointer-range", f"pointers.csv:{line}:3", "this quote occurs at 2766-2783")


def test_offsets_reversed(pkg, capsys):
    pid = pointer_id(pkg, "Earlier this year")
    start, end = get_cell(pkg, "pointers", pid, "start"), get_cell(pkg, "pointers", pid, "end")
    line = set_cell(pkg, "pointers", pid, "start", end)
    set_cell(pkg, "pointers", pid, "end", start)
    write_descriptor(pkg)
    assert_reported(
        capsys, pkg, "pointer-range", f"pointers.csv:{line}:3", f"{end}-{start}", f"occurs at {start}-{end}"
    )


def test_quote_off_by_one_character(pkg, capsys):
    pid = pointer_id(pkg, "Earlier this year")
    line = set_cell(pkg, "pointers", pid, "quote", "Earlier this yea")
    write_descriptor(pkg)
    assert_reported(capsys, pkg, "pointer-quote", f"pointers.csv:{line}:5", "this quote occurs at 2766-2782")


def test_quote_in_nfd_where_the_text_is_nfc(pkg, capsys):
    quote = get_cell(pkg, "pointers", "ptr-900-0001", "quote")
    line = set_cell(pkg, "pointers", "ptr-900-0001", "quote", unicodedata.normalize("NFD", quote))
    write_descriptor(pkg)
    assert_reported(
        capsys,
        pkg,
        "pointer-quote",
        f"pointers.csv:{line}:5",
        "Unicode normalisation",
        "the quote is NFD, the text is NFC",
        f"at 0-{len(quote)}",
    )


def test_quote_with_straight_quotes_where_the_text_has_curly_ones(pkg, capsys):
    pid = pointer_id(pkg, "Biden’s direction")
    start = get_cell(pkg, "pointers", pid, "start")
    line = set_cell(pkg, "pointers", pid, "quote", "on President Joe Biden's direction")
    write_descriptor(pkg)
    assert_reported(
        capsys,
        pkg,
        "pointer-quote",
        f"pointers.csv:{line}:5",
        "straight vs curly quotes",
        "U+2019 RIGHT SINGLE QUOTATION MARK",
        f"at {start}-",
    )


# -- source files ---------------------------------------------------------------------------


def test_source_path_absolute(pkg, capsys):
    line = set_cell(pkg, "sources", "src-003", "path", "/etc/hostname")
    write_descriptor(pkg)
    out = assert_reported(capsys, pkg, "source-path", f"sources.csv:{line}:2", "absolute")
    assert "datapackage.json:" in out and "descriptor-path" in out


def test_source_path_with_dot_dot(pkg, capsys):
    line = set_cell(pkg, "sources", "src-003", "path", "sources/../actors.csv")
    write_descriptor(pkg)
    assert_reported(capsys, pkg, "source-path", f"sources.csv:{line}:2", "contains '..'")


def test_source_symlink_leading_out(pkg, capsys, tmp_path):
    line = row_line(pkg, "sources", "src-003")
    target = pkg / "sources" / "003_15c06cd4376757a1.txt"
    outside = tmp_path / "outside.txt"
    shutil.move(target, outside)
    target.symlink_to(outside)
    assert_reported(capsys, pkg, "source-path", f"sources.csv:{line}:2", "symbolic link")


def test_source_text_changed_after_hashing(pkg, capsys):
    line = row_line(pkg, "sources", "src-003")
    path = pkg / "sources" / "003_15c06cd4376757a1.txt"
    path.write_bytes(path.read_bytes().replace(b"Earlier", b"Later"))
    assert_reported(capsys, pkg, "source-hash", f"sources.csv:{line}:3", "claimtrail fix --sources")


def test_missing_source_file(pkg, capsys):
    line = row_line(pkg, "sources", "src-003")
    (pkg / "sources" / "003_15c06cd4376757a1.txt").unlink()
    assert_reported(capsys, pkg, "source-missing", f"sources.csv:{line}:2", "does not exist")


# -- the descriptor -------------------------------------------------------------------------


def edit_descriptor(root: Path, old: str, new: str) -> int:
    path = root / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_malformed_json_descriptor(pkg, capsys):
    line = edit_descriptor(pkg, '"title":', '"title"')
    assert_reported(capsys, pkg, "descriptor-json", f"datapackage.json:{line}:", "not valid JSON")


def test_json_with_duplicate_keys(pkg, capsys):
    line = edit_descriptor(pkg, '"title":', '"name": "again",\n  "title":')
    assert_reported(capsys, pkg, "descriptor-json", f"datapackage.json:{line}:", "duplicate key 'name'")


def test_json_with_nan(pkg, capsys):
    line = edit_descriptor(pkg, '"bytes": ', '"bytes": NaN, "x": ')
    assert_reported(capsys, pkg, "descriptor-json", f"datapackage.json:{line}:", "NaN is not valid JSON")


def test_json_nested_very_deep(pkg, capsys):
    line = edit_descriptor(pkg, '"title":', '"deep": ' + "[" * 5000 + "]" * 5000 + ',\n  "title":')
    assert_reported(capsys, pkg, "descriptor-json", f"datapackage.json:{line}:", "nested deeper than")


def test_descriptor_that_is_not_a_data_package(pkg, capsys):
    (pkg / "datapackage.json").write_text('{\n  "hello": "world"\n}\n', encoding="utf-8")
    assert_reported(capsys, pkg, "descriptor-profile", "datapackage.json:1", "resources")


def test_descriptor_that_is_not_an_object(pkg, capsys):
    (pkg / "datapackage.json").write_text("[1, 2, 3]\n", encoding="utf-8")
    assert_reported(capsys, pkg, "descriptor-profile", "datapackage.json:1", "not a JSON object")


def test_descriptor_not_utf8(pkg, capsys):
    (pkg / "datapackage.json").write_bytes(b'{"title": "caf\xe9"}')
    assert_reported(capsys, pkg, "descriptor-json", "datapackage.json:1", "not valid UTF-8")


def test_fifty_megabyte_cell(pkg, capsys):
    line = row_line(pkg, "actors", "act-john-kirby")
    path = pkg / "actors.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Pentagon press secretary.", "x" * 50_000_000),
        encoding="utf-8",
    )
    write_descriptor(pkg)
    out = assert_reported(capsys, pkg, "cell-too-large", f"actors.csv:{line}:4", "exceeds the limit")
    assert len(out) < 10_000, "the cell itself is not echoed"


# -- through the installed script: nothing but the report reaches the terminal ---------------


def script() -> str:
    path = Path(sys.executable).with_name("claimtrail")
    assert path.exists(), f"the claimtrail script is not installed next to this Python ({path})"
    return str(path)


# Each breakage goes through the real script once, in one format, and every format goes
# through it at least once; the other formats run the same main() in this process, which
# spares an interpreter start each and checks the same exit code, stderr and stdout.
THROUGH_THE_SCRIPT = {"binary": "text", "deep-json": "json", "ragged": "github", "missing-source": "text"}


@pytest.mark.parametrize("breakage", ["binary", "deep-json", "ragged", "missing-source"])
def test_installed_script_prints_no_traceback(pkg, capsys, breakage):
    if breakage == "binary":
        (pkg / "pointers.csv").write_bytes(bytes(range(256)) * 4)
        location = "pointers.csv:2: encoding"  # 0x00-0x7f decode; 0x80 is the first bad byte, after a \n
    elif breakage == "deep-json":
        (pkg / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
        location = "datapackage.json:1"
    elif breakage == "ragged":
        (pkg / "claim_events.csv").write_text(
            "claim,ord,event\nclm-strikes-necessary,1,evt-2021-06-27-us-airstrikes,x,y\n", encoding="utf-8"
        )
        write_descriptor(pkg)
        location = "claim_events.csv:2"
    else:
        (pkg / "sources" / "000_e9f86ca2c495c89d.txt").unlink()
        location = "sources.csv:2"
    before = snapshot(pkg)
    for fmt in ("text", "json", "github"):
        argv = ["validate", str(pkg), "--format", fmt]
        if fmt == THROUGH_THE_SCRIPT[breakage]:
            proc = subprocess.run([script(), *argv], capture_output=True, text=True, timeout=120)
            code, out, err = proc.returncode, proc.stdout, proc.stderr
        else:
            code = main(argv)
            out, err = capsys.readouterr()
        assert code == 1, out + err
        assert err == "", err
        assert "Traceback" not in out
        if fmt == "text":
            assert location in out
    assert snapshot(pkg) == before


# -- read-only packages ---------------------------------------------------------------------


def test_read_only_package_validates(pkg, capsys):
    # As root, permissions do not stop writes; so besides making every file 0444 the test
    # compares bytes and modification times, which catches a write either way.
    for path in pkg.rglob("*"):
        if path.is_file():
            path.chmod(0o444)
    try:
        before = snapshot(pkg)
        code, out, err = run(capsys, pkg)
        assert code == 0, out + err
        assert snapshot(pkg) == before
        assert not list(pkg.rglob("*.tmp")) and not list(pkg.rglob("*.part"))
    finally:
        for path in pkg.rglob("*"):
            if path.is_file():
                path.chmod(0o644)


def test_json_report_is_parseable_for_a_broken_package(pkg, capsys):
    (pkg / "actors.csv").write_bytes(b"")
    code, out, _ = run(capsys, pkg, "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["valid"] is False
    assert {"path": "actors.csv", "line": 1, "check": "empty-file"}.items() <= report["problems"][0].items()


# -- arbitrary bytes: reports, never exceptions ----------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from claimtrail.contract.problems import Report  # noqa: E402
from claimtrail.files.jsonload import StrictJSONError, loads  # noqa: E402
from claimtrail.package.csvio import read_csv  # noqa: E402
from claimtrail.validation.validate import validate_package  # noqa: E402

# Text built from the characters that make CSV and JSON hard: separators, quotes, line ends,
# NUL, a BOM, non-ASCII letters and typographic quotes.
TRICKY = st.sampled_from(
    list('ab1,";\r\n\x00\ufeff\u00e9\u2019\u00a0{}[]:-') + ["NaN", "true", "ptr-000-0001", "src-000"]
)
CSV_LIKE = st.lists(st.lists(st.lists(TRICKY, max_size=6).map("".join), max_size=8), max_size=8).map(
    lambda rows: "\n".join(",".join(r) for r in rows)
)
ANY_BYTES = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    CSV_LIKE.map(lambda t: t.encode("utf-8")),
    CSV_LIKE.map(lambda t: t.encode("utf-16")),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ANY_BYTES)
def test_read_csv_returns_problems_for_any_bytes(tmp_path, data):
    path = tmp_path / "table.csv"
    path.write_bytes(data)
    table = read_csv(path, "table.csv")
    assert all(p.path == "table.csv" and p.check and p.message for p in table.problems)
    if table.readable:
        assert len(table.lines) == len(table.rows) + 1 == len(table.widths)
        assert table.lines == sorted(table.lines)
    else:
        assert table.problems


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=300),
        CSV_LIKE,
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
            ),
            max_leaves=20,
        ).map(json.dumps),
    )
)
def test_json_reader_returns_or_raises_a_located_error(text):
    try:
        loads(text)
    except StrictJSONError as e:
        assert e.message
        assert e.line is None or e.line >= 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ANY_BYTES)
def test_validate_package_reports_on_any_descriptor_bytes(pkg, data):
    (pkg / "datapackage.json").write_bytes(data)
    report = validate_package(pkg)
    assert isinstance(report, Report) and not report.valid
    assert all(p.path == "datapackage.json" for p in report.problems)


@pytest.mark.long
@settings(
    max_examples=examples(full=25, ci=10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    table=st.sampled_from(["pointers.csv", "sources.csv", "events.csv", "claim_attributions.csv"]),
    data=ANY_BYTES,
    engine=st.sampled_from(["fast", "frictionless"]),
)
def test_validate_package_reports_on_any_table_bytes(pkg, table, data, engine):
    original = (pkg / table).read_bytes()
    (pkg / table).write_bytes(data)
    try:
        report = validate_package(pkg, engine=engine)
    finally:
        (pkg / table).write_bytes(original)
    assert isinstance(report, Report)
    assert not report.valid, "the descriptor's hash of the table no longer matches, at least"
    assert all(isinstance(p.check, str) and p.path for p in report.sorted_problems())
