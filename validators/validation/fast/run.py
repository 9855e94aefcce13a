"""One run of the fast engine: every table read once, checked, and let go.

Tables are read record type by record type, in RECORD_TYPES order (a type's tables refer only
to types read before it, or to itself), each right after the one before is released, so that
memory holds one table plus the ids later tables refer to. The one exception: sources embed
pointers, and pointers refer to sources; the sources' tables are kept until pointers.csv is
read. From each table the run keeps the records a check may report on (few, usually none):
their rows are read again at the end, assembled as the reference engine does, and handed to
the reference record-schema step and to checks.py.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

import polars as pl

from claimtrail.contract.descriptor import table_schema
from claimtrail.contract.problems import Problem, Report
from claimtrail.files.limits import MAX_PROBLEMS, MAX_SOURCE_BYTES, MAX_TABLE_BYTES
from claimtrail.files.safe_open import UnsafeFile, read_resolved, regular_file
from claimtrail.package.csvio import CsvTable
from claimtrail.package.paths import safe_source_path
from claimtrail.validation import checks
from claimtrail.validation.coverage import (
    FULL,
    CoverageError,
    Inputs,
    PackedSentences,
    accounted_sources,
    content_columns,
    content_sentences,
    coverage_setting,
    spans_outside,
)
from claimtrail.validation.fast import checks as fc
from claimtrail.validation.fast import records as fr
from claimtrail.validation.fast.engine import (
    LIMIT_ERRORS,
    TableChecks,
    check_resources,
    compact_fields,
    contained,
    file_errors,
    load_table,
    lookup_ids,
    table_problem,
    text_file_digest,
)
from claimtrail.validation.fast.memory import LARGE_TABLES, collector_paused, give_back, table_bytes
from claimtrail.validation.fast.tables import Fallback, FastTable, pieces, scan_file
from claimtrail.validation.fast.texts import SourceTexts
from claimtrail.validation.reading_rules import (
    DUPLICATES,
    LINE,
    PROSE,
    check_reading_rules,
    likely_duplicates,
    quote_candidates,
    quoted_pointers,
    quotes_of,
    root_candidates,
    shared_hashes,
    signature_part,
)

# Tables of at most this many bytes in all stay in memory once checked, for the reading rules
# and the records' rows. At 100,000 claims (48 MB of tables), eight runs each alternately:
# median 2.05 s and 260 MiB held, against 2.15 s and 229 MiB read again.
HOLD_TABLES_BYTES = 64 << 20
# From this many bytes of tables the columns compact_fields chooses are read as Categorical.
COMPACT_FROM = LARGE_TABLES
IN_MEMORY_ROWS = 50_000  # a frame of the reading rules this short is not streamed (no gain)
EVERY_RECORD = ("source", "tombstone")  # small types whose checks read every record
# Texts of at least this many bytes (UTF-8) in all are split into sentences, for coverage, in
# a second thread while the tables are checked (polars lets go of the interpreter meanwhile);
# fewer are split at the end, as a thread would cost more than it saves.
SPLIT_AHEAD_BYTES = 1 << 20
# Records only the record schema may reject are assembled at first up to this many per type,
# in row order (FastRun.schema_later): enough for it to find its MAX_PROBLEMS failures when
# most of them fail, as with an error repeated down a table.
SCHEMA_FIRST = 4 * MAX_PROBLEMS


class Group:
    """What the run learns about one record type while its tables stream past."""

    def __init__(self, record_type: str):
        self.record_type = record_type
        self.ids: set[str] = set()  # records to assemble
        self.null_rows = pl.Series("i", [], dtype=pl.UInt32)  # root rows without an id, to assemble
        # Ids a per-record check may report on, or whose record must be assembled for another
        # reason; the other ids are there for the record schema alone (FastRun.schema_later).
        self.checked: set[str] = set()
        self.root_ids = pl.Series("id", [], dtype=pl.String)
        self.every = record_type in EVERY_RECORD  # checks read every record of this type


class FastRun:
    def __init__(self, root: Path, descriptor: dict[str, Any], layout, report, progress=None):
        from claimtrail.contract.schemas import load_schemas

        self.root, self.layout, self.report = root, layout, report
        self.step = progress or (lambda name: None)
        self.schemas = load_schemas()
        fr.check_keywords(self.schemas)
        fc.require_known(checks.CHECKS)
        resources = [r for r in descriptor["resources"] if isinstance(r, dict)]
        self.table_names = {t.name for t in layout.tables}
        if any(
            r.get("_unsafe") and r.get("type") == "table" and r.get("name") not in self.table_names
            for r in resources
        ):
            raise Fallback("a table outside the layout the descriptor step refused")
        # A text the descriptor step refused (and reported) is not opened: the reference does
        # not show it to frictionless either. A refused table is kept: check_table reads it
        # the reference's way.
        self.resources = [r for r in resources if not r.get("_unsafe") or r.get("name") in self.table_names]
        self.missing = check_resources(root, self.resources, layout)  # texts with no file
        self.by_name = {r.get("name"): r for r in self.resources}
        self.leaves = fr.LeafValidators(self.schemas)
        self.facades: dict[str, FastTable] = {}  # what translate() and checks read of each table
        self.lookups: dict[str, pl.Series] = {}  # root table -> its ids, for foreign keys
        self.sorted_ids: dict[str, pl.Series] = {}  # the same, sorted (once), for binary searches
        self.offsets: dict[str, pl.Series | None] = {}  # table -> line breaks inside cells before each row
        self.root_tables: dict[str, Any] = {}  # record type -> its root table, once read
        self.flags: dict[str, pl.Series] = {}
        self.fk_bad: dict[str, dict[str, pl.Series]] = {}
        self.pk_dup: dict[str, pl.Series | None] = {}
        self.pending: list = []  # tables with foreign keys into tables not read yet
        self.pointers: FastTable | None = None  # pointers.csv, while its rows are needed
        self.pointer_state = fr.PointerState()
        self.overlap = pl.Series("id", [], dtype=pl.String)
        self.minis: dict[str, dict[str, CsvTable]] = {}  # record type -> rows to assemble at the end
        self.subsets: dict[str, list] = {}  # record type -> assembled records a check may report on
        self.texts = SourceTexts()
        self.digests: dict[str, tuple[str, int]] = {}
        self.sources: list = []
        self.stones: list = []
        self.own: list[Problem] = []
        self.counts: dict[str, int] = {}
        self.released: set[str] = set()
        # Tables csvio cannot read (not UTF-8, a byte-order mark, empty, too many columns, bad
        # CSV): reported as the reference reports them, then absent, as the reference treats
        # them (a header-only stand-in for frictionless, left out of the records).
        self.unreadable: set[str] = set()
        # A small package's tables stay in memory once checked, for the reading rules, which
        # would read each file again a dozen times; a large one's are let go (the memory bound).
        self.table_bytes = table_bytes(root)  # the same count as the command's allocator choice
        self.held: dict[str, pl.DataFrame] | None = {} if self.table_bytes <= HOLD_TABLES_BYTES else None
        self.candidates: dict[str, set[str]] = {}  # record type -> ids the record schema may reject
        # record type -> (group, its tables, the last id assembled of those only the schema reads)
        self.later: dict[str, tuple] = {}
        # For quote-verbatim: the rows of each table of our prose that may hold a quotation,
        # found while the table is in memory (usually none), not by reading it again at the end.
        self.quote_rows: dict[str, pl.DataFrame | None] = {}
        self.claimants: pl.Series | None = None  # claimants of claims.csv, for check_graphs' selector
        # For coverage (coverage.py), gathered as the tables pass: every pointer's span, and
        # which pointers a content record (or, deliberately, uncoded.csv) uses.
        self.spans: pl.DataFrame | None = None
        self.content: dict[bool, dict[str, list[str]]] = {False: {}, True: {}}
        for name, column, deliberate in content_columns(layout):
            self.content[deliberate].setdefault(name, []).append(column)
        self.used: dict[bool, pl.Series] = {}
        self.spans_complete = True
        self.full_coverage = coverage_setting(descriptor) == (FULL, None)
        self.coverage_sources: list | None = None  # (id, path, boilerplate, UTF-8 text) of every source
        self.splitting: Future | None = None  # _split_ahead, in a second thread (SPLIT_AHEAD_BYTES)
        self.texts_to_let_go = False  # pointer_rows has read every text, not let go yet
        # Work done ahead in a second thread, while polars reads the tables in this one.
        self.ahead = ThreadPoolExecutor(1)
        # The source texts' files, located (safe_source_path) from the moment sources.csv is
        # checked, while polars reads pointers.csv: check_sources then opens them without
        # resolving each path (at a million claims, 0.28 s against 0.5 s).
        self.locating: Future | None = None
        # For a large package, the quotes role-support and casualty-support will ask for
        # (quoted_pointers, read in the second thread as the run starts), kept while
        # pointers.csv is in memory: at a million claims, 50,000 of 1.58 million rows,
        # instead of the file read again at the end.
        self.quoting: Future | None = None  # quoted_pointers, being read
        self.wanted_quotes: pl.Series | None = None
        self.kept_quotes: pl.DataFrame | None = None

    def run(self) -> None:
        order = [s for record_type in self.layout.root for s in self.specs(record_type)]
        # One table read ahead costs the memory of two at once: not for a large package.
        # Cells held compact where memory is the bound: polars reads a Categorical column
        # more slowly (at 100,000 claims, 0.12 s more for claims.csv and pointers.csv).
        compact = self.compact(order) if self.table_bytes >= COMPACT_FROM else {}
        self.reader = _Reader(
            self.root, self.by_name, order, ahead=self.table_bytes < LARGE_TABLES, compact=compact
        )
        if self.held is None and "pointers" in self.by_name:
            self.quoting = self.ahead.submit(quoted_pointers, _BeforeChecks(self))
        try:
            self._run()
        finally:
            self.reader.close()
            self.ahead.shutdown(wait=True, cancel_futures=True)

    def compact(self, order: list) -> dict[str, tuple[str, ...]]:
        """Each table's fields read as Categorical (compact_fields), from the files' sizes."""
        sizes = {}
        for spec in order:
            try:
                sizes[spec.name] = (self.root / spec.path).stat().st_size
            except OSError:
                pass  # not there: its foreign keys' fields are read as text
        return {spec.name: compact_fields(self.by_name[spec.name]["schema"], sizes) for spec in order}

    def specs(self, record_type: str) -> list:
        """The tables of a record type the package lists, root first, in the order read."""
        root_spec = self.layout.root[record_type]
        return [s for s in [root_spec] + self.layout.children(record_type) if s.name in self.by_name]

    def _run(self) -> None:
        waiting = []
        for record_type, root_spec in self.layout.root.items():
            specs = self.specs(record_type)
            if root_spec not in specs:
                if specs:  # items without their records: frictionless' own verdict
                    raise Fallback(f"{specs[0].path} is listed but {root_spec.path} is not")
                continue
            if (
                record_type != "pointer"
                and "pointers" not in self.facades
                and "pointers" in self.by_name
                and any(c.kind == "pointer" for s in specs for c in s.columns)
            ):
                # Its records embed pointers: keep its tables until pointers.csv is read.
                waiting.append((record_type, specs, {s.name: self.check_table(s) for s in specs}))
                continue
            self.group(record_type, specs, {})
            if record_type == "pointer":
                for item in waiting:
                    self.group(*item)
                waiting = []
                self.pointer_texts()
                self.release("pointers")
                give_back()  # what the sources' check and the pointers' rows let go
                self.split_ahead()
        for item in waiting:
            self.group(*item)
        if self.pending:
            raise Fallback("foreign keys into tables that are not in the package")
        self.text_files()
        self.finish()

    # -- tables --------------------------------------------------------------------------------

    def add(self, path: str, table, error, schema) -> None:
        problem = table_problem(path, table, error, schema, self.facades, self.report.package)
        if problem is not None:
            self.report.add(problem)

    def check_table(self, spec) -> FastTable:
        """Read one table and run its Table Schema checks."""
        self.step(f"tables: {spec.path}")
        self.let_texts_go()
        resource = self.by_name[spec.name]
        if resource.get("schema") != table_schema(spec):
            # records.py relies on the fields carrying the JSON Schemas' constraints.
            raise Fallback(f"{spec.path}: the descriptor's table schema is not the derived one")
        file_errs: list[Any]
        if resource.get("_unsafe"):
            # Refused by the descriptor step (a FIFO, a device, a link out, a URL): never opened
            # by polars. csvio refuses the file as the reference's does; a file it reads (the
            # resource named a refused URL or declaration) is the reference's to judge.
            refused = self.unreadable_table(spec, resource)
            if refused is None:
                raise Fallback(f"{spec.path}: a regular file under a refused declaration")
            table, file_errs = refused, []
        else:
            try:
                table, file_errs = self.reader.load(spec)
            except Fallback:
                stand_in = self.unreadable_table(spec, resource)
                if stand_in is None:  # csvio reads what polars did not: the reference's verdict
                    raise
                table, file_errs = stand_in, []
        self.facades[spec.name] = table
        self.offsets[spec.name] = table.offsets
        if spec.name == "sources" and table.readable and "path" in table.header:
            paths = table.df.get_column("path").cast(pl.String).drop_nulls().unique(maintain_order=True)
            self.locating = self.ahead.submit(_locate_sources, self.root, paths.to_list())
        if spec.prop is None:
            self.lookups[spec.name] = lookup_ids(table)
        self.note_content(spec, table)
        if table.readable:
            tc = TableChecks(table, resource["schema"], self.sorted_ids)
            errs = tc.run(self.lookups)
            self.flags[spec.name], self.fk_bad[spec.name] = tc.flags, tc.fk_bad
            self.pk_dup[spec.name] = tc.pk_dup
            if tc.deferred:
                self.pending.append((spec, tc, resource))
            # frictionless stops at LIMIT_ERRORS, before its file checks.
            for error in errs if tc.total >= LIMIT_ERRORS else errs + file_errs:
                self.add(spec.path, table, error, resource["schema"])
        for item in list(self.pending):
            pspec, ptc, presource = item
            if all((fk["reference"].get("resource") or "") in self.lookups for fk in ptc.deferred):
                self.pending.remove(item)
                for error in ptc.deferred_errors(self.lookups):
                    self.add(pspec.path, ptc.t, error, presource["schema"])
                self.fk_bad[pspec.name].update(ptc.fk_bad)
        return table

    def unreadable_table(self, spec, resource: dict[str, Any]) -> FastTable | None:
        """The stand-in of a table csvio cannot read, its problems reported (csvio's own, as
        the reference reports them); None when csvio reads it."""
        from claimtrail.package.csvio import read_csv

        csv = read_csv(self.root / spec.path, spec.path)
        if csv.readable:
            return None
        for problem in csv.problems:
            self.report.add(problem)
        self.unreadable.add(spec.name)
        empty = pl.DataFrame(schema={f["name"]: pl.String for f in resource["schema"]["fields"]})
        return FastTable(spec.path, list(csv.header), empty, None, readable=False)

    def note_content(self, spec, table: FastTable) -> None:
        """Mark the pointers this table's content columns use (coverage's input)."""
        for flag, columns in self.content.items():
            for column in columns.get(spec.name, ()):
                if "pointers" not in self.lookups:  # read before pointers.csv: coverage reads the files
                    self.spans_complete = False
                    continue
                ids = self.lookups["pointers"]
                values = table.df.get_column(column).drop_nulls().cast(pl.String)  # if read compact
                if values.is_empty():
                    continue
                if self.sorted_ids.get("pointers") is ids and values.is_sorted():
                    # Both in order (strictly, for the ids): a binary search of each value
                    # reads the ids in order, and costs less than hashing the values and
                    # looking up every id (claim_attributions.pointer: 1,000,000 values).
                    hit = fc.rows_holding(ids, values)
                else:
                    hit = ids.is_in(values.implode())
                self.used[flag] = self.used[flag] | hit if flag in self.used else hit

    def coverage_inputs(self):
        """What coverage needs, from what the run has read, or None when it lacks something
        (coverage then reads the files)."""
        if not self.spans_complete or self.spans is None or self.coverage_sources is None:
            return None
        empty = pl.zeros(self.spans.height, pl.Boolean, eager=True)
        parts = [
            fc.spans_for_coverage(self.spans.filter(self.used.get(flag, empty))).with_columns(
                pl.lit(flag).alias("deliberate")
            )
            for flag in (False, True)
        ]
        spans = pl.concat(parts)
        if self.splitting is None:
            return Inputs(self.coverage_sources, spans)
        accounted, todo, packed = self.splitting.result()
        if accounted:
            # Accounted for as every pointer of pointers.csv left them: a pointer no content
            # record uses may cover words no other span does. Most lie in the boilerplate (a
            # source's date); the others are looked at with the spans that count.
            used = self.used.get(False, empty) | self.used.get(True, empty)
            ids = [key for key, *_ in self.coverage_sources]
            unused = fc.spans_for_coverage(self.spans.filter(~used))
            boiler = fc.boilerplate_spans(self.sources).rename({"bs": "start", "be": "end"})
            doubt = spans_outside(ids, unused, boiler)
            if doubt:
                theirs = pl.col("source").is_in(pl.Series([ids[k] for k in doubt], dtype=pl.String).implode())
                cover = pl.concat([spans.drop("deliberate").filter(theirs), boiler.filter(theirs)])
                accounted = accounted - spans_outside(ids, unused.filter(theirs), cover)
        count = len(self.coverage_sources)

        def sentences() -> list:
            out: list = [None] * count  # None: split by coverage, if it needs them
            for k, split in zip(todo, packed.lists(), strict=True):
                out[k] = split
            return out

        return Inputs(self.coverage_sources, spans, sentences, frozenset(accounted))

    def held_table(self, name: str) -> FastTable | None:
        """A table whose every row is still in memory, if it is."""
        t = self.facades[name]
        df = t.df if name not in self.released else (self.held or {}).get(name)
        return None if df is None else FastTable(t.name, list(t.header), df, self.offsets.get(name))

    def release(self, name: str) -> None:
        """Let a table go, keeping what later tables and messages need: its ids."""
        if name in self.released or any(spec.name == name for spec, _, _ in self.pending):
            return
        self.released.add(name)
        t = self.facades[name]
        if self.held is not None:
            self.held[name] = t.df
        kept = t.df.select("id") if name in self.lookups else t.df.clear()
        self.facades[name] = FastTable(t.name, t.header, kept, None, readable=t.readable)
        self.flags.pop(name, None)
        self.fk_bad.pop(name, None)
        if name == "pointers":
            self.pointers = None

    def rows_of(self, spec, where: pl.Expr) -> CsvTable:
        """A table's rows matching ``where`` (which may use "_row", the row's index), as csvio
        reads them (lines kept): from memory when the table is still there, else read again,
        a batch at a time, keeping only those rows."""
        t = self.facades[spec.name]
        if spec.name not in self.released or not t.readable:  # an unreadable table has no rows
            return fc.mini_table(t, fc.rows_where(t.df.with_row_index("_row"), where))
        labels = list(t.header)
        found = [
            part.with_row_index("_row", offset=first).filter(where.fill_null(False))
            for first, part in pieces(self.root / spec.path, spec.path, labels)
        ]
        df = (
            pl.concat(found)
            if found
            else pl.DataFrame(schema={"_row": pl.UInt32, **dict.fromkeys(labels, pl.String)})
        )
        offsets = self.offsets.get(spec.name)
        rows = df.get_column("_row")
        again = FastTable(t.name, labels, df.drop("_row"), None)
        out = fc.mini_table(again, pl.Series("i", range(df.height), dtype=pl.UInt32))
        out.lines = [1] + [
            int(r) + 2 + (int(offsets[int(r)]) if offsets is not None else 0) for r in rows.to_list()
        ]
        return out

    # -- records -------------------------------------------------------------------------------

    def group(self, record_type: str, specs: list, tables: dict[str, FastTable]) -> None:
        g = Group(record_type)
        parts: list = []
        among = None
        held: _HeldFrames | None = None
        for spec in specs:
            table = tables.pop(spec.name, None) or self.check_table(spec)
            self.step(f"records: {spec.path}")
            if record_type in DUPLICATES or spec.name in PROSE:
                held = _HeldFrames(self, spec.name, table)
            if spec.name in PROSE:  # quote-verbatim's rows, while the cells are in memory
                self.quote_rows[spec.name] = quote_candidates(held, self.layout, spec.name)
            if record_type in DUPLICATES:  # the rule's hashes, while the cells are in memory
                parts.append(signature_part(held, self.layout, spec.name, among))
                if spec.prop is None and parts[0] is not None:
                    # Only rows whose hash another row shares can be in a duplicate: the rest
                    # (a million claims, usually all) are not held while the items pass, nor
                    # grouped by id at the end. root_candidates of what is kept is the same.
                    parts[0] = parts[0].filter(pl.col("_h").is_in(shared_hashes(parts[0]).implode()))
                    among = root_candidates(parts[0])
            if spec.prop is None:
                self.root_rows(g, spec, table)
            else:
                self.child_rows(g, spec, table)
            if spec.name != "pointers" and record_type not in EVERY_RECORD:
                self.release(spec.name)
            # Let the table go before the next is read: the rule's view of it holds it too.
            table = held = None
            give_back()
        if (
            parts
            and len(parts) == 1 + len(self.layout.children(record_type))
            and all(part is not None for part in parts)
        ):
            self.own += list(likely_duplicates(_FastFrames(self), self.layout, record_type, parts))
        self.conclude(g, specs)
        for spec in specs:
            if spec.name != "pointers":
                self.release(spec.name)

    def bad_rows(
        self, df: pl.DataFrame, spec, flagged: pl.Series | None, fk_bad: dict
    ) -> tuple[pl.Series, pl.Series]:
        """(rows the record schema may reject, rows a per-record check may report on)."""
        schema = fr.table_bad_rows(df, spec, self.leaves, self.pointer_state, flagged, fk_bad)
        bad = pl.zeros(df.height, pl.Boolean, eager=True).alias("bad")
        dates = fc.date_rows(df, spec)
        if dates is not None:
            bad = bad | df.select(dates.fill_null(False).alias("d")).to_series()
        if spec.name == "event_casualties":
            bad = bad | df.select(fc.casualty_rows(df).alias("c")).to_series()
        graph = fc.graph_rows(df, spec, self.claimants)
        if graph is not None:
            bad = bad | graph
        for c in spec.columns:
            if c.kind == "pointer" and not self.overlap.is_empty():
                bad = bad | df.get_column(c.name).is_in(self.overlap.implode()).fill_null(False)
        return schema, bad

    def root_rows(self, g: Group, spec, table: FastTable) -> None:
        df = table.df
        self.counts[g.record_type] = table.height
        self.root_tables[g.record_type] = spec
        ids = self.lookups[spec.name]
        g.root_ids = ids.filter(ids.is_not_null() & (ids != ""))
        if spec.name == "claims":
            self.claimants = df.get_column("claimant").drop_nulls().unique()
        schema, checked = self.bad_rows(df, spec, self.flags.get(spec.name), self.fk_bad.get(spec.name, {}))
        bad = schema | checked
        dups = self.pk_dup.get(spec.name)
        if g.record_type == "pointer":
            # The pointer embedded for an id is its first row: invalid when that row is.
            named = df.select(pl.col("id"), bad.alias("bad")).filter(~fc.empty("id"))
            if dups is not None and dups.any():
                named = named.unique("id", keep="first", maintain_order=True)
            self.pointer_state = fr.PointerState(ids, named.filter(pl.col("bad"))["id"])
            self.pointers = table
            self.spans = fc.pointer_spans(df)
            self.wanted_quotes = self.quoting.result() if self.quoting is not None else None
            if self.wanted_quotes is not None and table.readable and {"id", "quote"} <= set(table.header):
                self.kept_quotes = fc.kept_quotes(df, self.wanted_quotes)
        # Every row of a repeated id is assembled: the reference skips such records, and which
        # one the children attach to depends on all of them.
        if dups is not None and not dups.any():  # the primary key check found no repeated id
            repeated = pl.zeros(df.height, pl.Boolean, eager=True).alias("r")
        else:
            repeated = df.get_column("id").is_duplicated() & ~df.select(fc.empty("id")).to_series()
        rows = (bad | repeated).arg_true()
        found = df.get_column("id").gather(rows)
        g.ids.update(found.drop_nulls().to_list())
        g.ids.discard("")
        g.checked.update(df.get_column("id").filter(checked | repeated).drop_nulls().to_list())
        g.null_rows = rows.filter(found.fill_null("") == "")

    def child_rows(self, g: Group, spec, table: FastTable) -> None:
        parent = g.record_type
        df = table.df
        # Items of a parent that is not there (a foreign key error) are not part of any record.
        flags, fk_bad = self.flags.get(spec.name), self.fk_bad.get(spec.name, {})
        dangling = df.select(fc.empty(parent)).to_series()
        if parent in fk_bad:
            dangling = dangling | fk_bad[parent]
        items = df
        if dangling.any():
            attached = ~dangling
            items = df.filter(attached)
            flags = flags.filter(attached) if flags is not None else None
            fk_bad = {k: v.filter(attached) for k, v in fk_bad.items()}
        schema, checked = self.bad_rows(items, spec, flags, fk_bad)
        g.ids.update(items.get_column(parent).filter(schema | checked).to_list())
        g.checked.update(items.get_column(parent).filter(checked).to_list())
        need = max(
            fr.min_items(self.schemas, spec), 1 if checks.POINTER_PROPERTIES.get(parent) == spec.prop else 0
        )
        ordered = fc.in_item_order(df, parent)  # read once: order_parents asks it too
        if need:
            if ordered if items is df else fc.in_item_order(items, parent):
                # Items in order: a parent has `need` items when it has a row with ord `need`,
                # and those parents come sorted (no grouping, no hashing of every id).
                enough = items.filter(pl.col("ord").cast(pl.Int64) == need)[parent]
                short = ~contained(g.root_ids, enough)
            else:
                enough = items.group_by(parent).len().filter(pl.col("len") >= need)[parent]
                short = ~g.root_ids.is_in(enough.implode())
            g.ids.update(g.root_ids.filter(short).to_list())
            g.checked.update(g.root_ids.filter(short).to_list())
        parents = fc.order_parents(df, parent, self.pk_dup.get(spec.name), ordered)
        if not parents.is_empty():
            # check_order reads the table itself: give it every row of those parents.
            mini = fc.mini_table(
                table, fc.rows_where(df, pl.col(parent).fill_null("").is_in(parents.implode()))
            )
            self.own += list(checks.check_order(fc.package(self.root, self.layout, {spec.name: mini}, {})))

    def conclude(self, g: Group, specs: list) -> None:
        """Read again the rows of the records a check may report on; assemble them when the
        pointers they embed are at hand, else at the end."""
        minis: dict[str, CsvTable] = {}
        self.candidates[g.record_type] = set(g.ids)
        if g.every:
            minis = {spec.name: self.rows_of(spec, pl.lit(True)) for spec in specs}
        elif g.ids or not g.null_rows.is_empty():
            minis = self.candidate_rows(g, specs, g.ids - self.schema_later(g, specs))
        if self.pointers is not None or g.record_type == "pointer" or not minis:
            records = self.assemble(g.record_type, minis, self.pointers)
            self.subsets[g.record_type] = records
            self.after_assembly(g.record_type, records)
        else:
            self.minis[g.record_type] = minis

    def candidate_rows(self, g: Group, specs: list, ids: set[str]) -> dict[str, CsvTable]:
        """The rows of the records of these ids (and of the root rows without an id)."""
        wanted = pl.Series(sorted(ids), dtype=pl.String).implode()
        minis = {}
        for spec in specs:
            if spec.prop is None:
                rows = pl.col("id").is_in(wanted).fill_null(False) | pl.col("_row").is_in(
                    g.null_rows.implode()
                )
            else:
                rows = pl.col(g.record_type).is_in(wanted).fill_null(False)
            minis[spec.name] = self.rows_of(spec, rows)
        return minis

    def schema_later(self, g: Group, specs: list) -> set[str]:
        """The ids left out of the first assembly: those only the record schema may reject,
        past the first SCHEMA_FIRST of them in row order. The record schema stops after
        MAX_PROBLEMS failing records of a type, so with many errors (a stance outside its
        enum in every tenth claim) it never reads most of them; finish() assembles them after
        all when it does."""
        only = g.ids - g.checked
        if len(only) <= SCHEMA_FIRST:
            return set()
        ids = self.lookups[specs[0].name]
        ordered = ids.filter(ids.is_in(pl.Series(sorted(only), dtype=pl.String).implode()).fill_null(False))
        ordered = ordered.unique(maintain_order=True)
        # Counted among the root's ids: items of a root table that could not be read name
        # parents it does not hold (no foreign-key check into it finds them dangling).
        if ordered.len() <= SCHEMA_FIRST:
            return set()
        later = set(ordered.slice(SCHEMA_FIRST).to_list())
        self.later[g.record_type] = (g, specs, ordered[SCHEMA_FIRST - 1])
        return later

    def assemble(
        self, record_type: str, minis: dict[str, CsvTable], pointers: FastTable | CsvTable | None
    ) -> list:
        from claimtrail.package.records import assemble

        # The reference assembles from the tables it could read.
        tables = {name: t for name, t in minis.items() if name not in self.unreadable}
        if not tables:
            return []
        if record_type != "pointer" and pointers is not None and "pointers" not in self.unreadable:
            tables["pointers"] = (
                pointers
                if isinstance(pointers, CsvTable)
                else fc.mini_table(
                    pointers, fc.first_rows(pointers, fc.pointer_ids(self.layout, record_type, minis))
                )
            )
        with collector_paused():
            return assemble(self.layout, tables)[record_type]

    def after_assembly(self, record_type: str, records: list) -> None:
        if record_type == "source":
            self.step("sources: hashes and texts")
            pkg = fc.package(self.root, self.layout, self.facades, {"source": records})
            pkg.texts = self.texts  # each text encoded as check_sources reads it: no str of all
            if self.locating is not None:
                pkg.located, self.locating = self.locating.result(), None
            self.own += list(checks.check_sources(pkg))
            self.sources, self.digests = records, pkg.digests
            give_back()
            self.gather_coverage_sources()
        elif record_type == "tombstone":
            self.stones = records

    def gather_coverage_sources(self) -> None:
        """Coverage's sources: (id, path, boilerplate spans, text) of each."""
        sources = []
        for src in self.sources:
            rec = src.record
            if rec.get("id") not in self.texts:
                return  # coverage reads the files itself
            text = self.texts.raw(rec["id"])
            boiler = [
                (b["start"], b["end"])
                for b in rec.get("boilerplate") or []
                if isinstance(b.get("start"), int) and isinstance(b.get("end"), int)
            ]
            sources.append((rec.get("id") or "", rec.get("path") or "", boiler, text))
        self.coverage_sources = sources or None

    def split_ahead(self) -> None:
        """Start splitting the texts into sentences, in a second thread, when coverage will
        need them and they are long (SPLIT_AHEAD_BYTES): once pointers.csv has been let go,
        as what _split_ahead sorts would add to the run's peak while it is held."""
        sources = self.coverage_sources
        if sources and self.full_coverage and sum(len(s[3]) for s in sources) >= SPLIT_AHEAD_BYTES:
            spans = self.spans if "pointers" not in self.unreadable else None
            pool = ThreadPoolExecutor(max_workers=1)
            self.splitting = pool.submit(_split_ahead, sources, spans)
            pool.shutdown(wait=False)  # the thread ends with its one task

    def let_texts_go(self) -> None:
        """A large package's texts, once pointer_rows and the sentence splitting have read
        them, are held no more: a check that asks for one later reads it again (SourceTexts),
        and coverage, for the words of a sentence it reports. Only the bytes check_sources
        hashed are taken."""
        if not self.texts_to_let_go or self.table_bytes < LARGE_TABLES or not self.texts:
            return
        if self.full_coverage and self.coverage_sources is not None:
            if self.splitting is None or not self.splitting.done():
                return  # coverage splits them at the end, or the split is not done yet
        paths = {src.record.get("id"): src.record.get("path") for src in self.sources}
        if len(paths) != len(self.sources):
            return  # an id twice: which of its files gave the text is check_sources' to know
        root, digests = self.root, self.digests  # not self: the run would hold itself
        self.texts.let_go(lambda key: _read_again(root, paths[key], digests, Fallback))
        if self.coverage_sources is not None:
            self.coverage_sources = [
                (key, path, boiler, partial(_read_again, self.root, path, self.digests, CoverageError))
                for key, path, boiler, _ in self.coverage_sources
            ]
        self.texts_to_let_go = False
        give_back()

    def pointer_texts(self) -> None:
        """check_pointers on the pointers whose span, quote, prefix or suffix may be wrong."""
        if self.pointers is None:
            return
        self.step("pointers: quotes against the texts")
        rows = pl.Series(fc.pointer_rows(self.pointers.df, self.texts), dtype=pl.UInt32)
        self.texts_to_let_go = True
        # check_pointers stops after MAX_PROBLEMS failing pointers, in row order: when it stops
        # among the first candidates, the others need not be assembled (as schema_later).
        found = self.pointer_problems(rows.head(SCHEMA_FIRST)) if len(rows) > SCHEMA_FIRST else None
        if found is None or not any(p.check == "limit-problems" for p in found):
            found = self.pointer_problems(rows)
        self.own += found
        dups = self.pk_dup.get("pointers")
        self.overlap = fc.overlapping_pointers(
            self.pointers, fc.boilerplate_spans(self.sources), dups is not None and bool(dups.any())
        )

    def pointer_problems(self, rows: pl.Series) -> list[Problem]:
        """check_pointers on these rows of pointers.csv."""
        assert self.pointers is not None
        records = self.assemble("pointer", {"pointers": fc.mini_table(self.pointers, rows)}, None)
        pkg = fc.package(self.root, self.layout, self.facades, {"pointer": records}, self.texts)
        return list(checks.check_pointers(pkg))

    def text_files(self) -> None:
        """frictionless' hash and size checks of the non-table resources (the source texts)."""
        self.step("source texts: hashes")
        for r in self.resources:
            if r.get("name") in self.table_names:
                continue
            if r["path"] in self.missing:
                self.add(r["path"], None, _cannot_open(r["path"]), None)
            else:  # check_resources let only plain text files through
                known = self.digests.get(r["path"])  # read already, as a source's text
                sha, size = known or text_file_digest(self.root / r["path"], self.root)
                for error in file_errors(r, sha, size):
                    self.add(r["path"], None, error, None)

    def embedded_pointers(self, minis_by_type: dict[str, dict[str, CsvTable]]) -> CsvTable | None:
        """The rows of pointers.csv these tables' records embed (its first row of each id), read
        again once pointers.csv has been let go."""
        wanted = set()
        for record_type, minis in minis_by_type.items():
            wanted |= fc.pointer_ids(self.layout, record_type, minis)
        if not wanted or "pointers" not in self.by_name:
            return None
        ids = pl.Series(sorted(wanted), dtype=pl.String).implode()
        # The row each id is embedded from is its first: found from the ids alone.
        first = (
            self.lookups["pointers"]
            .to_frame("id")
            .with_row_index("_row")
            .filter(pl.col("id").is_in(ids).fill_null(False))
            .group_by("id")
            .agg(pl.col("_row").min())["_row"]
        )
        return self.rows_of(self.layout.table("pointers"), pl.col("_row").is_in(first.implode()))

    def record_schema(self, record_type: str, records: list) -> None:
        """check_record_schemas on a type's candidates. When the first assembly left some out
        (schema_later), it is tried on the candidates up to the last one assembled of those it
        alone reads: if it stops at its limit among them, it would never have read the rest
        (it reads in row order); else all are assembled and checked."""
        from claimtrail.validation.record_schemas import check_record_schemas

        def candidates(records: list) -> list:
            wanted = self.candidates.get(record_type, ())
            return [r for r in records if not isinstance(r.record.get("id"), str) or r.record["id"] in wanted]

        if record_type in self.later:
            g, specs, last = self.later[record_type]
            first = candidates(records)
            end = next((i for i, r in enumerate(first) if r.record.get("id") == last), None)
            if end is not None:
                trial = Report(self.report.package)
                trial.problems = list(self.report.problems)
                # Ids counted over all the candidates: a record whose id another row holds is skipped.
                counts = Counter(r.record.get("id") for r in first)
                check_record_schemas({record_type: first[: end + 1]}, self.facades, trial, counts)
                found = trial.problems[len(self.report.problems) :]
                if any(p.check == "limit-problems" for p in found):
                    for problem in found:
                        self.report.add(problem)
                    return
            minis = self.candidate_rows(g, specs, g.ids)
            records = self.assemble(record_type, minis, self.embedded_pointers({record_type: minis}))
        check_record_schemas({record_type: candidates(records)}, self.facades, self.report)

    def id_stubs(self, wanted: pl.Series) -> dict[str, list]:
        """Records reduced to their id and where it is, for the checks that only read ids."""
        from claimtrail.package.records import Assembled

        out: dict[str, list] = {}
        for record_type, spec in self.root_tables.items():
            ids = self.lookups[spec.name]
            rows = ids.is_in(wanted.implode()).fill_null(False).arg_true().to_list()
            table = FastTable(spec.path, [], ids.to_frame(), self.offsets.get(spec.name))
            out[record_type] = []
            for i in rows:
                origin = (spec.path, table.line(i), "id")
                out[record_type].append(Assembled({"id": ids[i]}, {(): origin, ("id",): origin}))
        return out

    def finish(self) -> None:
        self.step("records and checks")
        if self.minis:
            pointers = self.embedded_pointers(self.minis)
            for record_type, minis in self.minis.items():
                records = self.assemble(record_type, minis, pointers)
                self.subsets[record_type] = records
                self.after_assembly(record_type, records)
        root, layout, facades = self.root, self.layout, self.facades
        # The record schema sees the candidates only (sources are all assembled, for check_sources).
        for record_type, records in self.subsets.items():
            self.record_schema(record_type, records)
        names = {c.__name__ for c in checks.CHECKS}
        per_record = fc.package(root, layout, facades, {**self.subsets, "source": self.sources}, self.texts)
        for check in checks.CHECKS:
            if check.__name__ in fc.PER_RECORD:
                self.own += list(check(per_record))
        if self.root_tables and "check_ids" in names:
            shared = fc.shared_ids([self.lookups[s.name] for s in self.root_tables.values()])
            if not shared.is_empty():
                self.own += list(checks.check_ids(fc.package(root, layout, facades, self.id_stubs(shared))))
        if self.stones and "check_tombstones" in names:
            retired = {t.record.get("id") for t in self.stones} | {
                t.record.get("merged_into") for t in self.stones
            }
            wanted_ids = pl.Series([w for w in retired if isinstance(w, str)], dtype=pl.String)
            live = {t: r for t, r in self.id_stubs(wanted_ids).items() if t != "tombstone"}
            self.own += list(
                checks.check_tombstones(fc.package(root, layout, facades, {**live, "tombstone": self.stones}))
            )
        self.own += check_reading_rules(
            _FastFrames(self), layout, duplicates=False, candidates=self.quote_rows
        )
        for problem in self.own:
            self.report.add(problem)
        self.report.counts = {t: self.counts.get(t, 0) for t in layout.root}
        self.report.steps += ["tables", "records", "references"]


