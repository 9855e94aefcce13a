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
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from claimtrail.contract.descriptor import DESCRIPTOR, PACKAGE_PROFILE, TEXT_RESOURCE_KEYS, table_schema
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
    descriptor = _check_descriptor(root, layout, report)
    report.steps.append("descriptor")
    if descriptor is None:
        return report
    # frictionless' own metadata errors: the reference may not even open the package, and
    # only the reference says what comes of it.
    if engine == "fast" and not any(p.message.startswith(_NOT_V2) for p in report.problems):
        from claimtrail.validation.fast.run import run_fast

        outcome = run_fast(root, descriptor, layout, report, progress)
        if outcome.fallback is None:
            _check_coverage(root, descriptor, report, progress, outcome.coverage)
            return report
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


def _check_descriptor(root: Path, layout: Layout, report: Report) -> dict[str, Any] | None:
    """The parsed descriptor, or None when nothing further can be checked."""
    name = DESCRIPTOR
    try:
        data = read_regular(root / name, MAX_DESCRIPTOR_BYTES, root)
    except UnsafeFile as e:
        check = "limit-size" if e.too_large else "unsafe-file"
        report.add(Problem(name, check, f"cannot read the descriptor: {e.reason}"))
        return None
    text, problems = decode(data, name)
    if text is None:
        for p in problems:
            report.add(Problem(name, "descriptor-json", p.message, line=p.line, column=p.column))
        return None
    try:
        descriptor = loads(text)
    except StrictJSONError as e:
        report.add(
            Problem(name, "descriptor-json", f"not valid JSON: {e.message}", line=e.line, column=e.column)
        )
        return None
    if not isinstance(descriptor, dict):
        report.add(Problem(name, "descriptor-profile", "the descriptor is not a JSON object", line=1))
        return None
    from frictionless import Package

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
        return None
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
    # frictionless sees the standard profile only: it would fetch any other.
    checked = {k: v for k, v in descriptor.items() if k not in ("$schema", "profile")}
    checked["$schema"] = PACKAGE_PROFILE
    if isinstance(resources, list):
        checked["resources"] = [r for r in resources if not (isinstance(r, dict) and r.get("_unsafe"))]
    for error in _metadata_errors(Package, checked):
        if "is not safe" not in error.note:  # an unsafe path is reported below, with its line
            report.add(Problem(name, "descriptor-profile", f"{_NOT_V2}{error.note}", line=1))
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
        return None
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
    return descriptor


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


# Text resources as build_resources writes them: frictionless checks these keys' values for
# their JSON types (and, in a v1 package, the name's pattern) and nothing else.
_TEXT_RESOURCE_KEYS = TEXT_RESOURCE_KEYS
_VARYING = {"name", "path", "hash", "bytes", "title"}
_PLAIN_NAME = re.compile(r"[-a-z0-9._/]+")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_][-A-Za-z0-9._/]*")
_SHA256 = re.compile(r"sha256:[0-9a-f]{64}")


def _shape(res: Any) -> Hashable | None:
    """What frictionless' metadata check can tell apart in a plain text resource; None when the
    resource is not plain (then it is checked as it is)."""
    # v2 text resources carry no "type"; a v1 descriptor may say "text".
    if (
        not isinstance(res, dict)
        or res.get("type", "text") != "text"
        or not res.keys() <= _TEXT_RESOURCE_KEYS
    ):
        return None
    get = res.get
    name, path, sha, size, title, licenses = (
        get("name"),
        get("path"),
        get("hash"),
        get("bytes"),
        get("title"),
        get("licenses"),
    )
    if not (
        type(name) is str
        and _PLAIN_NAME.fullmatch(name)
        and type(path) is str
        and _PLAIN_PATH.fullmatch(path)
        and ".." not in path
        and "//" not in path
        and (sha is None or (type(sha) is str and _SHA256.fullmatch(sha)))
        and (size is None or (type(size) is int and size >= 0))
        and (title is None or (type(title) is str and title))
        and type(licenses) is list
    ):
        return None
    kinds = []
    for x in licenses:  # each licence: a name, and other texts that are not empty
        if type(x) is not dict or not x.get("name") or type(x["name"]) is not str:
            return None
        for v in x.values():
            if type(v) is not str or not v:
                return None
        kinds.append(tuple(sorted((k, v if k == "name" else "") for k, v in x.items())))
    fixed = tuple(sorted((k, None if k in _VARYING else v) for k, v in res.items() if k != "licenses"))
    shape = (fixed, tuple(kinds))
    try:
        hash(shape)  # plain values: the tuple itself is the key
    except TypeError:
        return repr(shape)
    return shape


