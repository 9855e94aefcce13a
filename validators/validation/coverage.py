"""How much of each source's content the records point into, and the validation check on it.

Content is every character of a source outside its boilerplate spans. A sentence is covered
when a content pointer (of an event, actor, claim or discrepancy) overlaps it, deliberately
uncoded when only a pointer of the uncoded table does, and unaccounted otherwise.

``claimtrail coverage`` reports the measure; ``coverage_problems`` is the last step of
validation, the same function for both engines: every unaccounted sentence is a problem,
unless the package declares once, in its descriptor, that it does not aim at full coverage
(``"claimtrail": {"coverage": "partial"}``). It reads only the columns it needs (pointer ids,
spans, sources and their boilerplate), so that it stays cheap on large packages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimtrail.contract.layout import Layout, build_layout
from claimtrail.contract.problems import Problem
from claimtrail.files.limits import MAX_COLUMNS, MAX_SOURCE_BYTES, MAX_TABLE_BYTES
from claimtrail.files.safe_open import UnsafeFile, read_regular, read_resolved
from claimtrail.package.csvio import read_csv
from claimtrail.package.paths import safe_source_path

# The descriptor property a package states its coverage aim in, and the values it may take.
SETTING = "claimtrail"
FULL, PARTIAL = "full", "partial"
CHECK = "uncovered-sentence"
# Record types whose pointers do not count: a source's own pointers (publisher, date) and the
# pointer table itself.
_NOT_CONTENT = ("source", "pointer")
_DELIBERATE = ("uncoded", "pointer")  # (record type, column): the uncoded table's span

# Words whose final period does not end a sentence ("Mr. Biden", "Sen. Marco Rubio").
ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "rep",
    "gen",
    "lt",
    "col",
    "sgt",
    "cmdr",
    "st",
    "jr",
    "sr",
    "no",
    "vs",
    "gov",
    "pres",
}
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")
_END = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘(]?[A-Z0-9])")


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    status: str = "unaccounted"  # covered | uncoded | unaccounted


# A source's text as coverage is given it: see text_of.
Text = str | bytes | Callable[[], bytes]


class CoverageError(Exception):
    """A source or table cannot be measured (missing, not a regular file, not UTF-8, not CSV):
    names the file; validation reports the precise problem. ``path``: the source's file, when
    it is a source's text read again that is not the one checked."""

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


@dataclass
class SourceCoverage:
    source: str
    path: str
    content_chars: int = 0
    covered_chars: int = 0
    sentences: list[Sentence] = field(default_factory=list)
    text: str = field(default="", repr=False)

    @property
    def share(self) -> float:
        return self.covered_chars / self.content_chars if self.content_chars else 1.0

    def count(self, status: str) -> int:
        return sum(1 for s in self.sentences if s.status == status)