# -- the run ----------------------------------------------------------------------------------


class _Reader:
    """load_table for each table as the run comes to it, in the order the run checks them.

    With ``ahead`` (a small package), the next table is read in a thread meanwhile: polars
    reads it while the run's Python steps work on this one. At 100,000 claims, ten runs each
    alternately: median 2.66 s against 2.79 s; at 1,000,000 claims about 2 s less but 70 MiB
    more. Without it (a large package), only the files' scans (scan_file: the hash and the
    structure counts, little memory) run ahead, every table's in turn in one thread: a scan
    takes longer than polars takes to read the table (claims.csv of a million claims: 0.37 s
    to 0.41 s against 0.16 s), and read_table would wait for it.
    """

    def __init__(self, root: Path, resources: dict, order: list, ahead: bool, compact: dict | None = None):
        self.root, self.resources = root, resources
        self.compact = compact or {}  # table -> its fields read as Categorical
        # A table the descriptor step refused is never opened by polars: not read ahead.
        order = [s for s in order if not resources[s.name].get("_unsafe")]
        self.following = {a.name: b for a, b in pairwise(order)}  # table -> the one read after it
        self.pool = ThreadPoolExecutor(1) if ahead else None
        self.next: tuple[str, Future] | None = None
        self.scanner = None if ahead else ThreadPoolExecutor(1)
        self.scans: dict[str, Future] = {}  # table -> its file's scan, queued in the run's order
        if self.scanner is not None:
            for spec in order:
                self.scans[spec.name] = self.scanner.submit(scan_file, root / spec.path, spec.path)

    def load(self, spec) -> tuple[FastTable, list[Any]]:
        ahead, self.next = self.next, None
        if self.pool is None:
            return self._load(spec, self.scans.pop(spec.name, None))
        if ahead is not None and ahead[0] == spec.name:
            future = ahead[1]
        else:  # not the table read ahead (the run went another way): this one now
            if ahead is not None:
                ahead[1].cancel()
            future = self.pool.submit(self._load, spec)
        following = self.following.get(spec.name)
        if following is not None:
            self.next = (following.name, self.pool.submit(self._load, following))
        return future.result()  # its Fallback, raised here as the table's own

    def _load(self, spec, scanning: Future | None = None) -> tuple[FastTable, list[Any]]:
        resource = self.resources[spec.name]
        return load_table(self.root, resource, spec, scanning, self.compact.get(spec.name, ()))

    def close(self) -> None:
        """Wait for a table or scan still under way (a run that stops early): no thread
        outlives the run; scans not started are dropped."""
        for pool in (self.pool, self.scanner):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)


