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

from typing import Any, Iterable

import polars as pl

from .csvio import CsvTable
from .fast_tables import Fallback, FastTable
from .layout import Layout, Table
from .records import Assembled

# Checks that look at every record of some kinds, run on the subsets gathered while reading.
PER_RECORD = ("check_dates", "check_casualties", "check_record_pointers", "check_boilerplate")
# Checks run on their own subsets: sources (all of them), pointers, ord, ids, tombstones.
SPECIAL = ("check_sources", "check_pointers", "check_order", "check_ids", "check_tombstones")


def require_known(check_functions: Iterable) -> None:
    for check in check_functions:
        if check.__name__ not in PER_RECORD + SPECIAL:
            raise Fallback(f"{check.__name__} has no selector in fast_checks.py")


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
        mask = df.select(mask.fill_null(False).alias("m")).to_series()
    return mask.fill_null(False).arg_true()


def assemble_subset(layout: Layout, record_type: str, tables: dict[str, FastTable], ids: set[str],
                    extra_rows: pl.Series | None, pointers: FastTable | None) -> list[Assembled]:
    """The records of the given ids (every row carrying one), assembled as the reference does."""
    from .records import assemble

    root = layout.root[record_type]
    rtable = tables.get(root.name)
    if rtable is None or (not ids and (extra_rows is None or extra_rows.is_empty())):
        return []
    idlist = pl.Series(sorted(ids), dtype=pl.String)
    picked = rows_where(rtable.df, pl.col("id").is_in(idlist.implode()))
    if extra_rows is not None and not extra_rows.is_empty():
        picked = pl.concat([picked, extra_rows.cast(picked.dtype)]).unique()
    minis: dict[str, CsvTable] = {root.name: mini_table(rtable, picked)}
    pointer_ids: set[str] = set()
    for spec in [root] + layout.children(record_type):
        if spec.name not in tables:
            continue
        t = tables[spec.name]
        if spec is not root:
            minis[spec.name] = mini_table(t, rows_where(t.df, pl.col(record_type).is_in(idlist.implode())))
        for c in spec.columns:
            if c.kind == "pointer":
                pointer_ids.update(r.get(c.name) for r in minis[spec.name].rows if r.get(c.name))
    if record_type != "pointer" and pointers is not None and pointer_ids:
        minis["pointers"] = mini_table(pointers, first_rows(pointers, pointer_ids))
    return assemble(layout, minis)[record_type]


def first_rows(pointers: FastTable, ids: set[str]) -> pl.Series:
    """Index of the first row of each id: the row the reference embeds."""
    df = pointers.df.select(pl.col("id")).with_row_index("_i")
    return df.filter(pl.col("id").is_in(pl.Series(sorted(ids), dtype=pl.String).implode())) \
        .group_by("id", maintain_order=True).agg(pl.col("_i").first())["_i"]


# -- selectors ----------------------------------------------------------------------------------

def date_rows(df: pl.DataFrame, spec: Table) -> pl.Expr | None:
    """Rows where a date report may break check_dates (order, day precision, missing pointer)."""
    names = {c.path: c.name for c in spec.columns if c.path}
    found = None
    for path, name in names.items():
        if path[-1] != "earliest":
            continue
        base = path[:-1]
        cols = {k: names.get(base + (k,)) for k in ("earliest", "latest", "precision", "basis", "pointer")}
        if not all(cols[k] for k in ("latest", "precision", "basis")):
            continue
        e, l, p, b = (pl.col(cols[k]) for k in ("earliest", "latest", "precision", "basis"))
        e_ = pl.when(~empty(cols["earliest"])).then(e)
        l_ = pl.when(~empty(cols["latest"])).then(l)
        cond = (e_.is_not_null() & l_.is_not_null() & (e_ > l_)) | ((p == "day") & e_.ne_missing(l_))
        pointer_empty = empty(cols["pointer"]) if cols["pointer"] else pl.lit(True)
        cond = cond | (~empty(cols["basis"]) & (b != "unknown") & pointer_empty)
        found = cond if found is None else found | cond
    return found


def casualty_rows(df: pl.DataFrame) -> pl.Expr:
    def as_int(name: str) -> pl.Expr:
        return pl.when(pl.col(name).str.contains(r"^-?[0-9]+$")).then(pl.col(name).cast(pl.Int64, strict=False))

    low, best, high = as_int("low"), as_int("best"), as_int("high")
    out_of_order = ((low > best) | (best > high) | (best.is_null() & (low > high))).fill_null(False)
    figure = low.is_not_null() | best.is_not_null() | high.is_not_null()
    # Oversized integers, which polars cannot hold, are selected too.
    odd = pl.any_horizontal([pl.col(c).str.len_bytes() > 18 for c in ("low", "best", "high")]).fill_null(False)
    return out_of_order | (figure & pl.col("status").ne_missing("reported")) | odd


