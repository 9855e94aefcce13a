"""The built wheel, not the checkout: schema and data ship as package data, no 'validators'."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, REPO, SCHEMA
from once import once
from schema_clients import check_every_type, record_files

pytestmark = pytest.mark.wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The checkout's wheel, built once per test run even when xdist sends these tests to
    different workers (once.py)."""

    def build(out: Path) -> None:
        # In this environment, whose test extra holds the build requirements: the same backend
        # builds the same wheel in a second, not the several an isolated environment takes.
        # `claimtrail release` builds in an isolated one (test_release.py).
        subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
            check=True,
            capture_output=True,
            text=True,
        )

    [built] = once(tmp_path_factory, "wheel", build).glob("claimtrail-*.whl")
    return built


def test_wheel_holds_one_copy_of_schema_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in [*SCHEMA.glob("*.schema.json"), SCHEMA / "layout.json"]:
        assert f"claimtrail/schema/{path.name}" in names
    for path in DATA.glob("*.csv"):
        assert f"claimtrail/data/{path.name}" in names
    for path in (DATA / "sources").glob("*.txt"):
        assert f"claimtrail/data/sources/{path.name}" in names
    assert "claimtrail/data/datapackage.json" in names
    site = REPO / "validators" / "publish" / "site"
    for path in [*site.glob("templates/*.html"), *site.glob("static/*")]:
        assert f"claimtrail/publish/site/{path.relative_to(site)}" in names
    assert not any(n.startswith("validators/") for n in names), (
        "a top-level 'validators' would shadow the PyPI package"
    )
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_loads_and_validates_its_bundled_data(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import claimtrail, claimtrail.files.bundled as b;"
        "assert str(b.data_dir()).startswith(sys.argv[1]), b.data_dir();"
        "ds = claimtrail.load(); print(len(ds.sources));"
        "from claimtrail.cli import main; sys.exit(main(['validate']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(target)], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == str(len(list((DATA / "sources").glob("*.txt"))))
    assert "valid:" in result.stdout


def test_check_jsonschema_validates_records_with_the_wheels_schema_files_offline(wheel, tmp_path):
    """The installed package's schema files are the checkout's, and work alone, offline."""
    folder = tmp_path / "schema"
    folder.mkdir()
    with zipfile.ZipFile(wheel) as wheel_zip:
        for path in SCHEMA.glob("*.schema.json"):
            data = wheel_zip.read(f"claimtrail/schema/{path.name}")
            assert data == path.read_bytes(), path.name
            (folder / path.name).write_bytes(data)
    records = record_files(tmp_path / "records")
    assert check_every_type(folder, records, tmp_path, types=("claim", "pointer", "tombstone")) == {}
