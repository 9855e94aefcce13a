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
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimtrail.contract.layout import Layout, build_layout
from claimtrail.contract.problems import Problem
from claimtrail.files.limits import MAX_COLUMNS, MAX_SOURCE_BYTES, MAX_TABLE_BYTES
from claimtrail.files.safe_open import UnsafeFile, read_regular
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


class CoverageError(Exception):
    """A source or table cannot be measured (missing, not a regular file, not UTF-8, not CSV):
    names the file; validation reports the precise problem."""


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


def _overlaps(merged: tuple[list[int], list[int]], s: int, e: int) -> bool:
    starts, ends = merged
    i = bisect_right(ends, s)  # the first interval ending after s
    return i < len(starts) and starts[i] < e


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for m in _END.finditer(text, start, end):
        # The word the terminator ends: the run of ASCII letters and dots just before it.
        i = j = m.start()
        while i > cursor and text[i - 1] in _WORD:
            i -= 1
        token = text[i:j].lower()
        if token in ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", token):
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
        if s < e and any(ch.isalnum() for ch in text[s:e]):
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


def content_spans(root: Path, layout: Layout | None = None) -> dict[str, list[tuple[int, int, bool]]]:
    """source id -> (start, end, deliberately uncoded) of every pointer a content record uses."""
    import polars as pl

    layout = layout or build_layout()
    used: list[pl.Series] = []
    deliberate: list[pl.Series] = []
    for table in layout.tables:
        if table.record_type in _NOT_CONTENT or not (root / table.path).is_file():
            continue
        columns = [c.name for c in table.columns if c.kind == "pointer"]
        if not columns:
            continue
        df = _column_values(root, table.path, columns)
        for name in columns:
            ids = df.get_column(name).drop_nulls()
            wanted = deliberate if (table.record_type, name) == _DELIBERATE and table.prop is None else used
            wanted.append(ids.filter(ids != ""))
    if not (root / "pointers.csv").is_file():
        return {}
    pointers = _column_values(root, "pointers.csv", ["id", "source", "start", "end"]).with_columns(
        pl.col("start").str.strip_chars().cast(pl.Int64, strict=False),
        pl.col("end").str.strip_chars().cast(pl.Int64, strict=False),
    )
    pointers = pointers.filter(pl.col("start").is_not_null() & pl.col("end").is_not_null())
    pointers = pointers.unique("id", keep="first", maintain_order=True)
    spans: dict[str, list[tuple[int, int, bool]]] = {}
    for ids, flag in ((used, False), (deliberate, True)):
        if not ids:
            continue
        every = pl.concat(ids).unique()
        rows = pointers.filter(pl.col("id").is_in(every.implode())).select("source", "start", "end")
        for (source,), group in rows.partition_by("source", as_dict=True).items():
            starts, ends = group.get_column("start").to_list(), group.get_column("end").to_list()
            spans.setdefault(source, []).extend(zip(starts, ends, [flag] * len(starts), strict=True))
    return spans


def _sources(root: Path, layout: Layout) -> list[tuple[dict[str, str], list[tuple[int, int]]]]:
    """(sources.csv row, boilerplate spans) of every source."""
    table = read_csv(root / "sources.csv", "sources.csv")
    boiler: dict[str, list[tuple[int, int]]] = {}
    spec = next((t for t in layout.tables if t.record_type == "source" and t.prop == "boilerplate"), None)
    if spec is not None and (root / spec.path).is_file():
        for row in read_csv(root / spec.path, spec.path).rows:
            try:
                boiler.setdefault(row.get("source", ""), []).append((int(row["start"]), int(row["end"])))
            except (KeyError, TypeError, ValueError):
                continue
    return [(row, boiler.get(row.get("id", ""), [])) for row in table.rows] if table.readable else []


def measure(root: Path, count_chars: bool = True) -> list[SourceCoverage]:
    """Coverage of every source; ``count_chars=False`` leaves the character counts at 0 (the
    validation check needs only the sentences)."""
    layout = build_layout()
    spans = content_spans(root, layout)
    results = []
    for row, boiler in _sources(root, layout):
        # A source that cannot be read is not skipped: the package is not complete then.
        file, why = safe_source_path(root, row.get("path"))
        if file is None:
            raise CoverageError(f"source {row.get('id')}: {why}")
        try:
            text = read_regular(file, MAX_SOURCE_BYTES, root).decode("utf-8")
        except UnsafeFile as refused:
            raise CoverageError(f"source {row.get('id')}: {row.get('path')}: {refused.reason}") from None
        except UnicodeDecodeError as bad:
            raise CoverageError(
                f"source {row.get('id')}: {row.get('path')}: not UTF-8 ({bad.reason} at byte {bad.start})"
            ) from None
        cov = SourceCoverage(row.get("id", ""), row.get("path", ""))
        pointers = spans.get(cov.source, [])
        coded = _merged([(s, e) for s, e, deliberate in pointers if not deliberate])
        uncoded = _merged([(s, e) for s, e, deliberate in pointers if deliberate])
        if count_chars:
            covered = bytearray(len(text))
            for s, e in zip(*coded, strict=True):
                covered[max(0, s) : min(len(text), e)] = b"\x01" * (min(len(text), e) - max(0, s))
        for rs, re_ in content_regions(text, boiler):
            if count_chars:
                for i in range(rs, re_):
                    if not text[i].isspace():
                        cov.content_chars += 1
                        cov.covered_chars += covered[i]
            for s, e in split_sentences(text, rs, re_):
                sentence = Sentence(s, e, text[s:e])
                if _overlaps(coded, s, e):
                    sentence.status = "covered"
                elif _overlaps(uncoded, s, e):
                    sentence.status = "uncoded"
                cov.sentences.append(sentence)
        cov.text = text
        results.append(cov)
    return results


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


def coverage_problems(root: Path, descriptor: dict[str, Any]) -> list[Problem]:
    """Every content sentence no record covers and uncoded.csv does not list, as a problem at
    its line of the source text; none when the package declares partial coverage."""
    setting, why = coverage_setting(descriptor)
    if why is not None:
        return [Problem("datapackage.json", "coverage-setting", why, field=f"{SETTING}.coverage")]
    if setting == PARTIAL:
        return []
    try:
        results = measure(root, count_chars=False)
    except CoverageError as e:
        return [Problem("pointers.csv", CHECK, str(e))]
    problems = []
    for c in results:
        for s in c.sentences:
            if s.status != "unaccounted":
                continue
            line, column = line_col(c.text, s.start)
            problems.append(
                Problem(
                    c.path,
                    CHECK,
                    f"source {c.source}: sentence {s.start}-{s.end} is covered by no record and "
                    f"not listed in uncoded.csv: {_short(s.text)!r}",
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
