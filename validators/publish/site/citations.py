"""Which record cites which pointer, and in what capacity: the links from a highlight back to
the records that rest on it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    record: str  # id of the citing record (a source cites the words giving its publisher or date)
    kind: str  # source, event, actor, claim, discrepancy or uncoded
    role: str  # what the words are to the record, in a few words


def _date(role: str, report) -> list[tuple[str, str]]:
    return [(report.pointer.id, role)] if report is not None and report.pointer is not None else []


def citations(ds) -> dict[str, list[Citation]]:
    """Pointer id -> the records citing it, in the order of the package's records."""
    index: dict[str, list[Citation]] = defaultdict(list)

    def add(record_id: str, kind: str, found: list[tuple[str, str]]) -> None:
        for pointer_id, role in found:
            citation = Citation(record_id, kind, role)
            if citation not in index[pointer_id]:
                index[pointer_id].append(citation)

    for s in ds.sources:
        found = [(s.publisher.pointer.id, "publisher")] if s.publisher.pointer is not None else []
        add(s.id, "source", found + _date("publication date", s.published))
    for e in ds.events:
        found = [(p.id, "evidence") for p in e.pointers] + _date("date", e.date)
        found += [(loc.pointer.id, "place") for loc in e.locations]
        found += [(c.pointer.id, f"casualties ({c.kind})") for c in e.casualties]
        found += [(p.pointer.id, f"participant {p.actor} ({p.role})") for p in e.participants]
        found += [(r.pointer.id, f"relation: {r.relation}") for r in e.relations if r.pointer is not None]
        add(e.id, "event", found)
    for a in ds.actors:
        found = [
            (n.pointer.id, f"name as reported{' (misspelled)' if n.misspelled else ''}") for n in a.names
        ]
        for r in a.roles:
            found.append((r.pointer.id, "role"))
            found += _date("role date", r.as_of)
        add(a.id, "actor", found)
    for c in ds.claims:
        found = []
        for n, at in enumerate(c.attributions, 1):
            found.append((at.pointer.id, f"appearance {n}: the claim's words"))
            if at.attribution_pointer is not None:
                found.append((at.attribution_pointer.id, f"appearance {n}: attribution"))
        add(c.id, "claim", found + _date("date said", c.said))
    for d in ds.discrepancies:
        add(d.id, "discrepancy", [(v.pointer.id, f"version {n}") for n, v in enumerate(d.versions, 1)])
    for u in ds.uncoded:
        add(u.id, "uncoded", [(u.pointer.id, "deliberately uncoded")])
    return dict(index)