def order_parents(df: pl.DataFrame, parent: str) -> pl.Series:
    """Parents whose ord values are not 1..n (checks.check_order), as distinct parent values."""
    digits = df.select(pl.col(parent).fill_null(""), pl.col("ord")) \
        .filter(pl.col("ord").str.contains(r"^[0-9]+$"))
    if digits.is_empty():
        return pl.Series(parent, [], dtype=pl.String)
    grouped = digits.with_columns(pl.col("ord").cast(pl.Int64, strict=False).alias("o")).group_by(parent).agg(
        n=pl.len(), lo=pl.col("o").min(), hi=pl.col("o").max(), distinct=pl.col("o").n_unique(),
        big=(pl.col("ord").str.len_bytes() > 18).any())
    bad = grouped.filter((pl.col("lo") != 1) | (pl.col("hi") != pl.col("n")) | (pl.col("distinct") != pl.col("n"))
                         | pl.col("big") | pl.col("lo").is_null())
    return bad[parent]


def pointer_rows(df: pl.DataFrame, texts: dict[str, str], chunk: int = 200_000) -> list[int]:
    """Rows check_pointers reports on: span out of range, quote, prefix or suffix not in the text."""
    out: list[int] = []
    for offset in range(0, df.height, chunk):
        part = df.slice(offset, chunk).select(
            pl.col("source"),
            pl.when(pl.col("start").str.contains(r"^-?[0-9]{1,18}$")).then(pl.col("start").cast(pl.Int64, strict=False)),
            pl.when(pl.col("end").str.contains(r"^-?[0-9]{1,18}$")).then(pl.col("end").cast(pl.Int64, strict=False)),
            pl.col("start").str.len_bytes().alias("_sl"), pl.col("end").str.len_bytes().alias("_el"),
            pl.col("quote"), pl.col("prefix"), pl.col("suffix"))
        columns = [part.get_column(c).to_list() for c in part.columns]
        for i, (src, s, e, sl, el, quote, prefix, suffix) in enumerate(zip(*columns)):
            text = texts.get(src)
            if text is None or not quote:
                continue
            if s is None or e is None:
                if (sl or 0) > 18 or (el or 0) > 18:
                    out.append(offset + i)  # an integer polars cannot hold: let the check decide
                continue
            if not 0 <= s < e <= len(text) or text[s:e] != quote:
                out.append(offset + i)
            elif prefix and text[max(0, s - len(prefix)):s] != prefix:
                out.append(offset + i)
            elif suffix and text[e:e + len(suffix)] != suffix:
                out.append(offset + i)
    return out


def boilerplate_spans(sources: list[Assembled]) -> pl.DataFrame:
    rows = []
    for src in sources:
        for span in src.record.get("boilerplate") or []:
            if isinstance(span.get("start"), int) and isinstance(span.get("end"), int):
                rows.append((src.record.get("id"), span["start"], span["end"]))
    return pl.DataFrame(rows, schema={"source": pl.String, "bs": pl.Int64, "be": pl.Int64}, orient="row")


def overlapping_pointers(pointers: FastTable, spans: pl.DataFrame) -> pl.Series:
    """Ids of pointers (as embedded: first row of each id) that overlap a boilerplate span."""
    if spans.is_empty():
        return pl.Series("id", [], dtype=pl.String)
    df = pointers.df.select(
        "id", "source",
        pl.when(pl.col("start").str.contains(r"^-?[0-9]+$")).then(pl.col("start").cast(pl.Int64, strict=False)).alias("s"),
        pl.when(pl.col("end").str.contains(r"^-?[0-9]+$")).then(pl.col("end").cast(pl.Int64, strict=False)).alias("e"),
    ).filter(pl.col("id").is_not_null() & (pl.col("id") != "")).unique("id", keep="first", maintain_order=True)
    hits = df.join(spans, on="source").filter((pl.col("s") < pl.col("be")) & (pl.col("bs") < pl.col("e")))
    return hits["id"].unique()


def id_stubs(ids: dict[str, pl.DataFrame], wanted: pl.Series) -> dict[str, list[Assembled]]:
    """Records reduced to their id (and where it is), for the checks that only read ids."""
    out: dict[str, list[Assembled]] = {}
    for record_type, frame in ids.items():
        part = frame.filter(pl.col("id").is_in(wanted.implode()))
        out[record_type] = [Assembled({"id": rid}, {(): (path, line, "id"), ("id",): (path, line, "id")})
                            for rid, line, path in part.iter_rows()]
    return out


def package(root, layout, tables, records, texts=None) -> Any:
    from .checks import Package

    pkg = Package(root, layout, tables, records)
    if texts:
        pkg.texts.update(texts)
    return pkg