def content_regions(text: str, boilerplate: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Maximal runs of text outside boilerplate, split at line breaks."""
    spans = sorted((max(0, s), min(len(text), e)) for s, e in boilerplate if s < e)
    regions = []
    for line in re.finditer(r"[^\r\n]+", text):
        cursor, end = line.span()
        for bs, be in spans:
            if be <= cursor or bs >= end:
                continue
            if bs > cursor:
                regions.append((cursor, bs))
            cursor = max(cursor, be)
        if cursor < end:
            regions.append((cursor, end))
    return regions


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted, disjoint (starts, ends) covering the same characters as ``spans``."""
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted(spans):
        if s >= e:
            continue
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


_INITIALISM = re.compile(r"(?:[a-z]\.)*[a-z]")  # "u.s", the token of "U.S."
_ALNUM = re.compile(r"[^\W_]")  # a character str.isalnum() accepts (re's \w less "_")


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for m in _END.finditer(text, start, end):
        # The word the terminator ends: the run of ASCII letters and dots just before it.
        i = j = m.start()
        while i > cursor and text[i - 1] in _WORD:
            i -= 1
        token = text[i:j].lower()
        if token in ABBREVIATIONS or _INITIALISM.fullmatch(token):
            continue  # "Mr." or an initialism such as "U.S."
        spans.append((cursor, m.end()))
        cursor = m.end()
    spans.append((cursor, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e and _ALNUM.search(text, s, e):
            out.append((s, e))
    return out


def _column_values(root: Path, path: str, columns: list[str]):
    import polars as pl

    try:
        # Read through the safe opener first: a FIFO or device must not block polars.
        data = read_regular(root / path, MAX_TABLE_BYTES, root)
        # polars would hold every column of a header: count them first.
        if data.partition(b"\n")[0].count(b",") >= MAX_COLUMNS:
            raise CoverageError(f"{path}: more than {MAX_COLUMNS} columns; run 'claimtrail validate'")
        return pl.read_csv(data, columns=columns, infer_schema=False, quote_char='"', raise_if_empty=False)
    except UnsafeFile as refused:
        raise CoverageError(f"{path}: {refused.reason}") from None
    except CoverageError:
        raise
    except Exception as e:  # polars raises its own errors for a malformed file
        raise CoverageError(
            f"{path}: cannot be read ({type(e).__name__}); run 'claimtrail validate'"
        ) from None


def content_columns(layout: Layout) -> list[tuple[str, str, bool]]:
    """(table, column, deliberately uncoded) of every pointer column whose pointers count."""
    out = []
    for table in layout.tables:
        if table.record_type in _NOT_CONTENT:
            continue
        for c in table.columns:
            if c.kind == "pointer":
                out.append(
                    (table.name, c.name, (table.record_type, c.name) == _DELIBERATE and table.prop is None)
                )
    return out


@dataclass
class Inputs:
    """What coverage reads of a package: its sources (id, path, boilerplate spans, text) in the
    order of sources.csv, and the span of every content pointer (a polars frame of columns
    source, start, end, deliberate). ``read_inputs`` reads them from the files; the fast engine
    hands over what it has read already, each text as its UTF-8 bytes, or, once its sentences
    are split, as a function that reads it again (see text_of)."""

    sources: list[tuple[str, str, list[tuple[int, int]], Text]]
    spans: Any
    # The sources' content sentences, when they are being split already (the fast engine
    # splits them in a second thread while it checks the tables): called for the list, which
    # holds None for a source not split (split where it is needed).
    sentences: Callable[[], list[list[tuple[int, int]] | None]] | None = None
    # Sources (by index) no sentence of which can be unaccounted (accounted_sources): the
    # validation check does not split them; the measure does.
    accounted: frozenset[int] = frozenset()


def _content_spans(root: Path, layout: Layout):
    import polars as pl

    used: list[pl.Series] = []
    deliberate: list[pl.Series] = []
    columns_of: dict[str, list[tuple[str, bool]]] = {}
    for name, column, flag in content_columns(layout):
        columns_of.setdefault(name, []).append((column, flag))
    for table in layout.tables:
        if table.name not in columns_of or not (root / table.path).is_file():
            continue
        df = _column_values(root, table.path, [c for c, _ in columns_of[table.name]])
        for column, flag in columns_of[table.name]:
            ids = df.get_column(column).drop_nulls()
            (deliberate if flag else used).append(ids.filter(ids != ""))
    if not (root / "pointers.csv").is_file():
        return _no_spans()
    pointers = _column_values(root, "pointers.csv", ["id", "source", "start", "end"]).with_columns(
        pl.col("start").str.strip_chars().cast(pl.Int64, strict=False),
        pl.col("end").str.strip_chars().cast(pl.Int64, strict=False),
    )
    pointers = pointers.filter(pl.col("start").is_not_null() & pl.col("end").is_not_null())
    pointers = pointers.unique("id", keep="first", maintain_order=True)
    parts = [_no_spans()]
    for ids, flag in ((used, False), (deliberate, True)):
        if ids:
            every = pl.concat(ids).unique().implode()
            rows = pointers.filter(pl.col("id").is_in(every)).select("source", "start", "end")
            parts.append(rows.with_columns(pl.lit(flag).alias("deliberate")))
    return pl.concat(parts)


def _no_spans():
    import polars as pl

    return pl.DataFrame(
        schema={"source": pl.String, "start": pl.Int64, "end": pl.Int64, "deliberate": pl.Boolean}
    )


def _sources(root: Path, layout: Layout) -> list[tuple[str, str, list[tuple[int, int]]]]:
    """(id, path, boilerplate spans) of every source."""
    table = read_csv(root / "sources.csv", "sources.csv")
    boiler: dict[str, list[tuple[int, int]]] = {}
    spec = next((t for t in layout.tables if t.record_type == "source" and t.prop == "boilerplate"), None)
    if spec is not None and (root / spec.path).is_file():
        for row in read_csv(root / spec.path, spec.path).rows:
            try:
                boiler.setdefault(row.get("source", ""), []).append((int(row["start"]), int(row["end"])))
            except (KeyError, TypeError, ValueError):
                continue
    rows = table.rows if table.readable else []
    return [(row.get("id", ""), row.get("path", ""), boiler.get(row.get("id", ""), [])) for row in rows]


def read_inputs(root: Path, layout: Layout | None = None) -> Inputs:
    """Coverage's inputs, read from the package's files; CoverageError names the first that
    cannot be read (a source that cannot be read is not skipped: the package is not complete)."""
    layout = layout or build_layout()
    sources = []
    for source, path, boiler in _sources(root, layout):
        file, why = safe_source_path(root, path)
        if file is None:
            raise CoverageError(f"source {source}: {why}")
        try:
            sources.append((source, path, boiler, read_resolved(file, MAX_SOURCE_BYTES).decode("utf-8")))
        except UnsafeFile as refused:
            raise CoverageError(f"source {source}: {path}: {refused.reason}") from None
        except UnicodeDecodeError as bad:
            raise CoverageError(
                f"source {source}: {path}: not UTF-8 ({bad.reason} at byte {bad.start})"
            ) from None
    return Inputs(sources, _content_spans(root, layout))


# Offsets of all sources on one axis: source k's offset o is k * _AXIS + o (a text holds fewer
# code points than _AXIS), so that one sorted search serves every source at once.
_AXIS = 1 << 40


def _statuses(inputs: Inputs, sentences: list[list[tuple[int, int]]]) -> list[list[str]]:
    """The status of every sentence (covered, uncoded or unaccounted), source by source.

    A sentence (s, e) is covered when a pointer starts before e and ends after s: among the
    pointers of its source sorted by start, the furthest end reached by those starting before
    e (a running maximum) is after s. polars does the search for every sentence at once."""
    import polars as pl

    keys = pl.DataFrame(
        {"source": [s[0] for s in inputs.sources], "_k": range(len(inputs.sources))},
        schema={"source": pl.String, "_k": pl.Int64},
    )
    flat_k = [k for k, spans in enumerate(sentences) for _ in spans]
    flat_s = [s for spans in sentences for s, _ in spans]
    flat_e = [e for spans in sentences for _, e in spans]
    frame = pl.DataFrame(
        {"_k": flat_k, "s": flat_s, "e": flat_e}, schema={"_k": pl.Int64, "s": pl.Int64, "e": pl.Int64}
    )
    frame = frame.with_row_index("_i").with_columns(
        (pl.col("_k") * _AXIS + pl.col("s")).alias("_s"),
        (pl.col("_k") * _AXIS + pl.col("e") - 1).alias("_at"),
    )
    spans = (
        inputs.spans.join(keys, on="source", how="inner")
        .filter(pl.col("start") < pl.col("end"))
        .with_columns(
            (pl.col("_k") * _AXIS + pl.col("start").clip(0, _AXIS - 1)).alias("_at"),
            (pl.col("_k") * _AXIS + pl.col("end").clip(0, _AXIS - 1)).alias("_reach"),
        )
    )
    frame = frame.sort("_at")
    status = pl.lit("unaccounted")
    for flag, name in ((True, "uncoded"), (False, "covered")):  # covered wins
        reach = (
            spans.filter(pl.col("deliberate") == flag).sort("_at").select("_at", pl.col("_reach").cum_max())
        )
        frame = (
            frame.join_asof(reach, on="_at", strategy="backward")
            .with_columns((pl.col("_reach").fill_null(-1) > pl.col("_s")).alias(name))
            .drop("_reach")
        )
        status = pl.when(pl.col(name)).then(pl.lit(name)).otherwise(status)
    flat = frame.sort("_i").select(status.alias("status"))["status"].to_list()
    out, at = [], 0
    for spans_ in sentences:
        out.append(flat[at : at + len(spans_)])
        at += len(spans_)
    return out


# White space, punctuation and the ASCII symbols, as polars' regular expressions know them:
# str.isalnum() accepts none of them (they are neither letters nor numbers in Unicode), so a
# stretch of text made of these alone holds no character of a sentence's words.
_NO_WORDS = r"^[\s\p{P}$+<=>^`|~]*$"


def _index_in(ids: list[str]):
    """The index in ``ids`` of each row's source (null for a source not there)."""
    import polars as pl

    numbers = pl.Series(range(len(ids)), dtype=pl.UInt32)
    return (
        pl.col("source")
        .cast(pl.String)
        .replace_strict(pl.Series(ids, dtype=pl.String), numbers, default=None)
    )


def _keyed(spans, ids: list[str]):
    """Spans (columns source, start, end) as (_k, _s, _e), _k their source's index in ``ids``,
    a start before the text's taken as its start, and those of no source and the empty ones
    left out (lazy)."""
    import polars as pl

    return (
        spans.lazy()
        .select(
            _index_in(ids).alias("_k"),
            pl.col("start").clip(lower_bound=0).alias("_s"),
            pl.col("end").alias("_e"),
        )
        .filter(pl.col("_k").is_not_null() & (pl.col("_s") < pl.col("_e")))
    )


def _on_axis(keyed):
    """_keyed's spans with their offsets on the one axis (_AXIS): (_k, _a, _b)."""
    import polars as pl

    k = pl.col("_k").cast(pl.Int64) * _AXIS
    return keyed.select(
        "_k",
        (k + pl.col("_s").cast(pl.Int64).clip(0, _AXIS - 1)).alias("_a"),
        (k + pl.col("_e").cast(pl.Int64).clip(0, _AXIS - 1)).alias("_b"),
    )


def _ends(spans):
    """Spans (_a, _b on the axis) in order of start, each with the end of the block of their
    union it belongs to (_end): a block ends where the next span starts after every span
    before it has ended. All in linear passes over the sorted spans, no grouping."""
    import polars as pl

    reach = pl.col("_b").cum_max()
    last = (pl.col("_a").shift(-1) > reach).fill_null(True)  # the next span starts a block
    return (
        spans.sort("_a")
        .with_columns(pl.when(last).then(reach).alias("_end"))
        .with_columns(pl.col("_end").fill_null(strategy="backward"))
    )


def accounted_sources(
    sources: list[tuple[str, str, list[tuple[int, int]], Text]], spans, batch: int = 1000
) -> set[int]:
    """The sources (by index) each character of whose text that str.isalnum() may accept lies
    in one of ``spans`` (columns source, start, end) or in the source's boilerplate.

    A sentence holds such a character (split_sentences keeps no other), so every sentence of
    such a source overlaps a span: with ``spans`` those that count for coverage, none is
    unaccounted, and the source need not be split for the validation check. (With more spans
    than count, as every pointer, a source not returned certainly needs splitting.) The gaps
    between the spans are read in polars, each against _NO_WORDS: a gap it cannot vouch for
    leaves its source out. ``batch`` sources at a time, so that what is sorted stays small
    (1.6 million spans at a million claims: 32 MB of them at once took the run's peak 10 MiB
    to 20 MiB higher)."""
    import polars as pl

    ids = [s[0] for s in sources]
    if len(set(ids)) < len(ids):
        return set()  # an id twice: which text its spans fall in is not known
    boiler = pl.DataFrame(
        [(s[0], b, e) for s in sources for b, e in s[2]],
        schema={"source": pl.String, "start": pl.Int64, "end": pl.Int64},
        orient="row",
    )
    boiler = _keyed(boiler, ids).collect()
    at = spans.select(_index_in(ids)).to_series()  # each span's text, row for row
    accounted: set[int] = set()
    for lo in range(0, len(sources), batch):
        hi = min(lo + batch, len(sources))
        mine = pl.col("_k").is_between(lo, hi, closed="left")
        keyed = pl.concat(
            [
                _keyed(spans.filter(at.is_between(lo, hi, closed="left")), ids),
                boiler.lazy().filter(mine),
            ],
            how="vertical_relaxed",
        )
        raws = [text() if callable(text) else text for *_, text in sources[lo:hi]]
        texts = pl.Series([t if isinstance(t, bytes) else t.encode("utf-8") for t in raws], dtype=pl.Binary)
        texts = texts.cast(pl.String)
        # Each text's end on the axis (a span past it reaches no further text: _AXIS).
        ends = pl.Series(range(lo, hi), dtype=pl.Int64) * _AXIS + texts.str.len_chars().cast(pl.Int64)
        cover = _on_axis(keyed).select("_a", "_b")
        # The gaps: from the furthest end the spans before reach (or the text's start) to
        # the next span's start (or the text's end, where a span of no length closes it).
        bounds = pl.concat([cover, pl.DataFrame({"_a": ends, "_b": ends}).lazy()]).sort("_a")
        k = pl.col("_a") // _AXIS
        after = pl.max_horizontal(pl.col("_b").cum_max().shift(1).fill_null(0), k * _AXIS)
        gaps = (
            bounds.select(k.alias("_k"), after.alias("_g"), "_a")
            .filter(pl.col("_a") > pl.col("_g"))
            .select(
                "_k",
                pl.lit(texts)
                .gather(pl.col("_k") - lo)
                .str.slice(pl.col("_g") - pl.col("_k") * _AXIS, pl.col("_a") - pl.col("_g"))
                .str.contains(_NO_WORDS)
                .alias("_clear"),
            )
            .filter(~pl.col("_clear"))
            .collect()
        )
        accounted |= set(range(lo, hi)) - set(gaps["_k"].to_list())
    return accounted


def spans_outside(ids: list[str], spans, cover) -> set[int]:
    """The sources (by index in ``ids``) of the spans (columns source, start, end) that do not
    lie within the union of ``cover`` (the same columns): where every span does, these spans
    cover no character more than ``cover`` does."""
    import polars as pl

    blocks = _ends(_on_axis(_keyed(cover, ids))).select("_a", "_end")
    return set(
        _on_axis(_keyed(spans, ids))
        .sort("_a")
        .join_asof(blocks, on="_a", strategy="backward")
        .filter(pl.col("_end").is_null() | (pl.col("_end") < pl.col("_b")))
        .collect()["_k"]
        .to_list()
    )


class PackedSentences:
    """content_sentences' result held compactly: each sentence's start and end in two arrays
    (16 bytes a sentence, where a tuple in a list takes about 120), for an engine that splits
    the texts early and needs the sentences only at the end."""

    def __init__(self, sentences: list[list[tuple[int, int]]]):
        from array import array

        self.counts = array("q", (len(spans) for spans in sentences))
        self.starts = array("q", (s for spans in sentences for s, _ in spans))
        self.ends = array("q", (e for spans in sentences for _, e in spans))

    def lists(self) -> list[list[tuple[int, int]]]:
        """The sentences as content_sentences gave them."""
        out, at = [], 0
        for n in self.counts:
            out.append(list(zip(self.starts[at : at + n], self.ends[at : at + n], strict=True)))
            at += n
        return out


def _sentences(inputs: Inputs, skip: frozenset[int] = frozenset()) -> list[list[tuple[int, int]]]:
    """The content sentences of every source, in the order of inputs.sources; none for the
    sources in ``skip``."""
    given = inputs.sentences() if inputs.sentences is not None else [None] * len(inputs.sources)
    return [
        [] if k in skip else spans if spans is not None else _split(source)
        for k, (source, spans) in enumerate(zip(inputs.sources, given, strict=True))
    ]


def _split(source: tuple[str, str, list[tuple[int, int]], Text]) -> list[tuple[int, int]]:
    try:
        return content_sentences([source])[0]
    except CoverageError as e:  # its text, read again (text_of), is not the one checked
        raise CoverageError(str(e), source[1]) from None


def text_of(text: Text) -> str:
    """A source's text, given as such, as its UTF-8 bytes (held so: a third of the memory of
    a str of accented text, and decoded only where coverage reads it) or as a function giving
    them (which raises CoverageError when it cannot)."""
    if callable(text):
        text = text()
    return text if isinstance(text, str) else text.decode("utf-8")


def content_sentences(
    sources: list[tuple[str, str, list[tuple[int, int]], Text]],
) -> list[list[tuple[int, int]]]:
    """The content sentences of each (id, path, boilerplate spans, text), in order."""
    out = []
    for _, _, boiler, given in sources:
        text = text_of(given)
        out.append(
            [span for rs, re_ in content_regions(text, boiler) for span in split_sentences(text, rs, re_)]
        )
    return out


def measure(root: Path, count_chars: bool = True, inputs: Inputs | None = None) -> list[SourceCoverage]:
    """Coverage of every source; ``count_chars=False`` leaves the character counts at 0 (the
    validation check needs only the sentences)."""
    import polars as pl

    inputs = inputs or read_inputs(root)
    sentences = _sentences(inputs)
    statuses = _statuses(inputs, sentences)
    coded: dict[str, list[tuple[int, int]]] = {}
    if count_chars:  # each source's content spans, grouped once
        for row in inputs.spans.filter(~pl.col("deliberate")).select("source", "start", "end").iter_rows():
            coded.setdefault(row[0], []).append((row[1], row[2]))
    results = []
    for (source, path, boiler, given), spans, status in zip(inputs.sources, sentences, statuses, strict=True):
        text = text_of(given)
        cov = SourceCoverage(source, path)
        if count_chars:
            cov.content_chars, cov.covered_chars = _chars(text, boiler, coded.get(source, []))
        cov.sentences = [Sentence(s, e, text[s:e], st) for (s, e), st in zip(spans, status, strict=True)]
        cov.text = text
        results.append(cov)
    return results


def _chars(text: str, boiler: list[tuple[int, int]], spans: list[tuple[int, int]]) -> tuple[int, int]:
    """(content characters, covered content characters) of one text, white space not counted;
    ``spans``: its content pointers' spans."""
    coded = _merged(spans)
    covered = bytearray(len(text))
    for s, e in zip(*coded, strict=True):
        covered[max(0, s) : min(len(text), e)] = b"\x01" * max(0, min(len(text), e) - max(0, s))
    content = hit = 0
    for rs, re_ in content_regions(text, boiler):
        for i in range(rs, re_):
            if not text[i].isspace():
                content += 1
                hit += covered[i]
    return content, hit


def coverage_setting(descriptor: dict[str, Any]) -> tuple[str, str | None]:
    """(FULL or PARTIAL, why the setting is unusable or None) from the descriptor."""
    own = descriptor.get(SETTING)
    if own is None:
        return FULL, None
    value = own.get("coverage", FULL) if isinstance(own, dict) else None
    if value in (FULL, PARTIAL):
        return value, None
    return FULL, f"{SETTING}.coverage must be {FULL!r} or {PARTIAL!r}, found {value!r}"


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def coverage_problems(root: Path, descriptor: dict[str, Any], inputs: Inputs | None = None) -> list[Problem]:
    """Every content sentence no record covers and uncoded.csv does not list, as a problem at
    its line of the source text; none when the package declares partial coverage. ``inputs``:
    what an engine has read already (else read from the files)."""
    setting, why = coverage_setting(descriptor)
    if why is not None:
        return [Problem("datapackage.json", "coverage-setting", why, field=f"{SETTING}.coverage")]
    if setting == PARTIAL:
        return []
    try:
        inputs = inputs or read_inputs(root)
    except CoverageError as e:
        return [Problem("pointers.csv", CHECK, str(e))]
    try:
        sentences = _sentences(inputs, inputs.accounted)
    except CoverageError as e:
        return [Problem(e.path or "pointers.csv", CHECK, str(e))]
    problems = []
    for (source, path, _, given), spans, statuses in zip(
        inputs.sources, sentences, _statuses(inputs, sentences), strict=True
    ):
        text = None
        for (start, end), status in zip(spans, statuses, strict=True):
            if status != "unaccounted":
                continue
            try:
                text = text if text is not None else text_of(given)
            except CoverageError as e:  # a text read again that is not the one checked
                return [Problem(path, CHECK, str(e))]
            line, column = line_col(text, start)
            problems.append(
                Problem(
                    path,
                    CHECK,
                    f"source {source}: sentence {start}-{end} is covered by no record and "
                    f"not listed in uncoded.csv: {_short(text[start:end])!r}",
                    line=line,
                    column=column,
                    fix="add the record(s) it reports, with a pointer into it, or an uncoded.csv row "
                    "saying why it is left out",
                )
            )
    return problems


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
