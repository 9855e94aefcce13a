"""The package's own checks (checks.py) for the fast engine: find the few records a check can
report on with polars, assemble only those, and run the check itself on them.

Each check in checks.CHECKS judges a record by that record alone (or, for ids, by the ids of
all records), so running it on a subset that holds every record it could report on gives
exactly its report on the whole package, worded by the same code. The selectors below are
over-approximations: a selected record that turns out fine costs a little time, never a
wrong answer. A check in checks.CHECKS that has no selector here raises Fallback, so a new
check is never skipped: the reference engine runs until a selector is written for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from claimtrail.contract.layout import Layout, Table
from claimtrail.package.csvio import CsvTable
from claimtrail.package.records import Assembled
from claimtrail.validation.fast.tables import Fallback, FastTable
from claimtrail.validation.fast.texts import SourceTexts

# Checks that look at every record of some kinds, run on the subsets gathered while reading.
PER_RECORD = ("check_dates", "check_casualties", "check_record_pointers", "check_boilerplate", "check_graphs")
# Checks run on their own subsets: sources (all of them), pointers, ord, ids, tombstones.
SPECIAL = ("check_sources", "check_pointers", "check_order", "check_ids", "check_tombstones")


def require_known(check_functions: Iterable) -> None:
    for check in check_functions:
        if check.__name__ not in PER_RECORD + SPECIAL:
            raise Fallback(f"{check.__name__} has no selector in validation/fast/checks.py")


def empty(name: str) -> pl.Expr:
    return pl.col(name).is_null() | (pl.col(name) == "")


def mini_table(table: FastTable, rows: pl.Series) -> CsvTable:
    """A csvio.CsvTable of a table's rows at the given (sorted) indexes, lines kept."""
    indexes = rows.sort().to_list()
    part = table.df[indexes] if indexes else table.df.clear()
    out = CsvTable(table.name, header=list(table.header))
    out.rows = [{k: "" if v is None else v for k, v in r.items()} for r in part.iter_rows(named=True)]
    out.lines = [1] + [table.line(i) for i in indexes]
    out.widths = [len(table.header)] * (len(indexes) + 1)
    return out


def rows_where(df: pl.DataFrame, mask: pl.Expr | pl.Series) -> pl.Series:
    if isinstance(mask, pl.Expr):
        mask = df.with_columns(mask.fill_null(False).alias("_m")).get_column("_m")  # a literal broadcasts
    return mask.fill_null(False).arg_true()


def pointer_ids(layout: Layout, record_type: str, minis: dict[str, CsvTable]) -> set[str]:
    """The pointer ids the rows of a record type's tables refer to."""
    out: set[str] = set()
    for spec in [layout.root[record_type]] + layout.children(record_type):
        if spec.name in minis:
            for c in spec.columns:
                if c.kind == "pointer":
                    out.update(r.get(c.name) for r in minis[spec.name].rows if r.get(c.name))
    return out


def first_rows(pointers: FastTable, ids: set[str]) -> pl.Series:
    """Index of the first row of each id: the row the reference embeds."""
    df = pointers.df.select(pl.col("id")).with_row_index("_i")
    return (
        df.filter(pl.col("id").is_in(pl.Series(sorted(ids), dtype=pl.String).implode()))
        .group_by("id", maintain_order=True)
        .agg(pl.col("_i").first())["_i"]
    )


# -- selectors ----------------------------------------------------------------------------------


def date_rows(df: pl.DataFrame, spec: Table) -> pl.Expr | None:
    """Rows where a date report may break check_dates (order, day precision, missing pointer)."""
    names: dict[tuple, str] = {c.path: c.name for c in spec.columns if c.path}
    found = None
    for path in names:
        if path[-1] != "earliest":
            continue
        base = path[:-1]
        cols = {
            k: names.get(base + (k,), "") for k in ("earliest", "latest", "precision", "basis", "pointer")
        }
        if not all(cols[k] for k in ("latest", "precision", "basis")):
            continue
        e, late, p, b = (pl.col(cols[k]) for k in ("earliest", "latest", "precision", "basis"))
        e_ = pl.when(~empty(cols["earliest"])).then(e)
        late_ = pl.when(~empty(cols["latest"])).then(late)
        cond = (e_.is_not_null() & late_.is_not_null() & (e_ > late_)) | ((p == "day") & e_.ne_missing(late_))
        pointer_empty = empty(cols["pointer"]) if cols["pointer"] else pl.lit(True)
        cond = cond | (~empty(cols["basis"]) & (b != "unknown") & pointer_empty)
        found = cond if found is None else found | cond
    return found


