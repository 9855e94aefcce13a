"""How much of each source's content the records point into.

Content is every character of a source outside its boilerplate spans. A sentence is covered
when a content pointer (of an event, actor, claim or discrepancy) overlaps it, deliberately
uncoded when only a pointer of the uncoded table does, and unaccounted otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from claimtrail.contract.layout import build_layout
from claimtrail.files.limits import MAX_SOURCE_BYTES
from claimtrail.files.safe_open import UnsafeFile, read_regular
from claimtrail.package.csvio import read_csv
from claimtrail.package.paths import safe_source_path
from claimtrail.package.records import assemble
from claimtrail.validation.checks import content_pointers

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
_END = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘(]?[A-Z0-9])")


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    status: str = "unaccounted"  # covered | uncoded | unaccounted


class CoverageError(Exception):
    """A source cannot be measured (missing, not a regular file, not UTF-8): names the file."""


@dataclass
class SourceCoverage:
    source: str
    path: str
    content_chars: int = 0
    covered_chars: int = 0
    sentences: list[Sentence] = field(default_factory=list)
    text: str = ""

    @property
    def share(self) -> float:
        return self.covered_chars / self.content_chars if self.content_chars else 1.0

    def count(self, status: str) -> int:
        return sum(1 for s in self.sentences if s.status == status)


def content_regions(text: str, boilerplate: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Maximal runs of text outside boilerplate, split at line breaks."""
    mask = bytearray(len(text))
    for s, e in boilerplate:
        mask[max(0, s) : min(len(text), e)] = b"\x01" * (min(len(text), e) - max(0, s))
    regions, start = [], None
    for i, ch in enumerate(text):
        inside = not mask[i] and ch not in "\r\n"
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            regions.append((start, i))
            start = None
    if start is not None:
        regions.append((start, len(text)))
    return regions


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for m in _END.finditer(text, start, end):
        word = re.search(r"([A-Za-z.]+)[.!?]$", text[cursor : m.start() + 1])
        token = word.group(1).lower() if word else ""
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


def measure(root: Path) -> list[SourceCoverage]:
    layout = build_layout()
    tables = {t.name: read_csv(root / t.path, t.path) for t in layout.tables}
    records = assemble(layout, {k: v for k, v in tables.items() if v.readable})
    spans: dict[str, list[tuple[int, int, bool]]] = {}
    from claimtrail.validation.checks import Package

    pkg = Package(root, layout, tables, records)
    for item, path, p in content_pointers(pkg):
        if isinstance(p.get("start"), int) and isinstance(p.get("end"), int):
            deliberate = path[:1] == ("pointer",) and item in records.get("uncoded", [])
            spans.setdefault(p.get("source"), []).append((p["start"], p["end"], deliberate))
    results = []
    for src in records.get("source", []):
        rec = src.record
        # A source that cannot be read is not skipped: the package is not complete then.
        file, why = safe_source_path(root, rec.get("path"))
        if file is None:
            raise CoverageError(f"source {rec.get('id')}: {why}")
        try:
            text = read_regular(file, MAX_SOURCE_BYTES, root).decode("utf-8")
        except UnsafeFile as refused:
            raise CoverageError(f"source {rec.get('id')}: {rec.get('path')}: {refused.reason}") from None
        except UnicodeDecodeError as bad:
            raise CoverageError(
                f"source {rec.get('id')}: {rec.get('path')}: not UTF-8 ({bad.reason} at byte {bad.start})"
            ) from None
        boiler = [
            (b["start"], b["end"])
            for b in rec.get("boilerplate") or []
            if isinstance(b.get("start"), int) and isinstance(b.get("end"), int)
        ]
        cov = SourceCoverage(rec["id"], rec["path"], text=text)
        covered = bytearray(len(text))
        pointers = spans.get(rec["id"], [])
        for s, e, deliberate in pointers:
            if not deliberate:
                covered[max(0, s) : min(len(text), e)] = b"\x01" * (min(len(text), e) - max(0, s))
        for rs, re_ in content_regions(text, boiler):
            for i in range(rs, re_):
                if not text[i].isspace():
                    cov.content_chars += 1
                    cov.covered_chars += covered[i]
            for s, e in split_sentences(text, rs, re_):
                sentence = Sentence(s, e, text[s:e])
                hits = [d for ps, pe, d in pointers if ps < e and s < pe]
                if any(not d for d in hits):
                    sentence.status = "covered"
                elif hits:
                    sentence.status = "uncoded"
                cov.sentences.append(sentence)
        results.append(cov)
    return results


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
