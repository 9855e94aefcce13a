"""``claimtrail diff OLD NEW``: what changed between two releases, and the version bump it needs.

Each side is a release zip or a package folder. Records are compared by id, per record type,
as nested records (records.assemble), field by field; table schemas are compared between the
two descriptors. Each change carries the bump it requires, following semantic versioning for
data (README, "Versions and releases"):

- major: a schema break (a table or field removed, a type, format or pattern changed, a
  constraint made stricter: required added, enum values removed, a minimum raised, a key
  added or changed, fields reordered), or a record removed without a tombstone;
- minor: new records, tables or fields, a constraint relaxed, a record retired with a
  tombstone;
- patch: corrections of existing records, descriptions.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from claimtrail.contract.descriptor import DESCRIPTOR
from claimtrail.contract.layout import build_layout
from claimtrail.contract.schemas import RECORD_TYPES, SchemaSet, load_schemas
from claimtrail.files.jsonload import StrictJSONError, loads
from claimtrail.files.limits import MAX_DESCRIPTOR_BYTES
from claimtrail.files.safe_open import UnsafeFile, read_regular
from claimtrail.package.csvio import read_csv
from claimtrail.package.records import assemble

BUMPS = ("none", "patch", "minor", "major")
FORMAT_VERSION = 1
_SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
_MISSING = object()


class DiffError(Exception):
    """A side cannot be read; the message names the file."""


def higher(a: str, b: str) -> str:
    return a if BUMPS.index(a) >= BUMPS.index(b) else b


@dataclass
class Side:
    path: str
    version: str | None
    descriptor: dict[str, Any]
    records: dict[str, dict[str, dict[str, Any]]]  # record type -> id -> record


@dataclass
class SchemaChange:
    kind: str
    table: str
    field: str | None
    detail: str
    bump: str


@dataclass
class FieldChange:
    path: str  # JSON Pointer into the record
    old: Any
    new: Any
    change: str  # "changed", "added" or "removed"


@dataclass
class RecordChanges:
    added: list[str] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)  # {"id", "tombstone": {...} | None}
    changed: list[dict[str, Any]] = field(default_factory=list)  # {"id", "fields": [FieldChange...]}


@dataclass
class Diff:
    old: Side
    new: Side
    schema: list[SchemaChange]
    records: dict[str, RecordChanges]
    bump: str
    reasons: list[str]

    @property
    def declared(self) -> str | None:
        return declared_bump(self.old.version, self.new.version)

    @property
    def needed(self) -> str:
        """The bump the version number must show for the changes (see version_bump)."""
        return version_bump(self.bump, self.old.version)

    @property
    def bump_enough(self) -> bool:
        """Whether the versions declare at least the bump the changes require."""
        declared = self.declared
        return declared not in (None, "downgrade") and BUMPS.index(declared) >= BUMPS.index(self.needed)

    def next_version(self) -> str | None:
        """The new side's version when it is bump enough, else the old one bumped as required."""
        if self.bump_enough:
            return self.new.version
        return bumped(self.old.version, self.needed)


# -- reading a side -------------------------------------------------------------------------


def _schemas_for(folder: Path) -> SchemaSet:
    """The JSON Schemas a package was written against: its own schema/ folder (a release zip
    has one), the schema/ beside it in a source checkout, else the installed ones."""
    for candidate in (folder / "schema", folder.parent / "schema"):
        if any(candidate.glob("*.schema.json")) and (
            candidate == folder / "schema" or (folder.parent / "pyproject.toml").is_file()
        ):
            schemas = load_schemas.__wrapped__(candidate)
            current = load_schemas()
            # A record type newer than the side (tombstones, say) is read as an empty table.
            missing = {
                f"{rt}.schema.json": current.files[f"{rt}.schema.json"]
                for rt in RECORD_TYPES
                if f"{rt}.schema.json" not in schemas.files
            }
            return SchemaSet(
                candidate,
                {**current.files, **schemas.files, **missing} if missing else schemas.files,
                schemas.layout or current.layout,  # a side older than layout.json: the names were the same
            )
    return load_schemas()