def _read_again(root: Path, path: str, digests: dict[str, tuple[str, int]], error: type[Exception]) -> bytes:
    """A source text read again once let go (let_texts_go): the bytes check_sources hashed, or
    ``error`` (Fallback in the run, CoverageError in coverage) when the file is not those now."""
    resolved, why = safe_source_path(root, path)  # as check_sources opens it: under sources/
    if resolved is None:
        raise error(f"{path} changed while it was validated: {why}")
    try:
        data = read_resolved(resolved, MAX_SOURCE_BYTES)
    except UnsafeFile as e:
        raise error(f"{path} changed while it was validated: {e.reason}") from None
    if (hashlib.sha256(data).hexdigest(), len(data)) != digests.get(path):
        raise error(f"{path} changed while it was validated")
    return data


def _split_ahead(sources: list, spans: pl.DataFrame | None) -> tuple[set[int], list[int], PackedSentences]:
    """Coverage's sentences, split ahead: the sources (by index) no sentence of which can be
    unaccounted as every pointer (``spans``) leaves them (accounted_sources), the others, and
    their sentences, which coverage will need whatever pointers count."""
    accounted = accounted_sources(sources, spans) if spans is not None else set()
    todo = [k for k in range(len(sources)) if k not in accounted]
    return accounted, todo, PackedSentences(content_sentences([sources[k] for k in todo]))