def graph_rows(df: pl.DataFrame, spec: Table, claimants: pl.Series | None) -> pl.Series | None:
    """Rows check_graphs may report on: every event on a parent cycle (found from the whole
    id -> parent column), a relation or variant of the record itself, a claim's attribution
    via an actor who is some claim's claimant (checked against its own claimant on assembly)."""
    from claimtrail.validation.checks import parent_cycles

    def same(a: str, b: str) -> pl.Series:
        return df.select((pl.col(a) == pl.col(b)).fill_null(False).alias("g")).to_series()

    if spec.name == "events":
        linked = df.select("id", "parent").filter(~empty("id") & ~empty("parent"))
        parents: dict[str, str] = {}
        for rid, parent in linked.iter_rows():
            parents.setdefault(rid, parent)
        on_cycle = sorted({rid for c in parent_cycles(parents) for rid in c})
        return df.get_column("id").is_in(pl.Series(on_cycle, dtype=pl.String).implode()).fill_null(False)
    if spec.name == "event_relations":
        return same("event", "other_event")
    if spec.name == "claims":
        return same("id", "variant_of")
    if spec.name == "claim_attributions" and claimants is not None:
        return df.get_column("via").is_in(claimants.implode()).fill_null(False)
    return None


def _integer(name: str) -> pl.Expr:
    """A cell of digits (an optional minus) as an integer, else null (and null where it is too
    large for Int64)."""
    cell = pl.col(name).cast(pl.String)  # a column read compact is Categorical
    return pl.when(cell.str.contains(r"^-?[0-9]+$")).then(cell.cast(pl.Int64, strict=False))


def casualty_rows(df: pl.DataFrame) -> pl.Expr:
    low, best, high = _integer("low"), _integer("best"), _integer("high")
    out_of_order = ((low > best) | (best > high) | (best.is_null() & (low > high))).fill_null(False)
    figure = low.is_not_null() | best.is_not_null() | high.is_not_null()
    # Oversized integers, which polars cannot hold, are selected too.
    odd = pl.any_horizontal(
        [pl.col(c).cast(pl.String).str.len_bytes() > 18 for c in ("low", "best", "high")]
    ).fill_null(False)
    return out_of_order | (figure & pl.col("status").ne_missing("reported")) | odd


def order_parents(
    df: pl.DataFrame, parent: str, pk_dup: pl.Series | None, ordered: bool | None = None
) -> pl.Series:
    """Parents whose ord values may not be 1..n (checks.check_order), as distinct values.

    n distinct integers from 1 to n are 1..n: parents whose ords run from 1 to their count,
    without a repeated (parent, ord) key (the primary key check finds those), are fine.
    The usual table, its items written parent by parent in order, is seen to be fine by
    comparing each row with the one before, without grouping (``ordered``: what
    in_item_order says of ``df``, when the caller knows it already).
    """
    if ordered is None:
        ordered = in_item_order(df, parent)
    if ordered and (pk_dup is None or not pk_dup.any()):
        return pl.Series(parent, [], dtype=pl.String)
    # The ords check_order reads (str.isdecimal: digits of any script, as int() reads them);
    # one polars cannot read as an integer (not ASCII, too long) leaves its parent to Python.
    digits = df.select(pl.col(parent).fill_null(""), pl.col("ord")).filter(
        pl.col("ord").str.contains(r"^\d+$")
    )
    bad = (
        digits.with_columns(pl.col("ord").cast(pl.Int64, strict=False).alias("o"))
        .group_by(parent)
        .agg(
            n=pl.len(),
            lo=pl.col("o").min(),
            hi=pl.col("o").max(),
            big=((pl.col("ord").str.len_bytes() > 18) | pl.col("o").is_null()).any(),
        )
        .filter((pl.col("lo") != 1) | (pl.col("hi") != pl.col("n")) | pl.col("big") | pl.col("lo").is_null())[
            parent
        ]
    )
    if pk_dup is not None and pk_dup.any():
        bad = pl.concat([bad, df.get_column(parent).fill_null("").filter(pk_dup)]).unique()
    return bad


def in_item_order(df: pl.DataFrame, parent: str) -> bool:
    """Whether rows run parent by parent (ascending, none empty), each parent's ords 1, 2, 3 ..."""
    if df.is_empty():
        return True
    plain = df.select(
        (pl.col(parent).is_not_null() & (pl.col(parent) != "")).all()
        & pl.col("ord").str.contains(r"^[0-9]{1,18}$").fill_null(False).all()
    ).item()
    if not plain:
        return False
    o = pl.col("ord").cast(pl.Int64)
    p = pl.col(parent)
    steps = (p == p.shift(1)) & (o == o.shift(1) + 1) | (p > p.shift(1)) & (o == 1)
    return bool(df.select((o.first() == 1) & steps.slice(1).all()).item())