def _read_folder(folder: Path, label: str) -> Side:
    try:
        descriptor = loads(read_regular(folder / DESCRIPTOR, MAX_DESCRIPTOR_BYTES, folder).decode("utf-8"))
    except UnsafeFile as e:
        if e.missing:
            raise DiffError(f"{label}: no {DESCRIPTOR}; expected a release zip or a package folder") from None
        raise DiffError(f"{label}/{DESCRIPTOR}: {e.reason}") from None
    except (StrictJSONError, UnicodeDecodeError) as e:
        raise DiffError(f"{label}: {DESCRIPTOR} is not valid JSON: {e}") from None
    if not isinstance(descriptor, dict):
        raise DiffError(f"{label}: {DESCRIPTOR} is not a JSON object")
    resources = descriptor.get("resources")
    listed = (
        {r.get("name") for r in resources if isinstance(r, dict)} if isinstance(resources, list) else set()
    )
    try:
        layout = build_layout.__wrapped__(_schemas_for(folder))
    except (KeyError, ValueError) as e:
        raise DiffError(f"{label}: its schemas cannot be read as tables: {e}") from None
    tables = {}
    for spec in layout.tables:
        table = read_csv(folder / spec.path, spec.path)
        if not table.readable:
            if spec.name in listed:
                first = table.problems[0]
                raise DiffError(
                    f"{label}/{first.path}:{first.line or 1}: {first.message} (run 'claimtrail validate')"
                )
            continue
        tables[spec.name] = table
    assembled = assemble(layout, tables)
    records = {
        rt: {a.record["id"]: a.record for a in items if isinstance(a.record.get("id"), str)}
        for rt, items in assembled.items()
    }
    version = descriptor.get("version") if isinstance(descriptor.get("version"), str) else None
    return Side(label, version, descriptor, records)


def read_side(path: Path) -> Side:
    path = Path(path)
    if path.is_dir():
        return _read_folder(path, str(path))
    if path.is_file():
        from claimtrail.package.folder import NoPackage, open_package

        try:
            with open_package(path) as package:  # a zip, extracted safely into a private folder
                return _read_folder(package.path, str(path))
        except NoPackage as e:
            raise DiffError(f"{path}: not a readable release zip: {e}") from None
    raise DiffError(f"{path}: no such file or folder")


# -- comparing ------------------------------------------------------------------------------


def _tables(descriptor: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        r["name"]: r.get("schema") or {}
        for r in descriptor.get("resources", [])
        if isinstance(r, dict) and r.get("type") == "table" and isinstance(r.get("name"), str)
    }