def _locate_sources(root: Path, paths: list[str]) -> dict[str, tuple[Path | None, str | None]]:
    """safe_source_path of each path, for check_sources (Package.located)."""
    return {path: safe_source_path(root, path) for path in paths}


def _cannot_open(path: str):
    """frictionless' error for a text resource whose file is not there."""
    from frictionless import errors

    return errors.SchemeError(note=f"[Errno 2] No such file or directory: '{path}'")


class _FastFrames:
    """Tables for the reading rules (reading_rules.py): the columns they ask for, read again
    with the options the run proved right for each table. The rows a rule filters out and the
    cells it only hashes are never held: polars streams the file through the filter and the
    expressions, and memory holds what comes out."""

    def __init__(self, run: FastRun):
        self.run = run
        self.specs = {t.name: t for t in run.layout.tables}

    def frame(self, name: str, columns, where: pl.Expr | None = None, select=None) -> pl.DataFrame | None:
        spec, facade = self.specs.get(name), self.run.facades.get(name)
        if (
            spec is None
            or facade is None
            or not facade.readable
            or any(c not in facade.header for c in columns)
        ):
            return None
        held = self.run.held_table(name)
        if held is not None:
            return _rule_frame(held.df.lazy(), held, columns, where, select, engine=_engine(held.height))
        table = FastTable(facade.name, list(facade.header), facade.df, self.run.offsets.get(name))
        found = [
            _rule_frame(part.lazy(), table, columns, where, select, first, "in-memory")
            for first, part in pieces(self.run.root / spec.path, spec.path, list(facade.header))
        ]
        if not found:  # no row: the frame of an empty table, as polars makes it
            found = [
                _rule_frame(
                    pl.LazyFrame(schema=dict.fromkeys(table.header, pl.String)), table, columns, where, select
                )
            ]
        return pl.concat(found, rechunk=False)

    def quotes(self, ids: pl.Series) -> pl.DataFrame | None:
        """The pointers of ``ids``: from the quotes kept, when they hold every one of them."""
        run, wanted = self.run, ids.unique()
        if run.kept_quotes is None or run.wanted_quotes is None:
            return quotes_of(self, ids)
        if not wanted.is_in(run.wanted_quotes.implode()).all():
            return quotes_of(self, ids)  # a table changed since it was first read: not kept
        found = run.kept_quotes.filter(pl.col("id").is_in(wanted.implode()))
        facade = run.facades["pointers"]
        table = FastTable(facade.name, list(facade.header), facade.df, run.offsets.get("pointers"))
        return found.select("id", "quote").with_columns(
            table.lines_of(found.get_column("_row").cast(pl.Int64)).alias(LINE)
        )

    def path(self, name: str) -> str:
        return self.specs[name].path

    def column_number(self, name: str, column: str) -> int | None:
        facade = self.run.facades.get(name)
        return facade.header.index(column) + 1 if facade and column in facade.header else None


