"""Rules of reading: a record says what its pointers' words say, and no more.

- ``role-support``: an event participant's pointer names the actor (one of its names as
  reported occurs in the quote), or the participant's note says why the role is read from
  words that do not (a curator's judgement, said as one);
- ``casualty-support``: a casualty report's ``as_reported`` occurs in its pointer's quote, and
  each figure is written there (digits or a number word; 1 also as "a", "an" or "single"), or
  the report's note says how the figure was read;
- ``quote-verbatim``: words between quotation marks in our own prose (summaries, descriptions,
  claim contents, notes, attribution chains) occur verbatim in a span the same record cites;
- ``likely-duplicate``: two records of one type identical in every field but the id (ordinal
  words such as "first" and "second" aside) are one record twice, unless a note says what
  tells them apart.

The rules read columns of the tables as polars frames, from whichever engine read them, so both
engines report the same problems; the work is vectorised, and Python only looks at the few rows
a filter leaves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Protocol

import polars as pl

from claimtrail.contract.layout import Layout
from claimtrail.contract.problems import Problem

LINE = "_line"  # the physical line of each row, a column every frame carries

# Our own prose about a record, where a quotation must be verbatim: table -> columns. Other
# text is verbatim by definition (quotes, names and values as reported) or a code; the date
# notes quote the words a date was resolved from, which may lie outside the record's spans.
PROSE = {
    "events": ("summary", "note"),
    "event_participants": ("note",),
    "event_casualties": ("note",),
    "actors": ("description",),
    "claims": ("content",),
    "claim_attributions": ("chain",),
    "discrepancies": ("summary",),
}
# Record types whose near-identical records are reported, and the column that exempts them.
DUPLICATES = ("event", "actor", "claim", "discrepancy")
EXEMPT = "note"

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "dozen": 12,
}  # fmt: skip
SINGULAR = {"a", "an", "single"}  # "killed a contractor" is a figure of one

# Quotations: double quotes, curly double and single quotes, and straight single quotes that
# open after a space or bracket and close before one (so that apostrophes are not taken).
_QUOTED = re.compile(
    r"\"(?P<d>[^\"]+)\"|“(?P<c>[^”]+)”|‘(?P<s>.+?)’(?!\w)|(?<![\w’'])'(?P<q>\S(?:[^']*?\S)?)'(?![\w])"
)
_MAY_QUOTE = r"[\"“‘]|(^|[^\w’'])'\S"  # a polars pre-filter: rows that may hold a quotation
_ORDINALS = re.compile(
    r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(st|nd|rd|th))\b", re.I
)
_WORD = re.compile(r"[\w’'-]+")


class Tables(Protocol):
    """Columns of a package's tables, as both engines can hand them out."""

    def frame(
        self,
        name: str,
        columns: Sequence[str],
        where: pl.Expr | None = None,
        select: Sequence[pl.Expr] | None = None,
    ) -> pl.DataFrame | None:
        """The named columns of a table (strings, "" for an empty cell) and LINE; None when the
        table is absent or could not be read (its own problems say why). ``where`` keeps the
        rows it holds for; ``select`` gives expressions over the columns in their place. Both
        run before the frame is built, so that a rule asking for a few rows of a large table,
        or for a hash of each row, holds only those in memory."""
        ...

    def quotes(self, ids: pl.Series) -> pl.DataFrame | None:
        """frame("pointers", ("id", "quote"), where=...): the pointers of ``ids``. An engine
        may keep these (QUOTE_CHECKED) while pointers.csv is in memory, not read it again."""
        ...

    def path(self, name: str) -> str: ...

    def column_number(self, name: str, column: str) -> int | None: ...


# The tables whose rows without a note are checked against the quotes of their pointers
# (role-support, casualty-support): the pointers Tables.quotes is asked for.
QUOTE_CHECKED = ("event_participants", "event_casualties")
UNNOTED = pl.col("note") == ""


def quoted_pointers(tables: Tables) -> pl.Series | None:
    """The ids Tables.quotes will be asked for by role-support and casualty-support (those
    of quote-verbatim are few, and not known before the prose is read); None when a table
    cannot be read."""
    parts = [tables.frame(name, ("pointer", "note"), where=UNNOTED) for name in QUOTE_CHECKED]
    if any(part is None for part in parts):
        return None
    ids = pl.concat([part.get_column("pointer") for part in parts if part is not None]).unique()
    return pl.Series("pointer", ids.to_list(), dtype=pl.String)  # its own buffers: held to the end


