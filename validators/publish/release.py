"""``claimtrail release``: a validated package turned into reproducible release artifacts.

The data zip ``claimtrail-data-<version>.zip`` holds (flat, so that the zip is itself a Data
Package):

- ``datapackage.json`` and the CSV tables, unchanged: the canonical data;
- ``sources/``: the source texts, byte for byte;
- ``schema/``: the JSON Schemas the records follow, each file self-contained (bundle.py), and
  ``layout.json``, how the records are stored as tables;
- ``records.json`` (every record, nested, by record type) and ``jsonl/<table>.jsonl`` (one
  record per line), in canonical JSON (sorted keys, fixed separators, UTF-8);
- ``claimtrail.sqlite``: one table per CSV table with keys and types, plus views;
- ``spreadsheet/``: the tables made safe to open in a spreadsheet (see spreadsheet.py);
- ``parquet/<table>.parquet``: every table typed by its Table Schema (parquet.py);
- ``claimtrail.xlsx``: every table as a sheet of text cells, for spreadsheet users (xlsx.py);
- ``data-dictionary.md`` and ``README.md``;
- ``site/``: the provenance browser (open ``site/index.html``; see site/builder.py);
- ``SHA256SUMS``: the sha256 of every other member, in ``sha256sum`` format.

The same package gives the same bytes: members sorted, every timestamp fixed (see
release_timestamp), fixed permissions, fixed compression. Every final file is written under a
temporary name and renamed when complete (atomic.py). Nothing is built from a package that
does not validate.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimtrail.contract.bundle import bundled_files
from claimtrail.contract.descriptor import DESCRIPTOR, build_descriptor, dumps
from claimtrail.contract.dictionary import render_dictionary
from claimtrail.contract.layout import Layout, build_layout
from claimtrail.contract.problems import Report
from claimtrail.contract.schemas import LAYOUT_FILE, load_schemas
from claimtrail.files.atomic import commit, write_atomic, write_bytes_atomic
from claimtrail.files.limits import (
    MAX_DESCRIPTOR_BYTES,
    MAX_SOURCE_BYTES,
    MAX_TABLE_BYTES,
)
from claimtrail.files.safe_open import read_regular
from claimtrail.package.arrow import ArrowMissing
from claimtrail.package.csvio import CsvTable, read_csv
from claimtrail.package.records import assemble
from claimtrail.package.typed import TypingError
from claimtrail.publish.parquet import parquet_members
from claimtrail.publish.reproducible import ZIP_EPOCH, normalize_sdist, normalize_wheel
from claimtrail.publish.site.builder import release_site
from claimtrail.publish.spreadsheet import escape_cell, read_spreadsheet_csv, spreadsheet_csv, unescape_cell  # noqa: F401 (public)
from claimtrail.publish.sqlite_export import build_sqlite
from claimtrail.publish.xlsx import WORKBOOK, WorkbookError, workbook_bytes

SUMS = "SHA256SUMS"
SQLITE = "claimtrail.sqlite"
RECORDS = "records.json"
DICTIONARY = "data-dictionary.md"
SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
RECORDS_FORMAT_VERSION = 1


class ReleaseRefused(Exception):
    """The package is not valid: nothing is built."""

    def __init__(self, report: Report):
        super().__init__(f"{report.package} is not valid")
        self.report = report


class ReleaseError(Exception):
    """A release cannot be built for a reason the user can fix (message says how)."""


@dataclass
class Release:
    version: str
    zip_path: Path
    files: list[Path] = field(default_factory=list)  # everything written to the output folder
    members: dict[str, int] = field(default_factory=dict)  # zip member -> size in bytes
    seconds: dict[str, float] = field(default_factory=dict)  # time per stage


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def zip_folder(version: str) -> str:
    """The one top-level folder of the release zip: unzipping makes that folder, nothing else."""
    return f"claimtrail-data-{version}"


def zip_name(version: str) -> str:
    return f"{zip_folder(version)}.zip"


def sha256sums(files: dict[str, bytes]) -> str:
    """Lines as ``sha256sum`` writes them (two spaces: text mode), sorted by name."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))