class _BeforeChecks(_FastFrames):
    """A few columns of a table, as text, before the run checks it (quoted_pointers): read in
    pieces (a few MiB at a time, as tables are read again), LINE left out. None for a file the
    run would not open, or one that does not read so: its own check reports it, and nothing is
    kept (the rules read pointers.csv again)."""

    def frame(self, name: str, columns, where: pl.Expr | None = None, select=None) -> pl.DataFrame | None:
        spec, resource = self.specs.get(name), self.run.by_name.get(name)
        if spec is None or resource is None or resource.get("_unsafe"):
            return None
        labels = [f["name"] for f in resource["schema"]["fields"]]
        if any(c not in labels for c in columns):
            return None
        try:
            path = regular_file(self.run.root / spec.path, self.run.root)  # never a FIFO
            if path.stat().st_size > MAX_TABLE_BYTES:
                return None
            found = [
                part.select(pl.col(c).fill_null("") for c in columns).filter(
                    where if where is not None else True
                )
                for _, part in pieces(path, spec.path, labels)
            ]
        except (OSError, UnsafeFile, Fallback, pl.exceptions.PolarsError):
            return None
        if not found:
            return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
        return pl.concat(found)


class _HeldFrames(_FastFrames):
    """The reading rules' frames of the one table the run holds in memory."""

    def __init__(self, run: FastRun, name: str, table: FastTable):
        super().__init__(run)
        self.name, self.table = name, table

    def frame(self, name: str, columns, where: pl.Expr | None = None, select=None) -> pl.DataFrame | None:
        if name != self.name or not self.table.readable or any(c not in self.table.header for c in columns):
            return None
        # A slice of rows at a time: a hash of every cell of a row builds the row's cells
        # joined, which for a million claims would be a copy of the table.
        df, step = self.table.df, 50_000
        parts = [
            _rule_frame(df.slice(at, step).lazy(), self.table, columns, where, select, at, _engine(df.height))
            for at in range(0, max(df.height, 1), step)
        ]
        return pl.concat(parts, rechunk=False)  # no copy of the slices joined


