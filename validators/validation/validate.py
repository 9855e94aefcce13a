"""``claimtrail validate``: the four steps, in order.

1. the descriptor: strict JSON, a Data Package, resource names and paths sound, table
   schemas equal to those derived from the JSON Schemas, table dialects equal to the one the
   tables are written in;
2. frictionless validation of every table (types, constraints, primary and foreign keys);
3. JSON Schema validation of every record assembled from the tables;
4. the checks frictionless cannot make (checks.py);
5. once the rest is valid, coverage: every content sentence of every source is covered by a
   record or listed in uncoded.csv (coverage.py), unless the package declares partial coverage.

Validation only reads: nothing under the package folder is written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from claimtrail.contract.descriptor import DESCRIPTOR, PACKAGE_PROFILE, table_schema
from claimtrail.contract.dialect import TABLE_DIALECT
from claimtrail.contract.layout import Layout, build_layout
from claimtrail.contract.problems import Problem, Report
from claimtrail.files.jsonload import StrictJSONError, line_of, loads
from claimtrail.files.limits import MAX_DESCRIPTOR_BYTES, MAX_RESOURCES
from claimtrail.files.safe_open import UnsafeFile, read_regular, regular_file
from claimtrail.package.csvio import CsvTable, decode, read_csv
from claimtrail.package.records import assemble
from claimtrail.validation import checks, descriptor_safety
from claimtrail.validation.coverage import coverage_problems
from claimtrail.validation.frictionless_metadata import Verdict
from claimtrail.validation.frictionless_problems import translate
from claimtrail.validation.reading_rules import CsvFrames, check_reading_rules
from claimtrail.validation.record_schemas import check_record_schemas

_NOT_V2 = "not a valid Data Package: "  # how a metadata error of frictionless' is reported


class UnreadablePackage(Exception):
    """The path is not a package at all: a usage error (exit 2), not an invalid package."""


def validate_package(root: Path, engine: str = "fast", progress=None, label: str | None = None) -> Report:
    """Validate the package at ``root``. engine "fast" (validation/fast/, polars) or "frictionless"
    (the reference steps below); the fast engine hands a package it cannot vouch for back to
    the reference. ``progress(step)`` is told each step as it starts; ``label`` names the
    package in the report (default: ``root``)."""
    root = Path(root)
    if not root.is_dir():
        raise UnreadablePackage(f"{root}: not a directory (expected a folder holding {DESCRIPTOR})")
    if not (root / DESCRIPTOR).is_file():
        if os.path.lexists(root / DESCRIPTOR):  # a FIFO, a device, a directory: never opened
            try:
                regular_file(root / DESCRIPTOR)
            except UnsafeFile as e:
                raise UnreadablePackage(f"{root / DESCRIPTOR}: {e.reason}") from None
        raise UnreadablePackage(f"{root}: no {DESCRIPTOR} in this folder")
    report = Report(label or str(root))
    layout = build_layout()
    descriptor, metadata = _check_descriptor(root, layout, report, engine)
    report.steps.append("descriptor")
    if descriptor is None:
        metadata.report(report)
        return report
    # frictionless' own metadata errors: the reference may not even open the package, and
    # only the reference says what comes of it. While a child process looks for them
    # (frictionless_metadata.Verdict), the fast engine goes on; if it finds any, what the fast
    # engine reported is set aside and the reference runs.
    if engine == "fast" and not metadata.known_to_fail:
        from claimtrail.validation.fast.run import run_fast

        before = (list(report.problems), list(report.steps), dict(report.counts))
        outcome = run_fast(root, descriptor, layout, report, progress)
        if metadata.notes():
            report.problems, report.steps, report.counts = before
            outcome.fallback = "frictionless' metadata errors"
        metadata.report(report)
        if outcome.fallback is None:
            _check_coverage(root, descriptor, report, progress, outcome.coverage)
            return report
    else:
        metadata.report(report)
    if progress:
        progress("tables (frictionless)")
    tables = {t.name: read_csv(root / t.path, t.path) for t in layout.tables if _listed(descriptor, t.name)}
    for table in tables.values():
        for p in table.problems:
            report.add(p)
    _check_tables(root, descriptor, tables, report, layout)
    report.steps.append("tables")
    records = assemble(layout, {name: t for name, t in tables.items() if t.readable})
    report.counts = {t: len(v) for t, v in records.items()}
    check_record_schemas(records, tables, report)
    report.steps.append("records")
    package = checks.Package(root, layout, tables, records)
    for check in checks.CHECKS:
        for problem in check(package):
            report.add(problem)
    for problem in check_reading_rules(CsvFrames(tables, layout), layout):
        report.add(problem)
    report.steps.append("references")
    _check_coverage(root, descriptor, report, progress)
    return report


def _check_coverage(root: Path, descriptor: dict[str, Any], report: Report, progress, inputs=None) -> None:
    """Step 5, the same for both engines: every content sentence covered or deliberately
    uncoded. It runs once the rest is valid: the spans of invalid pointers prove nothing."""
    if report.sorted_problems():
        return
    if progress:
        progress("coverage")
    for problem in coverage_problems(root, descriptor, inputs):
        report.add(problem)
    report.steps.append("coverage")


def _listed(descriptor: dict[str, Any], name: str) -> bool:
    return any(isinstance(r, dict) and r.get("name") == name for r in descriptor.get("resources", []))


# -- step 1 ---------------------------------------------------------------------------------


class _Metadata:
    """frictionless' metadata errors of the descriptor, reported where the descriptor step
    found them (the problems before them are kept in front, for the report's order)."""

    def __init__(self, verdict: Verdict | None = None, at: int = 0):
        self.verdict, self.at = verdict, at

    @property
    def known_to_fail(self) -> bool:
        return self.verdict is not None and self.verdict.known_to_fail

    def notes(self) -> list[str]:
        """frictionless' notes, waiting for them if a child still looks for them."""
        return self.verdict.notes() if self.verdict is not None else []

    def report(self, report: Report) -> None:
        found = [
            Problem(DESCRIPTOR, "descriptor-profile", f"{_NOT_V2}{note}", line=1)
            for note in self.notes()
            if "is not safe" not in note  # an unsafe path is reported by the descriptor step, with its line
        ]
        report.problems[self.at : self.at] = found
        self.verdict = None


def _check_descriptor(
    root: Path, layout: Layout, report: Report, engine: str = "fast"
) -> tuple[dict[str, Any] | None, _Metadata]:
    """The parsed descriptor, or None when nothing further can be checked, and frictionless'
    metadata errors of it (to be reported when they are known)."""
    name = DESCRIPTOR
    try:
        data = read_regular(root / name, MAX_DESCRIPTOR_BYTES, root)
    except UnsafeFile as e:
        check = "limit-size" if e.too_large else "unsafe-file"
        report.add(Problem(name, check, f"cannot read the descriptor: {e.reason}"))
        return None, _Metadata()
    text, problems = decode(data, name)
    if text is None:
        for p in problems:
            report.add(Problem(name, "descriptor-json", p.message, line=p.line, column=p.column))
        return None, _Metadata()
    try:
        descriptor = loads(text)
    except StrictJSONError as e:
        report.add(
            Problem(name, "descriptor-json", f"not valid JSON: {e.message}", line=e.line, column=e.column)
        )
        return None, _Metadata()
    if not isinstance(descriptor, dict):
        report.add(Problem(name, "descriptor-profile", "the descriptor is not a JSON object", line=1))
        return None, _Metadata()

    def at(key: str, value) -> int:  # the line to point at; the top of the file when not found
        return line_of(text, key, value) or 1

    regenerate = f"run 'claimtrail descriptor {report.package}'"
    resources = descriptor.get("resources")
    if isinstance(resources, list) and len(resources) > MAX_RESOURCES:
        report.add(
            Problem(
                name,
                "limit-resources",
                f"the descriptor lists {len(resources)} resources, more than the limit of {MAX_RESOURCES}",
                line=1,
                field="resources",
                expected=f"at most {MAX_RESOURCES}",
                found=str(len(resources)),
            )
        )
        return None, _Metadata()
    refused = descriptor_safety.package_urls(descriptor)
    tables = {t.name for t in layout.tables}
    inside = _Inside(root)
    for i, res in enumerate(resources if isinstance(resources, list) else []):
        if isinstance(res, dict):
            found = descriptor_safety.resource_urls(res, i) + descriptor_safety.declarations(res, i)
            path = res.get("path")
            if isinstance(path, str) and inside.plain(path):
                why = None  # a regular file in a folder inside the package: nothing to refuse
            elif isinstance(path, str) and inside(path):
                why = descriptor_safety.unsafe_file(root, path)
            else:
                why = None
            if why is not None and res.get("name") in tables:
                res["_unsafe"] = True  # the table step reports it, naming the table
            elif why is not None:
                message = f"resource {res.get('name')!r}: {path}: {why}"
                found.append(("unsafe-file", f"resources[{i}].path", path, message, None))
            if found:
                res["_unsafe"] = True
            refused += found
    for kind, fld, value, message, fix in refused:
        key = fld.rsplit(".", 1)[-1]
        # The names descriptor_safety gives its findings, written out for the report's docs.
        check = next(c for c in ("descriptor-url", "descriptor-declaration", "unsafe-file") if c == kind)
        report.add(
            Problem(
                name,
                check,
                message,
                line=(line_of(text, key, value) or 1) if isinstance(value, (str, int, float)) else 1,
                field=fld,
                found=str(value) if not isinstance(value, (dict, list)) else None,
                fix=fix,
            )
        )
    refused_at = [
        i
        for i, r in enumerate(resources if isinstance(resources, list) else [])
        if isinstance(r, dict) and r.get("_unsafe")
    ]
    verdict = Verdict(text, descriptor, refused_at, in_child=engine == "fast")
    metadata = _Metadata(verdict, len(report.problems))
    if descriptor.get("$schema") != PACKAGE_PROFILE:
        report.add(
            Problem(
                name,
                "descriptor-profile",
                "the descriptor must declare the Data Package v2 profile",
                line=at("$schema", descriptor.get("$schema")),
                field="$schema",
                expected=PACKAGE_PROFILE,
                found=str(descriptor.get("$schema")),
                fix=regenerate if "resources" in descriptor else None,
            )
        )
    if not isinstance(resources, list):
        return None, metadata
    seen: set[str] = set()
    for i, res in enumerate(resources):
        if not isinstance(res, dict):
            continue
        rname = res.get("name")
        if rname in seen:
            report.add(
                Problem(
                    name,
                    "descriptor-resource",
                    f"resource name {rname!r} is used twice",
                    line=at("name", rname),
                    field=f"resources[{i}].name",
                    fix=regenerate,
                )
            )
        seen.add(str(rname))
        path = res.get("path")
        if not isinstance(path, str) or not (inside.plain(path) or inside(path)):
            report.add(
                Problem(
                    name,
                    "descriptor-path",
                    f"resource {rname!r}: path {path!r} must be a relative path inside the package "
                    "(no absolute path, no '..', no link leading out)",
                    line=at("path", path),
                    field=f"resources[{i}].path",
                    fix=f"correct the path (a source's is in sources.csv), then {regenerate}",
                )
            )
            res["_unsafe"] = True
        if "type" in res and res["type"] != "table":
            report.add(
                Problem(
                    name,
                    "descriptor-profile",
                    f"resource {rname!r}: type {res['type']!r} is not a Data Package v2 resource type "
                    "(only 'table'; a resource that is not a table leaves type out)",
                    line=at("type", res["type"]),
                    field=f"resources[{i}].type",
                    expected="no type, or 'table'",
                    found=str(res["type"]),
                    fix=regenerate,
                )
            )
    for table in layout.tables:
        res = next((r for r in resources if isinstance(r, dict) and r.get("name") == table.name), None)
        if res is None:
            report.add(
                Problem(
                    name,
                    "descriptor-resource",
                    f"the table resource {table.name!r} is missing",
                    line=1,
                    fix=f"{regenerate} to regenerate the resources",
                )
            )
            continue
        if res.get("path") != table.path:
            report.add(
                Problem(
                    name,
                    "descriptor-resource",
                    f"resource {table.name!r} must have path {table.path!r}",
                    line=at("name", table.name),
                    expected=table.path,
                    found=str(res.get("path")),
                    fix=regenerate,
                )
            )
        if res.get("schema") != table_schema(table):
            report.add(
                Problem(
                    name,
                    "descriptor-schema",
                    f"the table schema of {table.name!r} differs from the one derived from the JSON Schemas",
                    line=at("name", table.name),
                    fix=f"{regenerate} to regenerate it; edit schema/*.schema.json, never the descriptor",
                )
            )
        if res.get("dialect") != TABLE_DIALECT:
            # The tables are read as declared: a wrong dialect misreads them, here and elsewhere.
            expected, found = _dialect_difference(res.get("dialect"))
            report.add(
                Problem(
                    name,
                    "descriptor-dialect",
                    f"the dialect of {table.name!r} is not the one the tables are written in",
                    line=at("name", table.name),
                    field=f"resources[{resources.index(res)}].dialect",
                    expected=expected,
                    found=found,
                    fix=f"{regenerate} to regenerate it",
                )
            )
    return descriptor, metadata


def _dialect_difference(declared: Any) -> tuple[str, str]:
    """(expected, found) of a declared dialect that is not TABLE_DIALECT, naming only the
    properties that differ."""
    if not isinstance(declared, dict):
        found = "no dialect" if declared is None else json.dumps(declared, ensure_ascii=False)
        return json.dumps(TABLE_DIALECT, ensure_ascii=False), found

    def show(dialect: dict[str, Any], key: str) -> str:
        return f"{key} {json.dumps(dialect[key], ensure_ascii=False)}" if key in dialect else f"no {key}"

    keys = list(TABLE_DIALECT) + sorted(set(declared) - set(TABLE_DIALECT))
    differ = [
        k for k in keys if (k in declared, declared.get(k)) != (k in TABLE_DIALECT, TABLE_DIALECT.get(k))
    ]
    return ", ".join(show(TABLE_DIALECT, k) for k in differ), ", ".join(show(declared, k) for k in differ)


class _Inside:
    """Whether a relative path names a file inside the package, no link leading out; each
    folder is resolved once (a package names 10,000 texts in one folder)."""

    def __init__(self, root: Path):
        self.root = str(root)
        self.base = os.path.realpath(root)
        self.folders: dict[str, str] = {}
        self.listings: dict[str, frozenset[str]] = {}

    def plain(self, relative: str) -> bool:
        """Whether the path names a regular file (not a link) in a folder that lies inside the
        package, known from one listing of the folder (the type each entry has in it): the
        10,000 texts of a large package cost one directory read, not 30,000 system calls.
        False means "look closer", not "unsafe"."""
        folder, _, leaf = relative.rpartition("/")
        if folder not in self.listings:
            self.listings[folder] = self._regular_files(folder)
        return leaf in self.listings[folder]

    def _regular_files(self, folder: str) -> frozenset[str]:
        parts = folder.split("/") if folder else []
        if any(p in ("", ".", "..") for p in parts) or "\\" in folder or ":" in folder:
            return frozenset()
        path = os.path.join(self.root, folder)
        if not (os.path.realpath(path) + "/").startswith(self.base.rstrip("/") + "/"):
            return frozenset()
        try:
            with os.scandir(path) as entries:
                return frozenset(e.name for e in entries if e.is_file(follow_symlinks=False))
        except OSError:
            return frozenset()

    def __call__(self, relative: str) -> bool:
        if (
            not relative
            or relative.startswith(("/", "\\"))
            or ":" in relative.split("/")[0]
            or ".." in relative.replace("\\", "/").split("/")
        ):
            return False
        folder, _, leaf = relative.rpartition("/")
        target = os.path.join(self.root, relative)
        if leaf in ("", ".") or os.path.islink(target):
            resolved = os.path.realpath(target)
        else:
            if folder not in self.folders:
                self.folders[folder] = os.path.realpath(os.path.join(self.root, folder))
            resolved = os.path.join(self.folders[folder], leaf)
        return resolved.startswith(self.base.rstrip("/") + "/")


# -- step 2 ---------------------------------------------------------------------------------


def _inline_oversized(resource: dict[str, Any], table: CsvTable | None) -> dict[str, Any]:
    """A table with an oversized cell goes to frictionless as the cells csvio read (that cell
    emptied): frictionless samples the file each time it opens it, lookups included, and a
    50 MB cell would make validation take minutes."""
    if table is None or not any(p.check == "cell-too-large" for p in table.problems):
        return resource
    inline = {
        k: v
        for k, v in resource.items()
        if k not in ("path", "scheme", "format", "mediatype", "encoding", "hash", "bytes")
    }
    inline["data"] = [table.header] + [[row.get(h, "") for h in table.header] for row in table.rows]
    return inline


def _unread(resource: dict[str, Any], tables: dict[str, CsvTable]) -> bool:
    """Whether frictionless must not open the resource's file: refused by the descriptor step
    (a URL, a FIFO, a device), or a table csvio could not read (over a limit, not UTF-8 ...),
    whose frictionless errors would not be reported anyway."""
    table = tables.get(str(resource.get("name")))
    return bool(resource.get("_unsafe")) or (table is not None and not table.readable)


def _stand_in(resource: dict[str, Any], layout: Layout, tables: dict[str, CsvTable]) -> dict[str, Any] | None:
    """What frictionless reads instead of a table resource whose file it may not open: the
    cells csvio read, under the derived table schema, when the file itself was fine (the
    descriptor named a URL or a declaration that is refused, reported already); else the
    header alone, so that lookups into it fail quietly. Nothing is opened or fetched. None
    for any other resource."""
    spec = next((t for t in layout.tables if t.name == resource.get("name")), None)
    if spec is None:
        return None
    schema = table_schema(spec)
    labels = [f["name"] for f in schema["fields"]]
    table = tables.get(spec.name)
    rows = []
    if table is not None and table.readable and table.header == labels:
        rows = [[row.get(h, "") for h in labels] for row in table.rows]
    return {"name": spec.name, "type": "table", "data": [labels] + rows, "schema": schema}


def _check_tables(
    root: Path, descriptor: dict[str, Any], tables: dict[str, CsvTable], report: Report, layout: Layout
) -> None:
    from frictionless import Package

    clean = {k: v for k, v in descriptor.items() if k not in ("$schema", "profile")}
    clean["$schema"] = PACKAGE_PROFILE  # frictionless would fetch any other
    clean["resources"] = [
        _stand_in(r, layout, tables)
        if _unread(r, tables)
        else _inline_oversized(r, tables.get(str(r.get("name"))))
        for r in descriptor["resources"]
        if isinstance(r, dict) and (not _unread(r, tables) or _stand_in(r, layout, tables))
    ]
    for r in clean["resources"]:
        r.pop("_unsafe", None)
    try:
        package = Package(clean, basepath=str(root))
        result = package.validate()
    except Exception as e:  # frictionless raises FrictionlessException on unusable metadata
        report.add(
            Problem(DESCRIPTOR, "descriptor-profile", f"frictionless cannot open the package: {e}", line=1)
        )
        return
    schemas = {
        r.get("name"): r.get("schema") for r in clean["resources"] if isinstance(r.get("schema"), dict)
    }
    for task in result.tasks:
        table = tables.get(task.name)
        path = table.name if table else str(task.place)
        if table is not None and not table.readable:
            continue  # already reported, more precisely, when the file was read
        for error in task.errors:
            problem = translate(path, table, error, schemas.get(task.name), tables, report.package)
            if problem is not None:
                report.add(problem)
    for error in result.errors:
        report.add(Problem(DESCRIPTOR, error.type, error.message))