def _metadata_errors(package_class, descriptor: dict[str, Any]) -> list:
    """frictionless' metadata errors of the descriptor, in its own words.

    Checking 10,000 text resources one by one takes seconds: the plain ones (_shape) are told
    apart by nothing frictionless checks but their shape, so one of each shape stands for the
    others. When that shortened descriptor has any error, or names repeat, the whole
    descriptor is checked, so the errors reported are always frictionless' own."""
    resources = descriptor.get("resources")
    if isinstance(resources, list) and len(resources) > 100:
        names = [r.get("name") for r in resources if isinstance(r, dict)]
        if len(set(map(str, names))) == len(names) == len(resources):
            kept, shapes = [], set()
            for res in resources:
                shape = _shape(res)
                if shape is None or shape not in shapes:
                    kept.append(res)
                if shape is not None:
                    shapes.add(shape)
            errors = _frictionless_metadata_errors(package_class, {**descriptor, "resources": kept})
            if not errors:
                return []
    return _frictionless_metadata_errors(package_class, descriptor)


_METADATA_SEEN: dict[str, list] = {}  # descriptor (canonical JSON) -> frictionless' errors
_HEX_HASH = re.compile(r"([A-Za-z0-9-]+:)?[0-9a-f]+")


def _frictionless_metadata_errors(package_class, descriptor: dict[str, Any]) -> list:
    """frictionless' metadata errors of a descriptor, remembered for the process: they depend
    on the descriptor alone (nothing is opened), and a check takes a tenth to a third of a
    second, which a process validating many packages of one shape (a test suite, a CI job)
    pays once. A descriptor without errors also stands for every descriptor of its form
    (_form): after an edit of a table, only the table's hash and size differ."""
    key = json.dumps(descriptor, sort_keys=True, default=str)
    if key not in _METADATA_SEEN:
        form = "form:" + json.dumps(_form(descriptor), sort_keys=True, default=str)
        errors = [] if _METADATA_SEEN.get(form) == [] else list(package_class.metadata_validate(descriptor))
        while len(_METADATA_SEEN) >= 64:
            _METADATA_SEEN.pop(next(iter(_METADATA_SEEN)))
        _METADATA_SEEN[key] = errors
        if not errors:  # an error may quote the values themselves: only the error-free stand in
            _METADATA_SEEN[form] = []
    return list(_METADATA_SEEN[key])


def _form(descriptor: dict[str, Any]) -> dict[str, Any]:
    """The descriptor with each resource's hash digits and positive size replaced by one value
    of the same form (the profiles check a hash's pattern and a size's type; frictionless the
    algorithm, which stays): frictionless says the same of both."""
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        return descriptor
    out = []
    for r in resources:
        if isinstance(r, dict):
            r = dict(r)
            h, size = r.get("hash"), r.get("bytes")
            if isinstance(h, str) and _HEX_HASH.fullmatch(h):
                algorithm, _, digits = h.rpartition(":")
                r["hash"] = (f"{algorithm}:" if algorithm else "") + "0" * len(digits)
            if type(size) is int and size > 0:
                r["bytes"] = 1
        out.append(r)
    return {**descriptor, "resources": out}


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