def _engine(rows: int) -> str:
    """How polars runs a reading rule's query over a frame in memory of so many rows."""
    return "in-memory" if rows <= IN_MEMORY_ROWS else "streaming"


def _rule_frame(
    lazy: pl.LazyFrame, table: FastTable, columns, where, select, first: int = 0, engine="streaming"
) -> pl.DataFrame:
    """What Tables.frame gives (reading_rules.py), from a table's cells as polars reads them
    (``lazy``: the file or the frame in memory, from its row ``first`` on), streamed through
    the filter and expressions."""
    # Cells as text: a column held compact (Categorical) is cast, a slice or a batch at a time.
    lazy = lazy.select([pl.col(c).cast(pl.String).fill_null("") for c in columns])
    lazy = lazy.with_row_index("_row", offset=first)
    if where is not None:
        lazy = lazy.filter(where)
    df = lazy.select("_row", *(select if select is not None else [pl.col(c) for c in columns])).collect(
        engine=engine
    )
    rows = df.get_column("_row").cast(pl.Int64)
    return df.drop("_row").with_columns(table.lines_of(rows).alias(LINE))


def validate_fast(root: Path, descriptor: dict[str, Any], layout, report, progress=None) -> Inputs | None:
    """Steps 2-4 of validate_package (tables, records, own checks) into ``report``; returns
    coverage's inputs as read on the way (None when the run could not gather them all).

    Raises Fallback when the package holds something the engine cannot vouch for; run_fast()
    then takes back what was reported and the reference steps run.
    """
    run = FastRun(root, descriptor, layout, report, progress)
    run.run()
    return run.coverage_inputs()


@dataclass
class Outcome:
    fallback: str | None  # why the fast engine handed the package back, or None
    coverage: Inputs | None = None  # coverage's inputs, as the run read them


def run_fast(root: Path, descriptor: dict[str, Any], layout, report, progress=None) -> Outcome:
    """Run the fast engine into ``report``; on Fallback, undo its problems and say why."""
    kept, steps = list(report.problems), list(report.steps)
    try:
        inputs = validate_fast(root, descriptor, layout, report, progress)
    except Fallback as e:
        report.problems[:] = kept
        report.steps[:] = steps
        return Outcome(str(e) or "fallback")
    return Outcome(None, inputs)
