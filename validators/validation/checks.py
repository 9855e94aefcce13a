"""What frictionless cannot check: pointers against their source texts, boilerplate, date
and count order, ids across tables, and every record carrying a pointer.

Each check is a function of the assembled package returning problems; CHECKS lists them in
the order they run. Check names are stable: they appear in reports and in CI logs.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from claimtrail.contract.layout import Layout
from claimtrail.contract.problems import Problem
from claimtrail.files.limits import MAX_NEAR_MISSES, MAX_PROBLEMS, MAX_SOURCE_BYTES
from claimtrail.files.safe_open import UnsafeFile, read_resolved
from claimtrail.package.csvio import CsvTable
from claimtrail.package.locate import near_miss
from claimtrail.package.paths import safe_source_path
from claimtrail.package.records import Assembled


@dataclass
class Package:
    """What the checks look at: the package folder, its tables and its assembled records."""

    root: Path
    layout: Layout
    tables: dict[str, CsvTable]
    records: dict[str, list[Assembled]]
    # source id -> text, for sources that verified (the fast engine's are held encoded)
    texts: MutableMapping[str, str] = field(default_factory=dict)
    # source path (as sources.csv gives it) -> (sha256, bytes) of the file read, so that the
    # descriptor's hash of the same file is checked without reading it again
    digests: dict[str, tuple[str, int]] = field(default_factory=dict)
    # source path -> safe_source_path's outcome, for texts an engine located ahead (each taken once)
    located: dict[str, tuple[Path | None, str | None]] = field(default_factory=dict)

    def problem(self, origin, check: str, message: str, **kw) -> Problem:
        file, line, column = origin
        table = self.tables.get(file.removesuffix(".csv"))
        number = table.column_number(column) if table else None
        return Problem(file, check, message, line=line, column=number, field=column, **kw)


def _span(p: dict[str, Any]) -> str:
    return f"{p.get('start')}-{p.get('end')}"


def check_sources(pkg: Package) -> Iterator[Problem]:
    for src in pkg.records.get("source", []):
        rec = src.record
        ahead = pkg.located.pop(rec.get("path"), None) if isinstance(rec.get("path"), str) else None
        path, why = ahead or safe_source_path(pkg.root, rec.get("path"))
        if path is None:
            check = "source-missing" if why and why.endswith("does not exist") else "source-path"
            yield pkg.problem(src.origin_of(("path",)), check, f"source {rec.get('id')}: {why}")
            continue
        try:
            data = read_resolved(path, MAX_SOURCE_BYTES)  # safe_source_path resolved it
        except UnsafeFile as e:
            yield pkg.problem(src.origin_of(("path",)), "source-path", f"source {rec.get('id')}: {e.reason}")
            continue
        sha = hashlib.sha256(data).hexdigest()
        pkg.digests[rec["path"]] = (sha, len(data))
        if rec.get("sha256") != sha:
            yield pkg.problem(
                src.origin_of(("sha256",)),
                "source-hash",
                f"source {rec.get('id')}: the text of {rec.get('path')} is not the one that was hashed; "
                "its pointers were not checked",
                expected=str(rec.get("sha256")),
                found=sha,
                fix="restore the text as received; if it was re-captured on purpose, run 'claimtrail fix --sources' "
                "to update hash, bytes and length, then re-check every pointer into it",
            )
            continue
        if rec.get("bytes") != len(data):
            yield pkg.problem(
                src.origin_of(("bytes",)),
                "source-bytes",
                f"source {rec.get('id')}: size differs",
                expected=str(rec.get("bytes")),
                found=str(len(data)),
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            yield pkg.problem(
                src.origin_of(("path",)),
                "source-encoding",
                f"source {rec.get('id')}: not UTF-8 ({e.reason} at byte {e.start})",
            )
            continue
        if rec.get("length") != len(text):
            yield pkg.problem(
                src.origin_of(("length",)),
                "source-length",
                f"source {rec.get('id')}: length in code points differs",
                expected=str(rec.get("length")),
                found=str(len(text)),
            )
            continue
        pkg.texts[rec["id"]] = text
        for i, span in enumerate(rec.get("boilerplate") or []):
            s, end = span.get("start"), span.get("end")
            if isinstance(s, int) and isinstance(end, int) and not 0 <= s < end <= len(text):
                yield pkg.problem(
                    src.origin_of(("boilerplate", i, "start")),
                    "boilerplate-range",
                    f"source {rec['id']}: boilerplate span {s}-{end} is outside 0-{len(text)} or empty",
                )


def _near_misses(text: str, quote: str) -> str | None:
    """Say why a quote that does not occur nearly occurs: normalisation, quotes, dashes, spaces."""
    near = near_miss(text, quote)
    return near.describe() if near else None


def check_pointers(pkg: Package) -> Iterator[Problem]:
    """Each pointer against its text, in the order of pointers.csv; after MAX_PROBLEMS failing
    pointers the rest are not looked at (the fast engine hands only the pointers that may
    fail, in the same order, so both engines stop at the same one)."""
    searches = [0]  # near-miss searches made: each may take a second, so they are bounded
    failed = 0
    for ptr in pkg.records.get("pointer", []):
        if failed == MAX_PROBLEMS:
            yield Problem(
                "pointers.csv",
                "limit-problems",
                f"{MAX_PROBLEMS:,} pointers do not match their texts: the pointers after them were not "
                "checked against theirs",
                fix="fix those and validate again: the rest are checked then",
            )
            return
        found = list(_pointer_problems(pkg, ptr, searches))
        failed += bool(found)
        yield from found


def _pointer_problems(pkg: Package, ptr, searches: list[int]) -> Iterator[Problem]:
    p = ptr.record
    text = pkg.texts.get(p.get("source"))
    start, end, quote = p.get("start"), p.get("end"), p.get("quote")
    if text is None or not all(isinstance(v, int) for v in (start, end)) or not isinstance(quote, str):
        return  # an unverified source, or a cell the table checks already reject
    if not 0 <= start < end <= len(text):
        yield pkg.problem(
            ptr.origin_of(("start",)),
            "pointer-range",
            f"pointer {p.get('id')}: span {start}-{end} is not within 0 <= start < end <= {len(text)} of {p['source']}",
            expected=f"0 <= start < end <= {len(text)}",
            found=f"{start}-{end}",
            fix=_where(text, quote),
        )
        return
    actual = text[start:end]
    if actual != quote:
        hint = _where(text, quote)
        if hint is None and searches[0] < MAX_NEAR_MISSES:
            searches[0] += 1
            hint = _near_misses(text, quote)
        yield pkg.problem(
            ptr.origin_of(("quote",)),
            "pointer-quote",
            f"pointer {p.get('id')}: the text at {start}-{end} of {p['source']} is not the quote",
            expected=quote,
            found=actual,
            fix=hint,
        )
        return
    prefix, suffix = p.get("prefix"), p.get("suffix")
    if isinstance(prefix, str) and text[max(0, start - len(prefix)) : start] != prefix:
        yield pkg.problem(
            ptr.origin_of(("prefix",)),
            "pointer-prefix",
            f"pointer {p.get('id')}: the prefix does not precede the span",
            expected=prefix,
            found=text[max(0, start - len(prefix)) : start],
        )
    if isinstance(suffix, str) and text[end : end + len(suffix)] != suffix:
        yield pkg.problem(
            ptr.origin_of(("suffix",)),
            "pointer-suffix",
            f"pointer {p.get('id')}: the suffix does not follow the span",
            expected=suffix,
            found=text[end : end + len(suffix)],
        )


def _where(text: str, quote: str) -> str | None:
    if not quote:
        return None
    hits: list[str] = []
    at = text.find(quote)
    while at != -1 and len(hits) < 5:
        hits.append(f"{at}-{at + len(quote)}")
        at = text.find(quote, at + 1)
    if not hits:
        return None
    return ("this quote occurs at " if len(hits) == 1 else "this quote occurs at each of ") + ", ".join(hits)


def content_pointers(pkg: Package) -> Iterator[tuple[Assembled, tuple, dict]]:
    """Every pointer embedded in a content record (all but sources), with where it sits."""
    for record_type, items in pkg.records.items():
        if record_type in ("source", "pointer"):
            continue
        for item in items:
            yield from ((item, path, p) for path, p in _walk_pointers(item.record, ()))


def _walk_pointers(node, path) -> Iterator[tuple[tuple, dict]]:
    if isinstance(node, dict):
        if {"source", "start", "end", "quote"} <= node.keys() and "id" in node:
            yield path, node
            return
        for k, v in node.items():
            yield from _walk_pointers(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk_pointers(v, path + (i,))


def check_boilerplate(pkg: Package) -> Iterator[Problem]:
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for src in pkg.records.get("source", []):
        for span in src.record.get("boilerplate") or []:
            if isinstance(span.get("start"), int) and isinstance(span.get("end"), int):
                spans[src.record.get("id")].append((span["start"], span["end"], str(span.get("kind"))))
    reported: set[str] = set()
    for item, path, p in content_pointers(pkg):
        s, e = p.get("start"), p.get("end")
        if p.get("id") in reported or not isinstance(s, int) or not isinstance(e, int):
            continue
        for bs, be, kind in spans.get(str(p.get("source")), ()):
            if s < be and bs < e:
                reported.add(p["id"])
                yield pkg.problem(
                    item.origin_of(path),
                    "pointer-in-boilerplate",
                    f"pointer {p['id']} ({_span(p)}) overlaps the {kind} span {bs}-{be} of {p['source']}: "
                    "content records may not point into boilerplate",
                )
                break


def _date_reports(node, path) -> Iterator[tuple[tuple, dict]]:
    if isinstance(node, dict):
        if {"earliest", "latest", "precision", "basis"} <= node.keys():
            yield path, node
        for k, v in node.items():
            if k != "pointer":
                yield from _date_reports(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _date_reports(v, path + (i,))


def check_dates(pkg: Package) -> Iterator[Problem]:
    for record_type, items in pkg.records.items():
        for item in items:
            for path, d in _date_reports(item.record, ()):
                rid = item.record.get("id")
                earliest, latest = d.get("earliest"), d.get("latest")
                if isinstance(earliest, str) and isinstance(latest, str) and earliest > latest:
                    yield pkg.problem(
                        item.origin_of(path + ("earliest",)),
                        "date-order",
                        f"{record_type} {rid}: earliest date {earliest} is after latest {latest}",
                        expected=f"earliest <= {latest}",
                        found=earliest,
                    )
                if d.get("precision") == "day" and earliest != latest:
                    yield pkg.problem(
                        item.origin_of(path + ("latest",)),
                        "date-precision",
                        f"{record_type} {rid}: a day-precise date has earliest {earliest} and latest {latest}",
                        expected="earliest = latest",
                        found=f"{earliest} / {latest}",
                    )
                if d.get("basis") not in ("unknown", None) and d.get("pointer") is None:
                    yield pkg.problem(
                        item.origin_of(path + ("pointer",)),
                        "date-pointer",
                        f"{record_type} {rid}: a date resolved as {d.get('basis')} needs the pointer it rests on",
                    )


def check_casualties(pkg: Package) -> Iterator[Problem]:
    for item in pkg.records.get("event", []):
        for i, c in enumerate(item.record.get("casualties") or []):
            values = [(k, c.get(k)) for k in ("low", "best", "high") if isinstance(c.get(k), int)]
            for (k1, v1), (k2, v2) in pairwise(values):
                if v1 > v2:
                    yield pkg.problem(
                        item.origin_of(("casualties", i, k1)),
                        "casualty-order",
                        f"event {item.record.get('id')}: casualties {k1} {v1} is greater than {k2} {v2}",
                        expected="low <= best <= high",
                        found=f"{k1}={v1}, {k2}={v2}",
                    )
            if c.get("status") != "reported" and values:
                yield pkg.problem(
                    item.origin_of(("casualties", i, "status")),
                    "casualty-status",
                    f"event {item.record.get('id')}: a casualty figure is given but the status is {c.get('status')}",
                )


def check_ids(pkg: Package) -> Iterator[Problem]:
    # Within one table the primary key check reports duplicates; this one looks across tables.
    owner: dict[str, str] = {}
    for record_type, items in pkg.records.items():
        if record_type == "tombstone":
            continue  # a retired id reused by a live record is check_tombstones' report
        for item in items:
            rid = item.record.get("id")
            if not isinstance(rid, str):
                continue
            first = owner.setdefault(rid, record_type)
            if first != record_type:
                yield pkg.problem(
                    item.origin_of(("id",)),
                    "duplicate-id",
                    f"id {rid} is used by a {first} and a {record_type}; ids are unique across the package",
                )


POINTER_PROPERTIES = {"event": "pointers", "actor": "names", "claim": "attributions"}


def check_record_pointers(pkg: Package) -> Iterator[Problem]:
    for record_type, prop in POINTER_PROPERTIES.items():
        items = pkg.records.get(record_type, [])
        # Two rows with one id share their children; the primary key check reports them.
        twice = {i for i, n in Counter(item.record.get("id") for item in items).items() if n > 1}
        child = next(c.name for c in pkg.layout.children(record_type) if c.prop == prop)
        if child not in pkg.tables or not pkg.tables[child].readable:
            continue  # its lists are empty because the table could not be read, reported as such
        for item in items:
            if not item.record.get(prop) and item.record.get("id") not in twice:
                table = pkg.layout.root[record_type].name
                yield pkg.problem(
                    item.origin_of(()),
                    "record-without-pointer",
                    f"{record_type} {item.record.get('id')} has no pointer: add a row to {child}.csv",
                    fix=f"every {record_type} in {table}.csv needs at least one row in {child}.csv",
                )


def check_order(pkg: Package) -> Iterator[Problem]:
    """ord numbers items 1, 2, 3 ... within each parent, so that order survives a round trip."""
    for spec in pkg.layout.tables:
        if spec.prop is None or spec.name not in pkg.tables:
            continue
        table = pkg.tables[spec.name]
        by_parent: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, row in enumerate(table.rows):
            o = row.get("ord", "")
            if o.isdecimal():  # what int() reads, as frictionless does (not "²", which isdigit() admits)
                by_parent[row.get(spec.record_type, "")].append((int(o), table.lines[i + 1]))
        for parent, ords in by_parent.items():
            got = sorted(o for o, _ in ords)
            if got != list(range(1, len(got) + 1)):
                line = min(ln for _, ln in ords)
                yield Problem(
                    table.name,
                    "ord-sequence",
                    f"{spec.record_type} {parent}: ord values {got} are not 1..{len(got)}",
                    line=line,
                    column=table.column_number("ord"),
                    field="ord",
                    expected=", ".join(map(str, range(1, len(got) + 1))),
                    found=", ".join(map(str, got)),
                )


def check_tombstones(pkg: Package) -> Iterator[Problem]:
    """A retired id stays retired, and a merged record points at a live one of the same type."""
    live: dict[str, str] = {}
    for record_type, items in pkg.records.items():
        if record_type != "tombstone":
            live.update(
                (item.record["id"], record_type) for item in items if isinstance(item.record.get("id"), str)
            )
    retired = {t.record.get("id") for t in pkg.records.get("tombstone", [])}
    merges: dict[str, str] = {}
    for t in pkg.records.get("tombstone", []):
        if isinstance(t.record.get("id"), str) and isinstance(t.record.get("merged_into"), str):
            merges.setdefault(t.record["id"], t.record["merged_into"])
    for item in pkg.records.get("tombstone", []):
        t = item.record
        rid, target, status = t.get("id"), t.get("merged_into"), t.get("status")
        if rid in live:
            yield pkg.problem(
                item.origin_of(("id",)),
                "tombstone-live",
                f"tombstone {rid}: the id is retired but a live {live[rid]} still carries it",
                fix="remove the tombstone, or give the live record a new id",
            )
        if status == "merged" and target is None:
            yield pkg.problem(
                item.origin_of(("merged_into",)),
                "tombstone-target",
                f"tombstone {rid}: a merged record needs merged_into, the id of the record it was merged into",
            )
        elif status == "withdrawn" and target is not None:
            yield pkg.problem(
                item.origin_of(("merged_into",)),
                "tombstone-target",
                f"tombstone {rid}: a withdrawn record has no successor; merged_into must be empty",
                expected="",
                found=str(target),
            )
        elif isinstance(target, str):
            if target in retired:
                loop = next((c for c in parent_cycles(merges) if rid in c), None)
                yield pkg.problem(
                    item.origin_of(("merged_into",)),
                    "tombstone-target",
                    f"tombstone {rid}: merged_into {target} is itself retired; point at the live record it went to"
                    + (f" (the merges loop: {' -> '.join(loop + loop[:1])})" if loop else ""),
                )
            elif target not in live:
                yield pkg.problem(
                    item.origin_of(("merged_into",)),
                    "tombstone-target",
                    f"tombstone {rid}: merged_into {target} is not the id of any record in the package",
                    found=target,
                )
            elif isinstance(rid, str) and rid.split("-")[0] != target.split("-")[0]:
                yield pkg.problem(
                    item.origin_of(("merged_into",)),
                    "tombstone-target",
                    f"tombstone {rid}: merged into {target}, a {live[target]}; a record merges into one of its own type",
                    expected=f"{rid.split('-')[0]}-...",
                    found=target,
                )


def parent_cycles(parents: dict[str, str]) -> list[list[str]]:
    """Every cycle of an id -> parent map, each as its ids in chain order, once."""
    state: dict[str, int] = {}  # 1 while on the current walk, 2 once finished
    cycles = []
    for start in parents:
        chain, at = [], start
        while at in parents and at not in state:
            state[at] = 1
            chain.append(at)
            at = parents[at]
        if state.get(at) == 1:
            cycles.append(chain[chain.index(at) :])
        for rid in chain:
            state[rid] = 2
    return cycles


def check_graphs(pkg: Package) -> Iterator[Problem]:
    """Parent chains end, and no record relates to itself: an event is not its own parent
    (nor its parent's ancestor), not related to itself; a claim is not a variant of itself
    nor passed on via its own claimant."""
    events = pkg.records.get("event", [])
    first: dict[str, Assembled] = {}
    for item in events:
        rid = item.record.get("id")
        if isinstance(rid, str):
            first.setdefault(rid, item)
    parents = {
        rid: item.record["parent"]
        for rid, item in first.items()
        if isinstance(item.record.get("parent"), str)
    }
    order = {id(item): n for n, item in enumerate(events)}
    for cycle in parent_cycles(parents):
        at = min(range(len(cycle)), key=lambda k: order[id(first[cycle[k]])])
        cycle = cycle[at:] + cycle[:at]
        item = first[cycle[0]]
        if len(cycle) == 1:
            message = f"event {cycle[0]} is its own parent"
        else:
            message = f"event {cycle[0]}: its parent chain {' -> '.join(cycle + cycle[:1])} is a cycle"
        yield pkg.problem(
            item.origin_of(("parent",)),
            "graph-cycle",
            message,
            found=" -> ".join(cycle + cycle[:1]),
            fix="an event's parent is the operation it is part of; break the cycle",
        )
    for item in events:
        rid = item.record.get("id")
        for i, rel in enumerate(item.record.get("relations") or []):
            if isinstance(rid, str) and rel.get("other_event") == rid:
                yield pkg.problem(
                    item.origin_of(("relations", i, "other_event")),
                    "graph-self",
                    f"event {rid} is {rel.get('relation')} itself",
                    found=rid,
                )
    for item in pkg.records.get("claim", []):
        c = item.record
        rid, claimant = c.get("id"), c.get("claimant")
        if isinstance(rid, str) and c.get("variant_of") == rid:
            yield pkg.problem(
                item.origin_of(("variant_of",)),
                "graph-self",
                f"claim {rid} is a variant of itself",
                found=rid,
            )
        for i, a in enumerate(c.get("attributions") or []):
            if isinstance(claimant, str) and a.get("via") == claimant:
                yield pkg.problem(
                    item.origin_of(("attributions", i, "via")),
                    "graph-self",
                    f"claim {rid} is reported via its own claimant {claimant}",
                    found=claimant,
                    fix="via names an intermediary between the claimant and the outlet; leave it empty when there is none",
                )


CHECKS = (
    check_sources,
    check_pointers,
    check_boilerplate,
    check_dates,
    check_casualties,
    check_ids,
    check_record_pointers,
    check_order,
    check_tombstones,
    check_graphs,
)
