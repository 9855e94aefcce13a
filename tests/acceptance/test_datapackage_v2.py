"""The descriptor as other people's tools read it: the official Data Package v2 profiles
(tests/profiles/, with the jsonschema library, not frictionless), the Table Dialect every CSV
resource declares, and the npm ``datapackage`` library reading every table."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, REPO
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT7

from claimtrail.cli import main
from claimtrail.contract.layout import build_layout
from claimtrail.publish.release import zip_name

PROFILES = REPO / "tests" / "profiles" / "datapackage-v2"
PROFILE_BASE = "https://datapackage.org/profiles/2.0/"
JS = REPO / "tests" / "js"

# Each profile under the URL the specification publishes it at. The registry has no retrieve
# function: a URL that is not one of these is Unresolvable, never fetched.
REGISTRY = Registry().with_resources(
    (PROFILE_BASE + p.name, Resource.from_contents(json.loads(p.read_text("utf-8")), DRAFT7))
    for p in sorted(PROFILES.glob("*.json"))
)


@functools.cache
def validator_of(url: str) -> Draft7Validator:
    return Draft7Validator({"$ref": url}, registry=REGISTRY, format_checker=Draft7Validator.FORMAT_CHECKER)


def profile_errors(descriptor: dict) -> list[str]:
    """Every error of the descriptor against the v2 profiles: the package against the profile
    its $schema names, then each resource against dataresource.json and each table schema and
    dialect against the profile it names itself."""
    errors: list[str] = []

    def check(instance, url, where: str) -> None:
        try:
            for e in validator_of(url).iter_errors(instance):
                errors.append(f"{where}/{'/'.join(map(str, e.absolute_path))}: {e.message}")
        except Unresolvable as e:
            errors.append(f"{where}: profile {url!r} is not a Data Package v2 profile ({e})")

    check(descriptor, descriptor.get("$schema"), "")
    for i, resource in enumerate(descriptor.get("resources", [])):
        check(resource, PROFILE_BASE + "dataresource.json", f"/resources/{i}")
        for part in ("schema", "dialect"):
            if isinstance(resource.get(part), dict):
                check(resource[part], resource[part].get("$schema"), f"/resources/{i}/{part}")
    return list(dict.fromkeys(errors))  # the package profile and dataresource.json see the same


def descriptor_of(root: Path) -> dict:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def release_descriptor(tmp_path_factory) -> bytes:
    """datapackage.json of the release zip that 'claimtrail release --no-python-dist' builds."""
    out = tmp_path_factory.mktemp("dist")
    assert main(["release", str(DATA), "--no-python-dist", "--out", str(out)]) == 0
    version = descriptor_of(DATA)["version"]
    with zipfile.ZipFile(out / zip_name(version)) as z:
        return z.read(f"claimtrail-data-{version}/datapackage.json")  # the zip's one top folder


# -- the official profiles --------------------------------------------------------------------


def test_the_vendored_profiles_are_the_ones_the_readme_names():
    readme = (REPO / "tests" / "profiles" / "README.md").read_text(encoding="utf-8")
    names = sorted(p.name for p in PROFILES.glob("*.json"))
    assert names == ["datapackage.json", "dataresource.json", "tabledialect.json", "tableschema.json"]
    for name in names:
        digest = hashlib.sha256((PROFILES / name).read_bytes()).hexdigest()
        assert f"| `{name}` | `{PROFILE_BASE}{name}` | `{digest}` |" in readme, name


def test_the_descriptor_conforms_to_the_v2_profiles():
    descriptor = descriptor_of(DATA)
    assert descriptor["$schema"] == PROFILE_BASE + "datapackage.json"
    assert profile_errors(descriptor) == []


def test_the_release_descriptor_conforms_to_the_v2_profiles(release_descriptor):
    assert profile_errors(json.loads(release_descriptor)) == []
    assert release_descriptor == (DATA / "datapackage.json").read_bytes()


def test_the_profiles_reject_what_v2_forbids():
    """The check can fail: the 0.1.0 form of a source resource, a malformed dialect and a
    profile URL that is not v2's are each reported."""
    descriptor = descriptor_of(DATA)
    source = next(i for i, r in enumerate(descriptor["resources"]) if "schema" not in r)
    descriptor["resources"][source]["type"] = "text"
    descriptor["resources"][0]["dialect"]["header"] = "yes"
    descriptor["resources"][1]["schema"]["$schema"] = PROFILE_BASE + "no-such-profile.json"
    errors = profile_errors(descriptor)
    assert any(e.startswith(f"/resources/{source}/type: 'text' is not one of ['table']") for e in errors)
    assert any(e.startswith("/resources/0/dialect/header: 'yes' is not of type 'boolean'") for e in errors)
    assert any(e.startswith("/resources/1/schema: profile") for e in errors)