def check_reading_rules(
    tables: Tables,
    layout: Layout,
    duplicates: bool = True,
    candidates: dict[str, pl.DataFrame | None] | None = None,
) -> list[Problem]:
    """Every rule's problems; ``duplicates=False`` leaves likely-duplicate out, for an engine
    that gives likely_duplicates the signature parts as it reads each table. ``candidates``:
    quote_candidates of the tables an engine computed as it read them (the others' are
    read here)."""
    problems: list[Problem] = []
    problems += list(_role_support(tables, layout))
    problems += list(_casualty_support(tables, layout))
    problems += list(_quote_verbatim(tables, layout, candidates or {}))
    if duplicates:
        problems += list(_likely_duplicates(tables, layout))
    return problems


def quotations(text: str) -> list[str]:
    """The quoted passages of a text, as written between the marks."""
    out = []
    for m in _QUOTED.finditer(text):
        quoted = next(g for g in m.groups() if g is not None)
        out.append(quoted.strip().rstrip(",.;:").strip() if quoted.strip() else quoted)
    return [q for q in out if q]


def problem(tables: Tables, name: str, column: str, line: int, message: str, *, check: str, **kw) -> Problem:
    """A problem at a table cell; every caller names its check as a literal (the report's
    documentation test reads them)."""
    return Problem(
        tables.path(name),
        check,
        message,
        line=line,
        field=column,
        column=tables.column_number(name, column),
        **kw,
    )


def _among(column: str, values: pl.Series) -> pl.Expr:
    return pl.col(column).is_in(values.unique().implode())


def quotes_of(tables: Tables, ids: pl.Series) -> pl.DataFrame | None:
    """The quotes of the pointers of ``ids`` (the rest of pointers.csv is not read into memory):
    what Tables.quotes gives when the engine has not kept them."""
    return tables.frame("pointers", ("id", "quote"), where=_among("id", ids))


# -- role-support -------------------------------------------------------------------------


def _role_support(tables: Tables, layout: Layout) -> Iterator[Problem]:
    # Rows with a note say why already: only the others are read.
    parts = tables.frame("event_participants", ("event", "actor", "role", "pointer", "note"), where=UNNOTED)
    if parts is None or parts.is_empty():
        return
    names = tables.frame("actor_names", ("actor", "name"), where=_among("actor", parts["actor"]))
    quotes = tables.quotes(parts["pointer"])
    if names is None or quotes is None:
        return
    rows = parts.with_row_index("_i")
    named = (
        rows.select("_i", "actor", "pointer")
        .join(quotes.select(pl.col("id").alias("pointer"), pl.col("quote").str.to_lowercase()), on="pointer")
        .join(names.select("actor", pl.col("name").str.to_lowercase()), on="actor")
        .filter(pl.col("quote").str.contains(pl.col("name"), literal=True))
        .select("_i")
        .unique()
    )
    # A pointer that is not there, or an actor with no names, is another check's problem.
    known = rows.join(quotes.select(pl.col("id").alias("pointer")), on="pointer").join(
        names.select("actor").unique(), on="actor"
    )
    for row in known.join(named, on="_i", how="anti").sort("_i").iter_rows(named=True):
        yield problem(
            tables,
            "event_participants",
            "note",
            row[LINE],
            f"event {row['event']}: the words of pointer {row['pointer']} do not name {row['actor']} "
            f"(as {row['role']}) by any of its names as reported",
            expected="a pointer whose quote names the actor, or a note saying why the role is read from it",
            fix="point at the words that name the actor, or write the judgement in the note",
            check="role-support",
        )


# -- casualty-support ---------------------------------------------------------------------


def _figures_in(words: str) -> set[int]:
    found: set[int] = set()
    for w in _WORD.findall(words.lower()):
        w = w.replace(",", "")
        if w.isdecimal():  # int() reads these; isdigit() also admits "²", which it does not
            found.add(int(w))
        elif w in NUMBER_WORDS:
            found.add(NUMBER_WORDS[w])
        elif w in SINGULAR:
            found.add(1)
    return found