def pointer_rows(df: pl.DataFrame, texts: Mapping[str, str], chunk: int = 100_000) -> list[int]:
    """Rows check_pointers reports on: span out of range, quote, prefix or suffix not in the text.

    All in polars, a chunk of rows at a time (the copies made here stay small): each row is
    given its text, and str.slice counts code points, as the offsets and Python's str do.
    """
    if not texts or df.is_empty():
        return []
    names = list(texts)
    if isinstance(texts, SourceTexts):  # polars decodes the bytes: no str is made of them
        column = pl.Series("_text", [texts.raw(n) for n in names], dtype=pl.Binary).cast(pl.String)
    else:
        column = pl.Series("_text", [texts[n] for n in names], dtype=pl.String)
    lengths = column.str.len_chars().cast(pl.Int64)
    # Each row's text is gathered by the index of its source: a join on the source id hashes
    # the ids and copies more, a sixth of this function's time at 1.6 million pointers.
    keys, numbers = pl.Series(names, dtype=pl.String), pl.Series(range(len(names)), dtype=pl.UInt32)
    at = pl.col("_at")

    def cell(name: str) -> pl.Expr:  # as text: the columns read compact are Categorical
        return pl.col(name).cast(pl.String)

    def as_int(name: str) -> pl.Expr:
        return pl.when(cell(name).str.contains(r"^-?[0-9]{1,18}$")).then(
            cell(name).cast(pl.Int64, strict=False)
        )

    def given(name: str) -> pl.Expr:
        return pl.col(name).is_not_null() & (pl.col(name) != "")

    text, s, e = pl.lit(column).gather(at), pl.col("s"), pl.col("e")
    # One slice of the text per row, prefix + quote + suffix, compared with the three joined:
    # str.slice walks the text to its offset, so one slice instead of three is a third of the
    # work. The parts must also be as long as their spans, or a quote one character short
    # with a suffix one character long would pass.
    prefix = pl.when(given("prefix")).then(pl.col("prefix")).otherwise(pl.lit(""))
    suffix = pl.when(given("suffix")).then(pl.col("suffix")).otherwise(pl.lit(""))
    before = s - prefix.str.len_chars()
    after = e + suffix.str.len_chars()
    wrong = (
        (before < 0)  # the prefix is longer than the words before the span
        | (pl.col("quote").str.len_chars() != e - s)
        | (
            text.str.slice(before.clip(lower_bound=0), (after - before).clip(lower_bound=0))
            != pl.concat_str(prefix, pl.col("quote"), suffix)
        )
    )
    in_range = (s >= 0) & (s < e) & (e <= pl.lit(lengths).gather(at))
    out: list[int] = []
    for offset in range(0, df.height, chunk):
        part = (
            df.slice(offset, chunk)
            .lazy()
            .select(
                (pl.int_range(pl.len(), dtype=pl.Int64) + offset).alias("_i"),
                cell("source").replace_strict(keys, numbers, default=None).alias("_at"),
                as_int("start").alias("s"),
                as_int("end").alias("e"),
                "quote",
                "prefix",
                "suffix",
                ((cell("start").str.len_bytes() > 18) | (cell("end").str.len_bytes() > 18)).alias("_big"),
            )
            .filter(at.is_not_null() & given("quote"))  # a source without a text: not checked here
            .filter(
                pl.col("_big").fill_null(False)  # integers polars cannot hold
                | (s.is_not_null() & e.is_not_null() & (~in_range | wrong))
            )
            .select("_i")
            .collect()
        )
        out += part["_i"].to_list()
    return sorted(set(out))


def rows_holding(ids: pl.Series, values: pl.Series) -> pl.Series:
    """``ids.is_in(values)`` for ids strictly increasing (no null), by a binary search of each
    value (not null): the row a value would sit at holds it, or no row does."""
    hit = pl.zeros(len(ids), pl.Boolean, eager=True).alias(ids.name)
    if ids.is_empty() or values.is_empty():
        return hit
    at = ids.search_sorted(values).clip(0, len(ids) - 1)
    return hit.scatter(at.filter(ids.gather(at) == values), True)