def release_timestamp(descriptor: dict[str, Any]) -> int:
    """The time every zip entry carries: SOURCE_DATE_EPOCH when set (the reproducible-builds
    convention), else the descriptor's ``created``, else 1980-01-01. Never the clock."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env:
        if not env.isdecimal():
            raise ReleaseError(f"SOURCE_DATE_EPOCH must be a number of seconds, not {env!r}")
        return max(int(env), ZIP_EPOCH)
    created = descriptor.get("created")
    if isinstance(created, str):
        try:
            moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            raise ReleaseError(f"{DESCRIPTOR}: created {created!r} is not an ISO 8601 date-time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return max(int(moment.timestamp()), ZIP_EPOCH)
    return ZIP_EPOCH


# -- the members of the data zip ------------------------------------------------------------


def _readme(version: str, tables: list[str]) -> str:
    return f"""# claimtrail data {version}

Curated event, actor and claim records, each with provenance pointers into the source texts
in `sources/`. The records are CC-BY-4.0; the source texts remain their publishers'.

- `datapackage.json` and the `*.csv` tables: the canonical data (a Frictionless Data
  Package v2; the table schemas are derived from `schema/`, and each table declares the CSV
  dialect it is written in: comma, double quotes, LF, one header row).
- `records.json`: every record nested as the JSON Schemas in `schema/` describe it, by
  record type; `jsonl/`: the same records, one JSON Lines file per record type.
- `schema/`: the JSON Schemas (draft 2020-12), each file self-contained, so that any
  validator checks a record offline with it alone, e.g. `check-jsonschema --schemafile
  schema/claim.schema.json claim.json`; `schema/layout.json`: how records become tables.
- `{SQLITE}`: one SQLite table per CSV table (keys declared, columns typed) and views
  for common questions (claims_with_quotes, events_with_participants, ...).
- `{WORKBOOK}`: the file to open in a spreadsheet program (Excel, LibreOffice Calc, ...):
  one sheet per table, every cell a text cell exactly as in the CSV, header row frozen.
  No formula runs, no leading zero is lost, there is no encoding to choose.
- `parquet/`: one Parquet file per table, typed by the Table Schema (strings, 64-bit
  integers, booleans, dates; an empty cell is null): pandas, polars, DuckDB and Arrow read
  them with no option, e.g. `pandas.read_parquet("parquet/events.parquet")`.