def _casualty_support(tables: Tables, layout: Layout) -> Iterator[Problem]:
    cas = tables.frame(
        "event_casualties",
        ("event", "low", "best", "high", "as_reported", "pointer", "note"),
        where=UNNOTED,
    )
    if cas is None or cas.is_empty():
        return
    quotes = tables.quotes(cas["pointer"])
    if quotes is None:
        return
    rows = cas.join(quotes.select(pl.col("id").alias("pointer"), "quote"), on="pointer", how="inner")
    for row in rows.sort(LINE).iter_rows(named=True):
        reported, quote = row["as_reported"], row["quote"]
        if reported and reported not in quote:
            yield problem(
                tables,
                "event_casualties",
                "as_reported",
                row[LINE],
                f"event {row['event']}: as_reported is not in the words of pointer {row['pointer']}",
                expected="the casualty statement as worded in the quote",
                found=reported,
                check="casualty-support",
            )
            continue
        written = _figures_in(reported or quote)
        for column in ("low", "best", "high"):
            value = row[column]
            if value.isdecimal() and int(value) not in written:
                yield problem(
                    tables,
                    "event_casualties",
                    column,
                    row[LINE],
                    f"event {row['event']}: the figure {column} = {value} is not written in "
                    f"{'as_reported' if reported else 'the quote of ' + row['pointer']}",
                    expected="a figure the words give, or a note saying how it was read",
                    found=value,
                    fix="leave the figure empty, or write the judgement in the note",
                    check="casualty-support",
                )


# -- quote-verbatim -----------------------------------------------------------------------


def _cited(tables: Tables, layout: Layout, record_type: str, ids: pl.Series) -> pl.DataFrame | None:
    """(record id, pointer id) for every pointer the records of ``ids`` cite, in any of their
    tables; a frame without the column "pointer" when none of the tables has a pointer."""
    root = layout.root[record_type]
    parts = []
    for spec in [root, *layout.children(record_type)]:
        key = "id" if spec is root else spec.parent_column
        columns = [c.name for c in spec.columns if c.kind == "pointer"]
        if not columns:
            continue
        frame = tables.frame(spec.name, (key, *columns), where=_among(key, ids))
        if frame is None:
            return None
        for column in columns:
            parts.append(frame.select(pl.col(key).alias("record"), pl.col(column).alias("pointer")))
    if not parts:
        return pl.DataFrame(schema={"record": pl.String})
    return pl.concat(parts).filter(pl.col("pointer") != "")


def quote_candidates(tables: Tables, layout: Layout, name: str) -> pl.DataFrame | None:
    """The rows of a table of our prose (PROSE) whose prose may hold a quotation: its key,
    its prose and LINE. Usually none: an engine may compute them while the table is in
    memory and hand them to check_reading_rules, which then need not read the table again."""
    spec = layout.table(name)
    columns = PROSE[name]
    key = "id" if spec.prop is None else spec.parent_column
    return tables.frame(
        name,
        (key, *columns),
        where=pl.any_horizontal(pl.col(c).str.contains(_MAY_QUOTE) for c in columns),
    )


def _quote_verbatim(
    tables: Tables, layout: Layout, candidates: dict[str, pl.DataFrame | None]
) -> Iterator[Problem]:
    by_table = {t.name: t for t in layout.tables}
    found = []  # (table, its prose columns, its spec, its key, rows that may quote, their citations)
    for name, columns in PROSE.items():
        spec = by_table.get(name)
        if spec is None:
            continue
        key = "id" if spec.prop is None else spec.parent_column
        maybe = candidates[name] if name in candidates else quote_candidates(tables, layout, name)
        if maybe is None or maybe.is_empty():
            continue
        cited = _cited(tables, layout, spec.record_type, maybe[key])
        if cited is not None:
            found.append((name, columns, spec, key, maybe, cited))
    # The quotes of every table's citations at once: pointers.csv read once, not once a table.
    pointers = [cited["pointer"] for *_, cited in found if "pointer" in cited.columns]
    quotes = tables.quotes(pl.concat(pointers)) if pointers else None
    for name, columns, spec, key, maybe, cited in found:
        spans: dict[str, list[str]] = {}
        if "pointer" in cited.columns:
            if quotes is None:
                continue  # pointers.csv cannot be read: its own problems say why
            words = cited.join(quotes.select(pl.col("id").alias("pointer"), "quote"), on="pointer")
            for record, quote in words.select("record", "quote").iter_rows():
                spans.setdefault(record, []).append(quote)
        for row in maybe.sort(LINE).iter_rows(named=True):
            for column in columns:
                for quoted in quotations(row[column]):
                    if not any(quoted in span for span in spans.get(row[key], ())):
                        yield problem(
                            tables,
                            name,
                            column,
                            row[LINE],
                            f"{spec.record_type} {row[key]}: the quotation “{quoted}” is not in any span "
                            "the record cites",
                            expected="words between quotation marks exactly as one of the record's pointers gives them",
                            found=quoted,
                            fix="quote the words exactly, cite the pointer that holds them, or paraphrase without quotation marks",
                            check="quote-verbatim",
                        )