def _field_changes(table: str, old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    out = []
    name = old["name"]

    def add(detail: str, bump: str) -> None:
        out.append(SchemaChange("field-changed", table, name, detail, bump))

    for key in ("type", "format"):
        if old.get(key) != new.get(key):
            add(f"{key} {old.get(key)} -> {new.get(key)}", "major")
    oc, nc = old.get("constraints", {}), new.get("constraints", {})
    if oc.get("required") != nc.get("required"):
        add(
            "now required" if nc.get("required") else "no longer required",
            "major" if nc.get("required") else "minor",
        )
    if "enum" in oc or "enum" in nc:
        before, after = oc.get("enum"), nc.get("enum")
        if before is None:
            add(f"now limited to {after}", "major")
        elif after is None:
            add("no longer limited to a list of values", "minor")
        else:
            gone, came = [v for v in before if v not in after], [v for v in after if v not in before]
            if gone:
                add(f"values removed: {', '.join(map(str, gone))}", "major")
            if came:
                add(f"values added: {', '.join(map(str, came))}", "minor")
    for key in ("minimum", "minLength"):
        before, after = oc.get(key), nc.get(key)
        if before != after:
            stricter = after is not None and (before is None or after > before)
            add(f"{key} {before} -> {after}", "major" if stricter else "minor")
    if oc.get("pattern") != nc.get("pattern"):
        add(f"pattern {oc.get('pattern')!r} -> {nc.get('pattern')!r}", "major")
    other = {
        k for k in oc.keys() | nc.keys() if k not in ("required", "enum", "minimum", "minLength", "pattern")
    }
    for key in sorted(other):
        if oc.get(key) != nc.get(key):
            add(f"constraint {key} {oc.get(key)!r} -> {nc.get(key)!r}", "major")
    for key in ("description", "title"):
        if old.get(key) != new.get(key):
            add(f"{key} reworded", "patch")
    return out


def schema_changes(old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    before, after = _tables(old), _tables(new)
    out = [
        SchemaChange("table-removed", t, None, "table removed", "major")
        for t in sorted(before.keys() - after.keys())
    ]
    out += [
        SchemaChange("table-added", t, None, "table added", "minor")
        for t in sorted(after.keys() - before.keys())
    ]
    for table in sorted(before.keys() & after.keys()):
        o, n = before[table], after[table]
        ofields = {f["name"]: f for f in o.get("fields", [])}
        nfields = {f["name"]: f for f in n.get("fields", [])}
        out += [
            SchemaChange("field-removed", table, f, "field removed", "major")
            for f in ofields
            if f not in nfields
        ]
        out += [
            SchemaChange("field-added", table, f, "field added", "minor") for f in nfields if f not in ofields
        ]
        common_old = [f for f in ofields if f in nfields]
        common_new = [f for f in nfields if f in ofields]
        if common_old != common_new:
            out.append(
                SchemaChange(
                    "field-order", table, None, f"fields reordered: {', '.join(common_new)}", "major"
                )
            )
        for f in common_old:
            out += _field_changes(table, ofields[f], nfields[f])
        if o.get("primaryKey") != n.get("primaryKey"):
            out.append(
                SchemaChange(
                    "primary-key",
                    table,
                    None,
                    f"primary key {o.get('primaryKey')} -> {n.get('primaryKey')}",
                    "major",
                )
            )
        okeys = [json.dumps(k, sort_keys=True) for k in o.get("foreignKeys", [])]
        nkeys = [json.dumps(k, sort_keys=True) for k in n.get("foreignKeys", [])]
        out += [
            SchemaChange("foreign-key-removed", table, None, f"foreign key removed: {k}", "minor")
            for k in okeys
            if k not in nkeys
        ]
        out += [
            SchemaChange("foreign-key-added", table, None, f"foreign key added: {k}", "major")
            for k in nkeys
            if k not in okeys
        ]
    return out


def _escape(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Leaf values of a record by JSON Pointer; an empty list or object is a leaf."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{path}/{_escape(k)}"))
        return out
    if isinstance(value, list) and value:
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{path}/{i}"))
        return out
    return {path: value}


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    a, b = flatten(old), flatten(new)
    out = []
    for path in sorted(a.keys() | b.keys(), key=_pointer_key):
        x, y = a.get(path, _MISSING), b.get(path, _MISSING)
        if (x is _MISSING and y is None) or (y is _MISSING and x is None):
            continue  # a field the other schema does not have, empty here: the schema diff tells
        if x is _MISSING:
            out.append(FieldChange(path, None, y, "added"))
        elif y is _MISSING:
            out.append(FieldChange(path, x, None, "removed"))
        elif x != y or type(x) is not type(y):
            out.append(FieldChange(path, x, y, "changed"))
    return out


def _pointer_key(path: str):
    return [(0, int(p), "") if p.isdecimal() else (1, 0, p) for p in path.split("/")]


def record_changes(old: Side, new: Side) -> dict[str, RecordChanges]:
    tombstones = new.records.get("tombstone", {})
    out = {}
    for record_type in [rt for rt in RECORD_TYPES if rt in old.records or rt in new.records]:
        a, b = old.records.get(record_type, {}), new.records.get(record_type, {})
        changes = RecordChanges()
        changes.added = sorted(b.keys() - a.keys())
        changes.removed = [
            {"id": rid, "tombstone": tombstones.get(rid)} for rid in sorted(a.keys() - b.keys())
        ]
        for rid in sorted(a.keys() & b.keys()):
            fields = field_changes(a[rid], b[rid])
            if fields:
                changes.changed.append({"id": rid, "fields": fields})
        out[record_type] = changes
    return out


def required_bump(schema: list[SchemaChange], records: dict[str, RecordChanges]) -> tuple[str, list[str]]:
    bump, reasons = "none", []

    def note(level: str, reason: str) -> None:
        nonlocal bump
        bump = higher(bump, level)
        reasons.append(f"{level}: {reason}")

    for c in schema:
        note(c.bump, f"table {c.table}" + (f", field {c.field}" if c.field else "") + f": {c.detail}")
    for record_type, ch in records.items():
        bare = [r["id"] for r in ch.removed if r["tombstone"] is None]
        retired = [r["id"] for r in ch.removed if r["tombstone"] is not None]
        if bare:
            note("major", f"{record_type} removed without a tombstone: {_ids(bare)}")
        if retired:
            note("minor", f"{record_type} retired with a tombstone: {_ids(retired)}")
        if ch.added:
            note("minor", f"{record_type} added: {_ids(ch.added)}")
        if ch.changed:
            note("patch", f"{record_type} corrected: {_ids([c['id'] for c in ch.changed])}")
    order = {level: i for i, level in enumerate(reversed(BUMPS))}
    reasons.sort(key=lambda r: order[r.split(":", 1)[0]])
    return bump, reasons


def _ids(ids: list[str], limit: int = 8) -> str:
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def declared_bump(old: str | None, new: str | None) -> str | None:
    """The bump the two versions declare, or None when either is not MAJOR.MINOR.PATCH."""
    if not old or not new or not _SEMVER.fullmatch(old) or not _SEMVER.fullmatch(new):
        return None
    a, b = tuple(map(int, old.split("."))), tuple(map(int, new.split(".")))
    if b < a:
        return "downgrade"
    if b[0] > a[0]:
        return "major"
    if b[1] > a[1]:
        return "minor"
    return "patch" if b[2] > a[2] else "none"


def version_bump(bump: str, version: str | None) -> str:
    """The part of the version a change of kind ``bump`` raises. Before 1.0.0 the API is not
    yet stable (semantic versioning, item 4): a change of the major kind raises the minor
    number, as in 0.1.0 -> 0.2.0."""
    if bump == "major" and version and _SEMVER.fullmatch(version) and version.split(".")[0] == "0":
        return "minor"
    return bump


def bumped(version: str | None, bump: str) -> str | None:
    if not version or not _SEMVER.fullmatch(version):
        return None
    major, minor, patch = map(int, version.split("."))
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    if bump == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return version


def diff_sides(old: Side, new: Side) -> Diff:
    schema = schema_changes(old.descriptor, new.descriptor)
    records = record_changes(old, new)
    bump, reasons = required_bump(schema, records)
    return Diff(old, new, schema, records, bump, reasons)


def diff_paths(old: Path, new: Path) -> Diff:
    return diff_sides(read_side(old), read_side(new))


# -- rendering ------------------------------------------------------------------------------


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _verdict(diff: Diff) -> str:
    declared = diff.declared
    line = f"required bump: {diff.bump}"
    if diff.needed != diff.bump:
        line += f" ({diff.needed} before 1.0.0)"
    if declared is None:
        return line + f" (versions {diff.old.version} -> {diff.new.version} are not both MAJOR.MINOR.PATCH)"
    enough = diff.bump_enough
    line += f"; declared: {declared} ({diff.old.version} -> {diff.new.version})"
    return line + ("" if enough else f": not enough, the next version should be {diff.next_version()}")


def render_text(diff: Diff) -> str:
    out = [f"claimtrail diff: {diff.old.path} ({diff.old.version}) -> {diff.new.path} ({diff.new.version})"]
    out.append("schema: no changes" if not diff.schema else "schema:")
    for c in diff.schema:
        where = f"{c.table}.{c.field}" if c.field else c.table
        out.append(f"  [{c.bump}] {where}: {c.detail}")
    any_records = False
    for record_type, ch in diff.records.items():
        if not (ch.added or ch.removed or ch.changed):
            continue
        if not any_records:
            out.append("records:")
            any_records = True
        counts = [
            f"{len(ch.added)} added" if ch.added else "",
            f"{len(ch.removed)} removed" if ch.removed else "",
            f"{len(ch.changed)} changed" if ch.changed else "",
        ]
        out.append(f"  {record_type}: {', '.join(c for c in counts if c)}")
        out += [f"    + {rid}" for rid in ch.added]
        for r in ch.removed:
            t = r["tombstone"]
            how = (
                "no tombstone"
                if t is None
                else (f"merged into {t.get('merged_into')}" if t.get("status") == "merged" else "withdrawn")
            )
            out.append(f"    - {r['id']} ({how})")
        for changed in ch.changed:
            out.append(f"    ~ {changed['id']}")
            for f in changed["fields"]:
                if f.change == "changed":
                    out.append(f"        {f.path}: {_short(f.old)} -> {_short(f.new)}")
                elif f.change == "added":
                    out.append(f"        {f.path}: added {_short(f.new)}")
                else:
                    out.append(f"        {f.path}: removed (was {_short(f.old)})")
    if not any_records:
        out.append("records: no changes")
    out.append(_verdict(diff))
    return "\n".join(out)


def render_json(diff: Diff) -> str:
    return json.dumps(
        {
            "format_version": FORMAT_VERSION,
            "old": {"path": diff.old.path, "version": diff.old.version},
            "new": {"path": diff.new.path, "version": diff.new.version},
            "schema": [asdict(c) for c in diff.schema],
            "records": {
                rt: {
                    "added": ch.added,
                    "removed": ch.removed,
                    "changed": [
                        {"id": c["id"], "fields": [asdict(f) for f in c["fields"]]} for c in ch.changed
                    ],
                }
                for rt, ch in diff.records.items()
            },
            "bump": {
                "required": diff.bump,
                "declared": diff.declared,
                "next_version": diff.next_version(),
                "reasons": diff.reasons,
            },
        },
        indent=2,
        ensure_ascii=False,
    )


_LABEL_FIELDS = ("name", "summary", "content", "headline", "path", "quote", "reason")
# Pointers and sources change with the records that use them: counted, not listed one by one.
_COUNTED = ("pointer",)


def _label(record: dict[str, Any] | None) -> str:
    for key in _LABEL_FIELDS:
        if record and isinstance(record.get(key), str):
            return f": {_short(record[key], 70).strip(chr(34))}"
    return ""


def _item(line: str) -> str:
    """A changelog line ends with one full stop, also after a label that ends a sentence."""
    return line if line.endswith((".", "!", "?", "…")) else line + "."


def _part(path: str) -> str:
    """Where a field change sits, as the tables number it: '/names/10/name' -> 'names 11' (the
    item's ord), '/said/earliest' -> 'said', '/content' -> 'content'."""
    steps = path.split("/")[1:]
    if len(steps) > 1 and steps[1].isdecimal():
        return f"{steps[0]} {int(steps[1]) + 1}"
    return steps[0] if steps else path


def render_changelog(diff: Diff) -> str:
    """A Keep a Changelog draft of the new version, for the curators to edit."""
    sections: dict[str, list[str]] = {"Added": [], "Changed": [], "Removed": [], "Fixed": []}
    for c in diff.schema:
        where = f"`{c.table}.{c.field}`" if c.field else f"`{c.table}`"
        section = {
            "table-added": "Added",
            "field-added": "Added",
            "table-removed": "Removed",
            "field-removed": "Removed",
        }.get(c.kind, "Changed")
        sections[section].append(f"- Schema: {where}: {c.detail}.")
    for record_type, ch in diff.records.items():
        if record_type in _COUNTED:
            for key, section, verb in (
                ("added", "Added", "added"),
                ("removed", "Removed", "removed"),
                ("changed", "Fixed", "corrected"),
            ):
                n = len(getattr(ch, key))
                if n:
                    sections[section].append(f"- {n} {record_type}{'s' if n != 1 else ''} {verb}.")
            continue
        for rid in ch.added:
            sections["Added"].append(
                _item(f"- {record_type} `{rid}`{_label(diff.new.records[record_type].get(rid))}")
            )
        for r in ch.removed:
            t = r["tombstone"]
            if t is None:
                why = " (no tombstone: add one to tombstones.csv, or this is a breaking change)"
            elif t.get("status") == "merged":
                why = f" (merged into `{t.get('merged_into')}`: {t.get('reason')})"
            else:
                why = f" (withdrawn: {t.get('reason')})"
            sections["Removed"].append(_item(f"- {record_type} `{r['id']}`{why}"))
        for changed in ch.changed:
            # An item added to a record (a new name of an actor) is an addition, a value changed
            # in place a correction, an item dropped a removal: each under its own heading.
            parts: dict[str, list[str]] = {"added": [], "changed": [], "removed": []}
            for f in changed["fields"]:
                if _part(f.path) not in parts[f.change]:
                    parts[f.change].append(_part(f.path))
            for change, section, verb in (
                ("added", "Added", " added"),
                ("changed", "Fixed", ""),
                ("removed", "Removed", " removed"),
            ):
                if parts[change]:
                    where = ", ".join(sorted(parts[change], key=lambda p: (p.split(" ")[0], len(p), p)))
                    sections[section].append(f"- {record_type} `{changed['id']}`: {where}{verb}.")
    out = [f"## [{diff.next_version() or 'X.Y.Z'}] - YYYY-MM-DD", ""]
    for title, lines in sections.items():
        if lines:
            out += [f"### {title}", *lines, ""]
    if len(out) == 2:
        out += ["No changes.", ""]
    return "\n".join(out).rstrip("\n") + "\n"