- `spreadsheet/`: the same tables as CSV for programs that only import CSV. A cell that starts with
  `=`, `+`, `-`, `@`, a tab, a carriage return or an apostrophe has one apostrophe put in
  front of it; remove one leading apostrophe to get the exact value back
  (`claimtrail.publish.release.unescape_cell`). Files are UTF-8 with a byte-order mark,
  CRLF line ends, every cell quoted: choose the character set "Unicode (UTF-8)" when the
  program asks (LibreOffice's import dialogue), or `’` shows as `â€™`.
- `{DICTIONARY}`: every table and column.
- `site/`: a provenance browser of the records: open `site/index.html` in a browser, from
  the unpacked folder or any static host; it loads nothing from elsewhere.
- `{SUMS}`: the SHA-256 of every other file: check with `sha256sum -c {SUMS}`.

Tables: {", ".join(tables)}.
"""


def _records_json(layout: Layout, tables, metadata: dict[str, Any]) -> tuple[bytes, dict[str, bytes]]:
    assembled = assemble(layout, tables)
    records = {rt: [a.record for a in items] for rt, items in assembled.items()}
    document = {
        "format_version": RECORDS_FORMAT_VERSION,
        "name": metadata.get("name"),
        "version": metadata.get("version"),
        "records": records,
    }
    lines = {
        f"jsonl/{layout.root[rt].name}.jsonl": "".join(canonical_json(r) + "\n" for r in items).encode()
        for rt, items in records.items()
    }
    return (canonical_json(document) + "\n").encode(), lines


def release_members(package: Path, work: Path) -> dict[str, bytes]:
    """Every member of the data zip but SHA256SUMS, by name. ``work`` is a scratch folder."""
    layout = build_layout()
    descriptor = json.loads(read_regular(package / DESCRIPTOR, MAX_DESCRIPTOR_BYTES, package).decode("utf-8"))
    members: dict[str, bytes] = {DESCRIPTOR: dumps(build_descriptor(package, descriptor, layout)).encode()}
    tables = {}
    for spec in layout.tables:
        data = read_regular(package / spec.path, MAX_TABLE_BYTES, package)
        members[spec.path] = data
        members[f"spreadsheet/{spec.path}"] = spreadsheet_csv(data.decode("utf-8")).encode("utf-8")
        tables[spec.name] = read_csv(package / spec.path, spec.path)
    for row in tables[layout.root["source"].name].rows:
        members[row["path"]] = read_regular(package / row["path"], MAX_SOURCE_BYTES, package)
    schemas = load_schemas()
    for name, text in bundled_files(schemas).items():  # each self-contained, as users point at it
        members[f"schema/{name}"] = text.encode("utf-8")
    members[f"schema/{LAYOUT_FILE}"] = (schemas.folder / LAYOUT_FILE).read_bytes()
    members[RECORDS], jsonl = _records_json(layout, tables, descriptor)
    members.update(jsonl)
    db = work / SQLITE
    build_sqlite(
        db,
        layout,
        tables,
        {
            "name": str(descriptor.get("name")),
            "version": str(descriptor.get("version")),
            "license": "CC-BY-4.0 (the records); source texts: their publishers'",
        },
    )
    members[SQLITE] = db.read_bytes()
    members[DICTIONARY] = render_dictionary().encode()
    members.update(
        typed_copies(json.loads(members[DESCRIPTOR]), layout, tables, release_timestamp(descriptor))
    )
    members.update(release_site(package))
    members["README.md"] = _readme(str(descriptor.get("version")), [t.name for t in layout.tables]).encode()
    return members


def typed_copies(
    descriptor: dict[str, Any], layout: Layout, tables: dict[str, CsvTable], timestamp: int
) -> dict[str, bytes]:
    """The Parquet files and the xlsx workbook, typed by the release's own descriptor."""
    try:
        members = parquet_members(descriptor, tables)
        members[WORKBOOK] = workbook_bytes(
            [tables[t.name] for t in layout.tables],
            [t.name for t in layout.tables],
            timestamp,
            f"claimtrail data {descriptor.get('version')}",
        )
    except (ArrowMissing, TypingError, WorkbookError) as e:
        raise ReleaseError(str(e)) from None
    return members


def write_zip(path: Path, members: dict[str, bytes], timestamp: int, folder: str | None = None) -> None:
    """A zip whose bytes depend only on ``members``, ``timestamp`` and ``folder`` (the top-level
    folder every member is put in, if given); written atomically."""
    date_time = time.gmtime(max(timestamp, ZIP_EPOCH))[:6]

    def write(f) -> None:
        with zipfile.ZipFile(f, "w") as z:
            for name in sorted(members):
                info = zipfile.ZipInfo(f"{folder}/{name}" if folder else name, date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # unix, so that the permissions below are read
                info.external_attr = 0o100644 << 16
                z.writestr(info, members[name], compresslevel=9)

    write_atomic(path, write)


# -- wheel and sdist ------------------------------------------------------------------------


def source_checkout(package: Path | None = None) -> Path | None:
    """The source checkout to build the wheel and sdist from: the one the package folder is in
    (data/ of a checkout), else the one this module lives in (editable install), else None."""
    candidates = list(Path(package).resolve().parents) if package is not None else []
    candidates.append(Path(__file__).resolve().parent.parent)
    for folder in candidates:
        if (
            (folder / "pyproject.toml").is_file()
            and (folder / "validators").is_dir()
            and (folder / "schema").is_dir()
        ):
            return folder
    return None


def project_version(project: Path) -> str:
    import tomllib

    with open(project / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def bundled_differences(package: Path, project: Path) -> list[str]:
    """Files of the package that the project's data/ (what the wheel bundles) holds differently."""
    names = [DESCRIPTOR] + [t.path for t in build_layout().tables]
    names += [f"sources/{p.name}" for p in sorted((package / "sources").glob("*")) if p.is_file()]
    differing = []
    for name in names:
        mine, theirs = package / name, project / "data" / name
        if not theirs.is_file() or mine.read_bytes() != theirs.read_bytes():
            differing.append(name)
    return differing


def have_build() -> bool:
    # Ask for build's entry point, not just "build": a checkout's build/ folder (setuptools'
    # output) imports as an empty namespace package named build.
    from importlib.util import find_spec

    try:
        return find_spec("build.__main__") is not None
    except ImportError:
        return False


def build_python_dist(project: Path, out: Path, timestamp: int) -> list[Path]:
    """Build the wheel and sdist of ``project`` into ``out`` (each file moved in atomically).

    Build from a clean checkout: the sdist takes whatever files the folder holds."""
    with tempfile.TemporaryDirectory(dir=out, prefix=".build-") as tmp:
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(timestamp)}
        child = subprocess.Popen(
            [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", tmp, str(project)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            output, _ = child.communicate()
        except BaseException:
            # Interrupted: the build must stop writing into tmp before tmp is removed.
            child.kill()
            child.wait()
            raise
        if child.returncode != 0:
            tail = "\n".join(output.strip().splitlines()[-15:])
            raise ReleaseError(f"building the wheel and sdist failed:\n{tail}")
        built = []
        for item in sorted(Path(tmp).iterdir()):
            if item.suffix in (".whl", ".gz"):
                (normalize_wheel if item.suffix == ".whl" else normalize_sdist)(item, timestamp)
                target = out / item.name
                commit(item, target)
                built.append(target)
        return built


# -- the whole release ----------------------------------------------------------------------


def build_release(package: Path, out: Path, python_dist: bool = True, project: Path | None = None) -> Release:
    from claimtrail.validation.validate import validate_package

    package, out = Path(package), Path(out)
    started = time.perf_counter()
    report = validate_package(package)
    if report.sorted_problems():
        raise ReleaseRefused(report)
    seconds = {"validate": time.perf_counter() - started}
    descriptor = json.loads((package / DESCRIPTOR).read_text(encoding="utf-8"))
    version = descriptor.get("version")
    if not isinstance(version, str) or not SEMVER.fullmatch(version):
        raise ReleaseError(f"{package / DESCRIPTOR}: version {version!r} is not MAJOR.MINOR.PATCH")
    if python_dist:
        if not have_build():
            raise ReleaseError(
                "building the wheel and sdist needs the 'build' package: "
                "pip install 'claimtrail[release]' (or pass --no-python-dist)"
            )
        project = project or source_checkout(package)
        if project is None:
            raise ReleaseError("no source checkout to build the wheel and sdist from; pass --no-python-dist")
        if project_version(project) != version:
            raise ReleaseError(
                f"the data is version {version} but {project / 'pyproject.toml'} says "
                f"{project_version(project)}; make them agree (see README, Versions and releases)"
            )
        differing = bundled_differences(package, project)
        if differing:
            raise ReleaseError(
                f"the wheel would bundle {project / 'data'}, which differs from {package} in "
                f"{', '.join(differing[:5])}; release the project's own data, or pass --no-python-dist"
            )
    timestamp = release_timestamp(descriptor)
    out.mkdir(parents=True, exist_ok=True)
    result = Release(version, out / zip_name(version))
    t = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=out, prefix=".release-") as work:
        members = release_members(package, Path(work))
    members[SUMS] = sha256sums(members).encode()
    result.members = {name: len(data) for name, data in sorted(members.items())}
    write_zip(result.zip_path, members, timestamp, zip_folder(version))
    result.files.append(result.zip_path)
    seconds["zip"] = time.perf_counter() - t
    if python_dist:
        t = time.perf_counter()
        assert project is not None  # checked above, before anything was built
        result.files += build_python_dist(project, out, timestamp)
        seconds["python-dist"] = time.perf_counter() - t
    # Written last: its presence says the release in this folder is complete.
    sums = sha256sums({p.name: p.read_bytes() for p in result.files})
    write_bytes_atomic(out / SUMS, sums.encode())
    result.files.append(out / SUMS)
    result.seconds = seconds
    return result


def read_release_zip(path: Path) -> dict[str, bytes]:
    """The files of a release zip by their name inside its top-level folder, read safely
    (files/zipread.py): an unsafe entry, a zip bomb or a non-zip raises ReleaseError."""
    from claimtrail.files.zipread import ExtractedZip, ZipRefused

    try:
        with ExtractedZip(path) as folder:
            entries = list(folder.iterdir())
            top = entries[0] if len(entries) == 1 and entries[0].is_dir() else folder
            return {
                p.relative_to(top).as_posix(): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()
            }
    except ZipRefused as e:
        raise ReleaseError(str(e)) from None


def verify_sums(members: dict[str, bytes]) -> list[str]:
    """Names whose sha256 differs from the zip's SHA256SUMS, or that it does not list."""
    listed = {}
    for line in members.get(SUMS, b"").decode().splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    bad = [n for n, d in listed.items() if n not in members or hashlib.sha256(members[n]).hexdigest() != d]
    bad += [n for n in members if n != SUMS and n not in listed]
    return sorted(bad)