# -- the declared dialect ---------------------------------------------------------------------


def python_csv_options(dialect: dict) -> dict:
    """A declared Table Dialect as Python csv options, with the specification's defaults."""
    return {
        "delimiter": dialect.get("delimiter", ","),
        "lineterminator": dialect.get("lineTerminator", "\r\n"),
        "quotechar": dialect.get("quoteChar", '"'),
        "doublequote": dialect.get("doubleQuote", True),
        "escapechar": dialect.get("escapeChar"),
        "skipinitialspace": dialect.get("skipInitialSpace", False),
    }


def assert_tables_are_written_as_declared(root: Path) -> int:
    """Every CSV resource declares a dialect, and writing its cells in that dialect gives the
    file's bytes exactly; every other resource has no v2-invalid type. Returns the tables seen."""
    tables = 0
    for resource in descriptor_of(root)["resources"]:
        if resource.get("format") != "csv":
            assert "type" not in resource, resource["name"]
            continue
        dialect = resource.get("dialect")
        assert isinstance(dialect, dict), f"{resource['name']}: no dialect"
        assert dialect.get("header", True) is True
        data = (root / resource["path"]).read_bytes()
        options = python_csv_options(dialect)
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), **options))
        assert rows[0] == [f["name"] for f in resource["schema"]["fields"]]
        again = io.StringIO(newline="")
        csv.writer(again, **options).writerows(rows)
        assert again.getvalue().encode("utf-8") == data, f"{resource['path']} is not written as declared"
        tables += 1
    return tables


def test_the_bundled_tables_are_written_in_their_declared_dialect():
    assert assert_tables_are_written_as_declared(DATA) == len(build_layout().tables)


def test_the_writer_writes_the_declared_dialect(small_package):
    """Cells that need quoting (a comma, a double quote, a line break, an apostrophe, spaces
    at the edges) as the package's writer writes them, read back with the declared dialect."""
    from claimtrail.contract.descriptor import regenerate
    from claimtrail.package.csvio import write_csv

    awkward = 'He said, "no" \u2019twice\u2019\nthen left '
    table = build_layout().table("actors")
    header = [c.name for c in table.columns]
    write_csv(small_package / table.path, header, [{"id": "act-x", "name": " x", "description": awkward}])
    (small_package / "datapackage.json").write_text(regenerate(small_package)[1], encoding="utf-8")
    assert assert_tables_are_written_as_declared(small_package) == len(build_layout().tables)
    data = (small_package / table.path).read_text(encoding="utf-8")
    assert data.endswith('\nact-x, x,,"He said, ""no"" \u2019twice\u2019\nthen left "\n')


# -- the npm datapackage library --------------------------------------------------------------


def read_with_npm_datapackage(descriptor: Path) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: apt-get install nodejs npm (.ci/setup.d/10-node.sh)")
    if not (JS / "node_modules" / "datapackage" / "package.json").is_file():
        pytest.fail("the npm datapackage library is not installed: npm ci --prefix tests/js")
    run = subprocess.run(
        [node, str(JS / "read_package.js"), str(descriptor)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_npm_datapackage_library_reads_every_table():
    """Every table, with cast and relations (each cell cast to its type, each foreign key
    resolved), has the CSV's rows; read as text, every cell is the CSV's."""
    result = read_with_npm_datapackage(DATA / "datapackage.json")
    assert result["valid"], result["errors"]
    layout = build_layout()
    assert sorted(result["tables"]) == sorted(t.name for t in layout.tables)
    for table in layout.tables:
        got = result["tables"][table.name]
        rows = list(csv.reader(io.StringIO((DATA / table.path).read_text(encoding="utf-8"), newline="")))
        assert got["header"] == rows[0], table.name
        assert got["typed"] == len(rows) - 1, table.name
        assert got["cells"] == rows[1:], table.name