# -- likely-duplicate ---------------------------------------------------------------------


def signature_part(
    tables: Tables, layout: Layout, table: str, among: pl.Series | None = None
) -> pl.DataFrame | None:
    """A table's share of its records' signatures (see _signatures): for the root table, per
    row, the id, LINE, the note and a hash of every other field; for an item table, per row
    of the parents in ``among`` (root_candidates), its parent's id and a hash of the item. An
    engine may compute it while the table is in memory and hand it to likely_duplicates; only
    hashes are held, never the cells."""
    spec = next(t for t in layout.tables if t.name == table)
    names = tuple(c.name for c in spec.columns)
    if spec.prop is None:
        fields = [c.name for c in spec.columns if c.name not in ("id", EXEMPT)]
        select = [
            pl.col("id"),
            (pl.col(EXEMPT) if EXEMPT in names else pl.lit("")).alias("_note"),
            _hash(fields, PROSE.get(spec.name, ()), spec.name).alias("_h"),
        ]
    else:
        cols = [c.name for c in spec.columns if c.name != spec.parent_column]
        select = [
            pl.col(spec.parent_column).alias("id"),
            _hash(cols, PROSE.get(spec.name, ()), spec.name).alias("_h"),
        ]
        if among is not None:
            return tables.frame(spec.name, names, where=_among(spec.parent_column, among), select=select)
    return tables.frame(spec.name, names, select=select)


def shared_hashes(part: pl.DataFrame) -> pl.Series:
    """The hashes ("_h") two rows or more of a signature part share, found by sorting a copy
    of the hashes (8 bytes a row). is_duplicated builds a hash table of every row: with it,
    the claims' records step of a million claims peaked at 586 MiB, without it at 527 MiB."""
    hashes = part.get_column("_h").sort()
    return hashes.filter(hashes == hashes.shift(1)).unique()


def root_candidates(root_part: pl.DataFrame) -> pl.Series:
    """The ids whose root rows hash alike: two records equal in every field are among them, so
    only their items need hashing (usually none, or a handful)."""
    return root_part.filter(pl.col("_h").is_duplicated() & (pl.col("id") != ""))["id"]