def shared_ids(ids_by_type: list[pl.Series]) -> pl.Series:
    """The ids held by records of two types (each Series: one type's ids, an empty cell "" or
    null), sorted. The ids' hashes are sorted first, 8 bytes an id: the ids themselves, 2.9
    million at a million claims, took 130 MiB to sort with their types. A hash found twice
    (an id of two types, an id repeated in its table, or two ids that hash alike) marks the
    ids sorted then, with their types, as text: such an id sits next to itself with another
    type."""
    hashes = pl.concat([ids.hash(seed=0) for ids in ids_by_type]).sort()
    twice = hashes.filter(hashes == hashes.shift(1)).unique()
    del hashes
    if twice.is_empty():
        return pl.Series("id", [], dtype=pl.String)
    every = pl.concat(
        [
            pl.DataFrame({"id": ids.filter(ids.hash(seed=0).is_in(twice.implode()))}).with_columns(
                t=pl.lit(k, pl.UInt8)
            )
            for k, ids in enumerate(ids_by_type)
        ]
    )
    every = every.filter(~empty("id")).sort("id", "t")
    return every.filter((pl.col("id") == pl.col("id").shift(1)) & (pl.col("t") != pl.col("t").shift(1)))["id"]


def kept_quotes(df: pl.DataFrame, ids: pl.Series) -> pl.DataFrame:
    """(_row, id, quote) of the rows of pointers.csv holding one of ``ids``, as text ("" for an
    empty cell), in their own memory: a filtered String column's cells still point into the
    buffers of the whole column, which would then be held to the end."""
    rows = (
        df.lazy()
        .select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"),
            *(pl.col(c).cast(pl.String).fill_null("") for c in ("id", "quote")),
        )
        .filter(pl.col("id").is_in(ids.implode()))
        .collect()
    )
    return pl.DataFrame({c: rows.get_column(c).to_list() for c in rows.columns}, schema=rows.schema)


def pointer_spans(df: pl.DataFrame) -> pl.DataFrame:
    """(source, start, end) of every row of pointers.csv, row by row (coverage's input; read
    only from a valid table, whose offsets are integers within a text, under 2**31 as texts
    are at most MAX_SOURCE_BYTES). Held compact until coverage (spans_for_coverage): 12 bytes
    a row, not 32 (about 30 MiB less for 1.58 million pointers)."""
    return df.select(
        pl.col("source").cast(pl.Categorical),
        pl.col("start").cast(pl.String).str.strip_chars().cast(pl.Int32, strict=False),
        pl.col("end").cast(pl.String).str.strip_chars().cast(pl.Int32, strict=False),
    )


def spans_for_coverage(spans: pl.DataFrame) -> pl.DataFrame:
    """pointer_spans' rows as coverage reads spans (source text, offsets Int64)."""
    return spans.select(
        pl.col("source").cast(pl.String), pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64)
    )


def boilerplate_spans(sources: list[Assembled]) -> pl.DataFrame:
    rows = []
    for src in sources:
        for span in src.record.get("boilerplate") or []:
            if isinstance(span.get("start"), int) and isinstance(span.get("end"), int):
                rows.append((src.record.get("id"), span["start"], span["end"]))
    return pl.DataFrame(rows, schema={"source": pl.String, "bs": pl.Int64, "be": pl.Int64}, orient="row")


def overlapping_pointers(
    pointers: FastTable, spans: pl.DataFrame, repeated_ids: bool, chunk: int = 200_000
) -> pl.Series:
    """Ids of pointers (as embedded: first row of each id) that overlap a boilerplate span."""
    if spans.is_empty():
        return pl.Series("id", [], dtype=pl.String)
    df = pointers.df
    # The first row of each id, found over the whole table (a chunk does not know the rows
    # before it); the usual table, without a repeated id, needs no mask.
    first = df.select(pl.col("id").is_first_distinct()).to_series() if repeated_ids else None

    hits = []
    for at in range(0, df.height, chunk):
        # A chunk of pointers at a time, columns and all: each pointer meets every span of its
        # source, and no column of the whole table is made on the way.
        part = df.slice(at, chunk)
        if first is not None:
            part = part.filter(first.slice(at, chunk))
        hits.append(
            part.lazy()
            .filter(pl.col("id").is_not_null() & (pl.col("id") != ""))
            .select(
                "id",
                pl.col("source").cast(pl.String),
                _integer("start").alias("s"),
                _integer("end").alias("e"),
            )
            .join(spans.lazy(), on="source")
            .filter((pl.col("s") < pl.col("be")) & (pl.col("bs") < pl.col("e")))
            .select("id")
            .collect()["id"]
        )
    return pl.concat(hits).unique() if hits else pl.Series("id", [], dtype=pl.String)


def package(root, layout, tables, records, texts=None) -> Any:
    from claimtrail.validation.checks import Package

    pkg = Package(root, layout, tables, records)
    if texts:
        pkg.texts = texts  # the checks read a few of them: not a copy of every one
    return pkg
