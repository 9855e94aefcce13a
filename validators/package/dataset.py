"""``claimtrail.load()``: the package as typed, frozen records with lookups and navigation.

Loading reads the tables, assembles the records and validates each against its pydantic
model; it does not run the full validator (``claimtrail validate``), which also checks every
pointer against its source text.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

from claimtrail.contract.layout import build_layout
from claimtrail.files.bundled import data_dir
from claimtrail.files.limits import MAX_SOURCE_BYTES
from claimtrail.files.safe_open import UnsafeFile, read_regular
from claimtrail.package.csvio import read_csv
from claimtrail.package.paths import safe_source_path
from claimtrail.package.records import assemble


class LoadError(Exception):
    """The package cannot be loaded; the message names file, line and field."""


class Dataset:
    """The records of one package. Lists are tuples of frozen pydantic models."""

    def __init__(self, root: Path, records: dict[str, tuple]):
        self.root = root
        self.sources = records["source"]
        self.pointers = records["pointer"]
        self.actors = records["actor"]
        self.events = records["event"]
        self.claims = records["claim"]
        self.discrepancies = records["discrepancy"]
        self.uncoded = records["uncoded"]
        self.tombstones = records.get("tombstone", ())
        # Retired ids (tombstones) are looked up separately: get() answers only live records.
        self._by_id = {r.id: r for kind, group in records.items() if kind != "tombstone" for r in group}
        self._texts: dict[str, str] = {}

    def __repr__(self) -> str:
        return (
            f"<claimtrail.Dataset {self.root}: {len(self.sources)} sources, {len(self.actors)} actors, "
            f"{len(self.events)} events, {len(self.claims)} claims>"
        )

    # -- lookup ------------------------------------------------------------------------------
    def get(self, record_id: str):
        """Any record by id (source, pointer, actor, event, claim, discrepancy, uncoded span)."""
        try:
            return self._by_id[record_id]
        except (KeyError, TypeError):
            raise KeyError(f"no record with id {record_id!r}{_nearest(record_id, self._by_id)}") from None

    def __getitem__(self, record_id: str):
        return self.get(record_id)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._by_id

    def source(self, source_id: str):
        return self._typed(source_id, self.sources)

    def actor(self, actor_id: str):
        return self._typed(actor_id, self.actors)

    def event(self, event_id: str):
        return self._typed(event_id, self.events)

    def claim(self, claim_id: str):
        return self._typed(claim_id, self.claims)

    def _typed(self, record_id: str, group: tuple):
        record = self._by_id.get(record_id) if isinstance(record_id, str) else None
        if record is None:
            kind = type(group[0]).__name__.lower() if group else "record"
            raise KeyError(f"no {kind} with id {record_id!r}{_nearest(record_id, [r.id for r in group])}")
        if record not in group:
            raise KeyError(
                f"{record_id!r} is a {type(record).__name__}, not a {type(group[0]).__name__ if group else 'record of that type'}"
            )
        return record

    # -- text behind pointers ----------------------------------------------------------------
    def source_text(self, source_id: str) -> str:
        if source_id not in self._texts:
            source = self.source(source_id)
            path, why = safe_source_path(self.root, source.path)
            if path is None:
                raise LoadError(f"source {source_id}: {why}")
            try:
                self._texts[source_id] = read_regular(path, MAX_SOURCE_BYTES, self.root).decode("utf-8")
            except UnsafeFile as e:
                raise LoadError(f"source {source_id}: {source.path}: {e.reason}") from None
            except UnicodeDecodeError as e:
                raise LoadError(f"source {source_id}: {source.path}: not UTF-8 ({e.reason})") from None
        return self._texts[source_id]

    def text(self, pointer) -> str:
        """The text a pointer points at, read from its source file (not the stored quote)."""
        return self.source_text(pointer.source)[pointer.start : pointer.end]

    # -- tables as dataframes ----------------------------------------------------------------
    def frame(self, table: str, library: str = "pandas"):
        """One table (``"claims"``, ``"actor_names"`` ...) as a pandas or polars DataFrame with
        the types of the descriptor's Table Schema (frames.py)."""
        from claimtrail.package.frames import frame

        return frame(self.root, table, library)

    def frames(self, library: str = "pandas") -> dict:
        """Every table as a DataFrame, by table name."""
        from claimtrail.package.frames import frames

        return frames(self.root, library)

    # -- navigation --------------------------------------------------------------------------
    @cached_property
    def _claims_by_subject(self) -> dict[str, list]:
        index: dict[str, list] = defaultdict(list)
        for claim in self.claims:
            for subject in (*claim.about_events, *claim.about_actors):
                index[subject].append(claim)
        return index

    def claims_about(self, record_id: str) -> tuple:
        """Claims about an event or an actor."""
        self.get(record_id)
        return tuple(self._claims_by_subject.get(record_id, ()))

    def claims_by(self, actor_id: str) -> tuple:
        """Claims an actor made."""
        self.actor(actor_id)
        return tuple(c for c in self.claims if c.claimant == actor_id)

    def events_of(self, actor_id: str, roles: Iterable[str] | None = None) -> tuple:
        """Events the actor took part in (optionally only in the given roles)."""
        self.actor(actor_id)
        wanted = set(roles) if roles is not None else None
        return tuple(
            e
            for e in self.events
            if any(p.actor == actor_id and (wanted is None or p.role in wanted) for p in e.participants)
        )

    def children(self, event_id: str) -> tuple:
        """The sites or attacks of an operation."""
        self.event(event_id)
        return tuple(e for e in self.events if e.parent == event_id)

    def records_citing(self, source_id: str) -> tuple:
        """Events, actors and claims with at least one pointer into the source."""
        self.source(source_id)
        return tuple(
            r
            for r in (*self.events, *self.actors, *self.claims)
            if any(p.source == source_id for p in r.pointers)
        )


# Suggestions are drawn from the ids of the type asked for, at most this many, and only ids
# at least this similar (difflib's ratio): a typo finds its id, nonsense finds nothing.
NEAREST, CUTOFF = 3, 0.6


def _nearest(record_id: object, ids) -> str:
    if not isinstance(record_id, str):
        return ""
    close = difflib.get_close_matches(record_id, list(ids), n=NEAREST, cutoff=CUTOFF)
    return f"; nearest: {', '.join(close)}" if close else ""


def load(path: str | Path | None = None) -> Dataset:
    """Load a package folder (default: the bundled data) as typed records."""
    from pydantic import ValidationError

    root = Path(path) if path is not None else data_dir()
    layout = build_layout()
    tables = {}
    for spec in layout.tables:
        table = read_csv(root / spec.path, spec.path)
        if table.problems:
            first = table.problems[0]
            raise LoadError(f"{root / first.path}:{first.line or ''}: {first.check}: {first.message}")
        tables[spec.name] = table
    assembled = assemble(layout, tables)
    from claimtrail.contract.models import RECORD_MODELS as models

    records: dict[str, tuple] = {}
    for record_type, items in assembled.items():
        model = models[record_type]
        typed = []
        for item in items:
            try:
                typed.append(model.model_validate(item.record))
            except ValidationError as e:
                error = e.errors()[0]
                file, line, column = item.origin_of(tuple(error["loc"])) or (record_type, None, None)
                where = ".".join(map(str, error["loc"]))
                raise LoadError(
                    f"{root / file}:{line}: field {column}: {record_type} {item.record.get('id')}: "
                    f"{where}: {error['msg']} (run 'claimtrail validate' for a full report)"
                ) from None
        records[record_type] = tuple(typed)
    return Dataset(root, records)