def _signatures(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Per record id, a hash of every field but the id and the note, ordinal-like words
    blanked, and the root row's line and note, from the signature parts of a record type's
    tables (the root table's first, the items' of root_candidates only). Equal records have
    equal signatures; records of equal signatures are then compared in full (_record_rows), so
    the hash may be coarse: a collision costs a comparison, never a wrong report."""
    base = parts[0].filter(pl.col("id").is_in(root_candidates(parts[0]).implode()))
    # A record is its root row and the set of its items: the sums of their hashes' two halves
    # (32 bits each, so that a sum cannot overflow; each hash salted with its table), which
    # neither the items' order nor a sort costs anything for. One grouping, one join.
    sums = (
        pl.concat([part.select("id", "_h") for part in parts])
        .group_by("id")
        .agg(
            (pl.col("_h") & 0xFFFFFFFF).sum().alias("_lo"), pl.col("_h").floordiv(1 << 32).sum().alias("_hi")
        )
        .select("id", pl.struct("_lo", "_hi").alias("_sig"))
    )
    return base.select("id", LINE, "_note").join(sums, on="id", how="left")


# Ordinal-like words for the hash only: no word boundaries (a Unicode \b makes the regex engine
# take its slow path on every cell), so it blanks more than _ORDINALS does ("firstly"), which
# can only join records the full comparison then tells apart.
_ORDINAL_LIKE = "(?i)(" + _ORDINALS.pattern.removeprefix(r"\b(").removesuffix(r")\b") + ")"


def _hash(columns: list[str], prose: tuple[str, ...], salt: str) -> pl.Expr:
    """A hash of a row's cells and ``salt`` (the table); ordinal words are blanked in our prose
    only (ids, codes and dates hold none)."""
    cells = [pl.col(c).str.replace_all(_ORDINAL_LIKE, "#") if c in prose else pl.col(c) for c in columns]
    return pl.concat_str([pl.lit(salt), *cells], separator="\x1f").hash()


def _record_rows(tables: Tables, layout: Layout, record_type: str, ids: set[str]) -> dict[str, tuple]:
    """The full content of a few records, every field but the id and note, ordinals blanked in
    the prose."""
    out: dict[str, list] = {i: [] for i in ids}
    wanted = pl.Series(sorted(ids), dtype=pl.String)
    for spec in [layout.root[record_type], *layout.children(record_type)]:
        key = "id" if spec.prop is None else spec.parent_column
        names = [c.name for c in spec.columns]
        frame = tables.frame(spec.name, tuple(names), where=_among(key, wanted))
        if frame is None:
            continue
        rows = frame.sort(LINE)
        prose = PROSE.get(spec.name, ())
        for row in rows.iter_rows(named=True):
            fields = tuple(
                _ORDINALS.sub("#", row[n]) if n in prose else row[n]
                for n in names
                if n not in (key, EXEMPT, LINE) and n != "id"
            )
            out[row[key]].append((spec.name, fields))
    return {i: tuple(sorted(v)) for i, v in out.items()}


def _likely_duplicates(tables: Tables, layout: Layout) -> Iterator[Problem]:
    for record_type in DUPLICATES:
        if record_type not in layout.root:
            continue
        root = signature_part(tables, layout, layout.root[record_type].name)
        if root is None:
            continue
        among = root_candidates(root)
        parts = [root] + [signature_part(tables, layout, c.name, among) for c in layout.children(record_type)]
        if all(part is not None for part in parts):
            yield from likely_duplicates(tables, layout, record_type, parts)


def likely_duplicates(tables: Tables, layout: Layout, record_type: str, parts: list) -> Iterator[Problem]:
    """The likely-duplicate problems of one record type, from the signature parts of its
    tables (signature_part, the root table's first)."""
    sig = _signatures(parts)
    groups = sig.filter(pl.col("id") != "").filter(pl.len().over("_sig") > 1).sort(LINE)
    if groups.is_empty():
        return
    full = _record_rows(tables, layout, record_type, set(groups["id"]))
    root = layout.root[record_type]
    seen: dict[tuple, str] = {}
    notes = dict(zip(groups["id"], groups["_note"]))
    for row in groups.iter_rows(named=True):
        content = full[row["id"]]
        first = seen.setdefault(content, row["id"])
        if first == row["id"] or row["_note"] or notes[first]:
            continue
        yield problem(
            tables,
            root.name,
            "id",
            row[LINE],
            f"{record_type} {row['id']} is identical to {first} in every field but its id",
            fix="merge the two (a tombstone keeps the retired id), or say in the note what tells them apart"
            if EXEMPT in {c.name for c in root.columns}
            else "merge the two (a tombstone keeps the retired id)",
            check="likely-duplicate",
        )


class CsvFrames:
    """Tables for the rules from tables csvio read (the reference engine's)."""

    def __init__(self, tables: dict, layout: Layout):
        self.tables = tables
        self.paths = {t.name: t.path for t in layout.tables}
        self.cache: dict[tuple, pl.DataFrame | None] = {}

    def frame(
        self,
        name: str,
        columns: Sequence[str],
        where: pl.Expr | None = None,
        select: Sequence[pl.Expr] | None = None,
    ) -> pl.DataFrame | None:
        key = (name, tuple(columns))
        if key not in self.cache:
            table = self.tables.get(name)
            if table is None or not table.readable or any(c not in table.header for c in columns):
                self.cache[key] = None
            else:
                data = {c: [row.get(c, "") for row in table.rows] for c in columns}
                data[LINE] = table.lines[1 : len(table.rows) + 1]
                schema = {c: pl.String for c in columns} | {LINE: pl.Int64}
                self.cache[key] = pl.DataFrame(data, schema=schema)
        frame = self.cache[key]
        if frame is None:
            return None
        if where is not None:
            frame = frame.filter(where)
        return frame if select is None else frame.select(*select, LINE)

    def quotes(self, ids: pl.Series) -> pl.DataFrame | None:
        return quotes_of(self, ids)

    def path(self, name: str) -> str:
        return self.paths[name]

    def column_number(self, name: str, column: str) -> int | None:
        table = self.tables.get(name)
        return table.column_number(column) if table else None
