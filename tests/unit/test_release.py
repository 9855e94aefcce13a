"""claimtrail release: reproducible, atomic, consumable artifacts, and only from valid data."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, SCHEMA
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry
from release_package import METADATA, VERSION, write_package
from schema_clients import ajv_validate_records, check_every_type, record_files

from claimtrail.cli import main
from claimtrail.contract.descriptor import regenerate
from claimtrail.contract.layout import build_layout
from claimtrail.files.atomic import write_atomic
from claimtrail.publish.release import (
    SUMS,
    ReleaseError,
    build_release,
    have_build,
    read_release_zip,
    release_timestamp,
    unescape_cell,
    verify_sums,
    zip_name,
)
from claimtrail.publish.spreadsheet import TRIGGERS, escape_cell, read_spreadsheet_csv
from claimtrail.validation.validate import validate_package

ZIP = zip_name(VERSION)


@pytest.fixture
def package(tmp_path) -> Path:
    return write_package(tmp_path / "pkg")


@pytest.fixture
def dist(tricky_dist) -> Path:
    """One release of the fixture package (conftest's), shared by the tests that only read it."""
    return tricky_dist


@pytest.fixture
def built(dist) -> dict[str, bytes]:
    return read_release_zip(dist / ZIP)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


# -- reproducible ---------------------------------------------------------------------------


def test_two_builds_of_the_same_package_are_byte_identical(package, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = build_release(package, tmp_path / "a", python_dist=False)
    os.utime(package / "claims.csv", (1, 1))  # file times must not leak into the artifact
    second = build_release(package, tmp_path / "b", python_dist=False)
    assert (tmp_path / "a" / SUMS).read_bytes() == (tmp_path / "b" / SUMS).read_bytes()
    assert first.zip_path.read_bytes() == second.zip_path.read_bytes()
    # The SQLite file on its own, since it is the member most likely to embed nondeterminism.
    a, b = read_release_zip(first.zip_path), read_release_zip(second.zip_path)
    assert a["claimtrail.sqlite"] == b["claimtrail.sqlite"]
    assert {p.name for p in (tmp_path / "a").iterdir()} == {ZIP, SUMS}


@pytest.mark.parametrize("value", ["soon", "²"])
def test_a_source_date_epoch_that_is_not_a_number_is_refused(monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(ReleaseError, match="SOURCE_DATE_EPOCH must be a number"):
        release_timestamp({})


def test_source_date_epoch_sets_every_entry_time(package, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    release = build_release(package, tmp_path / "dist", python_dist=False)
    with zipfile.ZipFile(release.zip_path) as z:
        infos = z.infolist()
    assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)


def test_the_bundled_data_builds_reproducibly(bundled_dist, tmp_path):
    report = validate_package(DATA)
    assert not report.sorted_problems(), "the bundled data must be valid to be released"
    # The first build is the session's (conftest), made earlier in this run, maybe by another worker.
    build_release(DATA, tmp_path / "b", python_dist=False)
    assert (bundled_dist / SUMS).read_bytes() == (tmp_path / "b" / SUMS).read_bytes()


# -- contents -------------------------------------------------------------------------------


def test_the_zip_lists_every_member_in_its_checksums_and_the_dist_lists_the_zip(built, dist):
    assert verify_sums(built) == []
    listed = [line.split("  ", 1)[1] for line in built[SUMS].decode().splitlines()]
    assert listed == sorted(set(built) - {SUMS})
    digest = hashlib.sha256((dist / ZIP).read_bytes()).hexdigest()
    assert (dist / SUMS).read_text() == f"{digest}  {ZIP}\n"
    layout = build_layout()
    expected = {
        "datapackage.json",
        "records.json",
        "claimtrail.sqlite",
        "data-dictionary.md",
        "README.md",
        "sources/000_test.txt",
    }
    expected |= {t.path for t in layout.tables} | {f"spreadsheet/{t.path}" for t in layout.tables}
    expected |= {f"jsonl/{t.name}.jsonl" for t in layout.root.values()}
    expected |= {f"schema/{rt}.schema.json" for rt in layout.root} | {"schema/common.schema.json"}
    expected |= {"schema/layout.json"}
    assert expected <= set(built)


def test_the_zip_is_itself_a_valid_package(built, tmp_path):
    folder = tmp_path / "unzipped"
    for name, data in built.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    assert validate_package(folder).sorted_problems() == []


def test_the_tables_are_the_package_tables_byte_for_byte(built, dist):
    for table in build_layout().tables:
        assert built[table.path] == (dist.parent / "pkg" / table.path).read_bytes(), table.path


def test_records_json_is_valid_under_the_schemas_in_the_zip(built):
    """Checked with jsonschema and each of the zip's schema files alone (they are self-contained:
    no registry, nothing to fetch), not our wrapper."""
    schemas = {name: json.loads(data) for name, data in built.items() if name.endswith(".schema.json")}
    document = json.loads(built["records.json"])
    assert document["version"] == VERSION
    layout = build_layout()
    assert set(document["records"]) == set(layout.root)
    checked = 0
    for record_type, records in document["records"].items():
        validator = Draft202012Validator(
            schemas[f"schema/{record_type}.schema.json"],
            registry=Registry(retrieve=refuse),
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        for record in records:
            errors = [e.message for e in validator.iter_errors(record)]
            assert errors == [], (record_type, record.get("id"), errors)
            checked += 1
        # One record per row of the root table, and the JSON Lines file holds the same records.
        assert len(records) == len(csv_rows(built[layout.root[record_type].path])) - 1
        lines = built[f"jsonl/{layout.root[record_type].name}.jsonl"].decode().splitlines()
        assert [json.loads(line) for line in lines] == records
    assert checked == 12  # 1 source, 5 pointers, 2 actors, 2 events, 2 claims
    claim = next(c for c in document["records"]["claim"] if c["id"] == "clm-necessary")
    assert claim["attributions"][0]["pointer"]["quote"] == "said the strikes were necessary and limited"


def refuse(uri: str):
    raise AssertionError(f"a schema in the zip refers to {uri}, which it does not hold")


def test_check_jsonschema_validates_records_with_the_zips_schema_files_offline(built, tmp_path):
    """The README's command, run on the unpacked zip's schema/ folder, as a user would."""
    folder = tmp_path / "unzipped" / "schema"
    folder.mkdir(parents=True)
    for name, data in built.items():
        if name.startswith("schema/"):
            (folder / name.removeprefix("schema/")).write_bytes(data)
            if name.endswith(".schema.json"):  # what the checkout's users point at, too
                assert data == (SCHEMA / name.removeprefix("schema/")).read_bytes(), name
    records = record_files(tmp_path / "records")
    # Every type is checked on the checkout's files (test_published_schemas), which these equal.
    assert check_every_type(folder, records, tmp_path, types=("claim", "pointer", "tombstone")) == {}


def test_ajv_validates_every_record_of_records_json_with_the_zips_schema_files(built, tmp_path):
    for name, data in built.items():
        if name.startswith("schema/") or name == "records.json":
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_bytes(data)
    result = ajv_validate_records(tmp_path / "records.json", tmp_path / "schema")
    assert (result.returncode, result.stdout) == (0, "12 records, 0 invalid\n"), result.stdout + result.stderr
    document = json.loads(built["records.json"])
    document["records"]["claim"][0]["stance"] = "maybe"
    (tmp_path / "records.json").write_text(json.dumps(document), encoding="utf-8")
    result = ajv_validate_records(tmp_path / "records.json", tmp_path / "schema")
    assert result.returncode == 1
    assert result.stdout.endswith("12 records, 1 invalid\n") and '"instancePath":"/stance"' in result.stdout


def test_the_sqlite_database_has_keys_types_and_the_rows_of_the_csvs(built, tmp_path):
    path = tmp_path / "claimtrail.sqlite"
    path.write_bytes(built["claimtrail.sqlite"])
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    for table in build_layout().tables:
        count = db.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
        assert count == len(csv_rows(built[table.path])) - 1, table.name
        info = {row[1]: row for row in db.execute(f'PRAGMA table_info("{table.name}")')}
        assert [name for name, row in sorted(info.items(), key=lambda kv: kv[1][5]) if row[5]] == list(
            table.primary_key
        )
        declared = {(row[3], row[2]) for row in db.execute(f'PRAGMA foreign_key_list("{table.name}")')}
        assert declared == {(c.name, c.references) for c in table.columns if c.references}, table.name
    assert db.execute("SELECT typeof(start), typeof(quote) FROM pointers LIMIT 1").fetchone() == (
        "integer",
        "text",
    )
    assert db.execute("SELECT misspelled FROM actor_names LIMIT 1").fetchone() == (0,)
    # A row the CHECK constraints refuse: an enum value that does not exist.
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO actors VALUES ('act-x', 'X', 'wizard', NULL)")
    with pytest.raises(sqlite3.IntegrityError):  # and a dangling foreign key, now that they are on
        db.execute("INSERT INTO claim_events VALUES ('clm-necessary', 9, 'evt-nowhere')")


def test_the_sqlite_views_answer_the_common_questions(built, tmp_path):
    path = tmp_path / "claimtrail.sqlite"
    path.write_bytes(built["claimtrail.sqlite"])
    db = sqlite3.connect(path)
    rows = db.execute(
        "SELECT claim, claimant_name, outlet, kind, quote, source FROM claims_with_quotes ORDER BY claim"
    ).fetchall()
    assert rows == [
        (
            "clm-necessary",
            "John Kirby",
            None,
            "indirect_speech",
            "said the strikes were necessary and limited",
            "src-000",
        ),
        ("clm-respond", None, None, "indirect_speech", "a militia said it would respond", "src-000"),
    ]
    rows = db.execute(
        "SELECT event, type, actor_name, role FROM events_with_participants ORDER BY event"
    ).fetchall()
    assert rows == [
        ("evt-post", "statement", "@spokesman", "announced"),
        ("evt-strikes", "airstrike", "John Kirby", "announced"),
    ]
    assert db.execute("SELECT value FROM package_metadata WHERE key = 'version'").fetchone() == (VERSION,)


# -- spreadsheet safety ---------------------------------------------------------------------


def test_spreadsheet_copies_hold_no_formula_and_decode_to_the_canonical_cells(built):
    escaped_some = False
    for table in build_layout().tables:
        copy = built[f"spreadsheet/{table.path}"].decode("utf-8")
        assert copy.startswith("\ufeff")
        raw = list(csv.reader(io.StringIO(copy.removeprefix("\ufeff"), newline="")))
        for row in raw:
            for cell in row:
                assert not cell.startswith(TRIGGERS), (table.path, cell)
                escaped_some |= cell.startswith("'")
        assert read_spreadsheet_csv(copy) == csv_rows(built[table.path]), table.path
    assert escaped_some  # the fixture has =SUM(...), @spokesman, -..., +..., a tab and an apostrophe


@given(st.text())
def test_escape_then_unescape_is_identity(value):
    escaped = escape_cell(value)
    assert unescape_cell(escaped) == value
    assert not escaped.startswith(TRIGGERS)


@given(st.lists(st.lists(st.text(), min_size=1, max_size=4), min_size=1, max_size=5))
def test_a_spreadsheet_copy_of_any_table_decodes_exactly(rows):
    from claimtrail.publish.spreadsheet import spreadsheet_csv

    rows = [[cell.replace("\r", "") for cell in row] for row in rows]  # the csv module's own limit on bare CR
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    assert read_spreadsheet_csv(spreadsheet_csv(buf.getvalue())) == [
        r for r in csv_rows(buf.getvalue().encode())
    ]


# -- refusing invalid data ------------------------------------------------------------------


def test_release_refuses_an_invalid_package(package, tmp_path, capsys):
    pointers = package / "pointers.csv"
    pointers.write_text(
        pointers.read_text(encoding="utf-8").replace("John Kirby", "John Kerby"), encoding="utf-8"
    )
    out = tmp_path / "dist"
    code = main(["release", str(package), "--out", str(out), "--no-python-dist"])
    printed = capsys.readouterr()
    assert code == 1
    assert "pointers.csv:2:" in printed.out and "pointer-quote" in printed.out
    assert "refused" in printed.err
    assert not out.exists()


def test_release_of_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["release", str(tmp_path / "nowhere"), "--no-python-dist"]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_release_command_reports_what_it_wrote(package, tmp_path, capsys):
    out = tmp_path / "dist"
    assert main(["release", str(package), "--out", str(out), "--no-python-dist"]) == 0
    printed = capsys.readouterr().out
    assert (
        f"claimtrail release {VERSION}:" in printed
        and ZIP in printed
        and "sha256sum -c SHA256SUMS" in printed
    )


# -- atomic ---------------------------------------------------------------------------------


def test_a_failing_writer_leaves_nothing_under_the_final_name(tmp_path):
    target = tmp_path / "artifact.zip"

    def half_then_fail(f):
        f.write(b"PK\x03\x04 half of a zip")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, half_then_fail)
    assert list(tmp_path.iterdir()) == []
    target.write_bytes(b"previous release")
    with pytest.raises(OSError):
        write_atomic(target, half_then_fail)
    assert target.read_bytes() == b"previous release"
    assert list(tmp_path.iterdir()) == [target]


def test_a_killed_writer_leaves_nothing_under_the_final_name(tmp_path):
    """SIGKILL half-way through: no cleanup runs, yet the final name never holds a partial file."""
    code = (
        "import os, signal, sys; from pathlib import Path; from claimtrail.files.atomic import write_atomic\n"
        "def half(f):\n"
        "    f.write(b'x' * 100000); f.flush(); os.kill(os.getpid(), signal.SIGKILL)\n"
        "write_atomic(Path(sys.argv[1]), half)\n"
    )
    target = tmp_path / "claimtrail-data-9.9.9.zip"
    done = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True)
    assert done.returncode == -signal.SIGKILL
    assert not target.exists()
    leftovers = [p.name for p in tmp_path.iterdir()]
    assert (
        len(leftovers) == 1 and leftovers[0].startswith(f".{target.name}.") and leftovers[0].endswith(".part")
    )


def test_a_blocked_final_path_fails_cleanly(package, tmp_path, capsys):
    out = tmp_path / "dist"
    (out / ZIP).mkdir(parents=True)  # something that is not a file sits under the final name
    code = main(["release", str(package), "--out", str(out), "--no-python-dist"])
    assert code == 2
    assert "claimtrail release:" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [ZIP]  # no temporary file, no SHA256SUMS
    assert (out / ZIP).is_dir()


# -- wheel and sdist ------------------------------------------------------------------------


def _checkout_copy(target: Path) -> Path:
    """The tracked files of the repository, as a clean checkout would have them."""
    repo = Path(__file__).resolve().parents[2]
    # The suite runs in a checkout (CI clones the repository); without git it cannot say which
    # files a clean checkout holds, and that is a failure, not a reason to skip.
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = repo / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(source.read_bytes())
    return target


@pytest.mark.wheel
@pytest.mark.long
def test_wheel_and_sdist_are_built_reproducibly_beside_the_data_zip(tmp_path):
    assert have_build(), "the build tool is missing: the test extra installs it"
    project = _checkout_copy(tmp_path / "project")
    version = tomllib.loads((project / "pyproject.toml").read_text())["project"]["version"]
    # The project's data replaced by the fixture package at the project's version.
    shutil.rmtree(project / "data")
    write_package(project / "data", metadata={**METADATA, "version": version})
    first = build_release(project / "data", tmp_path / "a", project=project)
    build_release(project / "data", tmp_path / "b", project=project)
    names = sorted(p.name for p in first.files)
    assert names == sorted(
        [SUMS, zip_name(version), f"claimtrail-{version}-py3-none-any.whl", f"claimtrail-{version}.tar.gz"]
    )
    assert (tmp_path / "a" / SUMS).read_bytes() == (tmp_path / "b" / SUMS).read_bytes()
    assert len((tmp_path / "a" / SUMS).read_text().splitlines()) == 3
    with zipfile.ZipFile(tmp_path / "a" / f"claimtrail-{version}-py3-none-any.whl") as wheel:
        assert "claimtrail/data/tombstones.csv" in wheel.namelist()
    # A package whose data is not the project's cannot ship a wheel that bundles other data.
    other = write_package(tmp_path / "other", metadata={**METADATA, "version": version})
    (other / "claims.csv").write_text(
        (other / "claims.csv").read_text().replace("limited.", "limited in scope.")
    )
    (other / "datapackage.json").write_text(regenerate(other)[1])
    with pytest.raises(ReleaseError, match="differs from"):
        build_release(other, tmp_path / "c", project=project)


def test_without_the_build_package_release_says_how_to_install_it(package, tmp_path):
    # A fresh interpreter in which 'import build' fails, as where the release extra is not installed.
    code = (
        "import sys; sys.modules['build'] = None\n"
        "from claimtrail.cli import main; sys.exit(main(['release', sys.argv[1], '--out', sys.argv[2]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(package), str(tmp_path / "dist")], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "pip install 'claimtrail[release]'" in done.stderr and "--no-python-dist" in done.stderr
    assert not (tmp_path / "dist").exists()
