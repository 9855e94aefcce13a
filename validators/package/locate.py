"""Finding a quote in a source text, and saying why it is not there when it nearly is.

Offsets are Unicode code points, end exclusive (Python slicing), as in pointers.csv. When a
quote does not occur exactly, the text is searched again with the differences people cannot
see folded away (typographic quotes and dashes, no-break and other spaces, NFC/NFD, case,
invisible characters), so that a curator learns the offsets and what differs instead of
counting characters by hand.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field

from claimtrail.files.limits import MAX_FUZZY_QUOTE, MAX_FUZZY_WORK

CONTEXT = 20  # characters of prefix and suffix shown around a match

# Characters that look alike on screen, folded to one representative each.
_LOOKALIKES = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}
_INVISIBLE = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    prefix: str
    suffix: str


@dataclass(frozen=True)
class NearMiss:
    """Where the text nearly holds the quote, and how it differs."""

    start: int
    end: int
    found: str  # text[start:end]
    differences: tuple[
        str, ...
    ]  # one phrase per difference, e.g. "quote has '\"' where the text has '“' at 66"
    kind: str  # "lookalike" (only invisible differences) or "closest" (a fuzzy match)
    similarity: float = 1.0

    def describe(self) -> str:
        # The labels ("quote: ...") are summed up by categories(); the details follow.
        what = "; ".join(d.split(": ", 1)[-1] for d in self.differences) or "no visible difference"
        lead = (
            "it differs only in"
            if self.kind == "lookalike"
            else f"closest text ({self.similarity:.0%} similar)"
        )
        if self.kind == "lookalike":
            return f"{lead} {self.categories()} from the text at {self.start}-{self.end}: {what}"
        return f"{lead} is at {self.start}-{self.end}: {self.found!r}; {what}"

    def categories(self) -> str:
        return ", ".join(dict.fromkeys(_category(d) for d in self.differences)) or "invisible characters"


def _category(difference: str) -> str:
    # Each difference starts with its label ("quote: ...", "Unicode normalisation: ...").
    label = difference.split(":", 1)[0]
    return {
        "quote": "straight vs curly quotes",
        "dash": "dashes",
        "space": "spaces",
        "no-break space": "no-break spaces",
        "character": "characters",
    }.get(label, label)


@dataclass
class Located:
    quote: str
    matches: list[Match] = field(default_factory=list)
    near: NearMiss | None = None


def find_all(text: str, quote: str) -> list[int]:
    """Every start offset of quote in text, overlapping ones included."""
    if not quote:
        return []
    hits, at = [], text.find(quote)
    while at != -1:
        hits.append(at)
        at = text.find(quote, at + 1)
    return hits


def locate(text: str, quote: str) -> Located:
    result = Located(quote)
    for start in find_all(text, quote):
        end = start + len(quote)
        result.matches.append(
            Match(start, end, text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT])
        )
    if not result.matches and quote:
        result.near = near_miss(text, quote)
    return result


def _fold_char(ch: str) -> str:
    if ch in _INVISIBLE:
        return ""
    if ch in _LOOKALIKES:
        return _LOOKALIKES[ch]
    if ch.isspace():
        return " "
    # Decomposed and case-folded: 'é' and 'e' + U+0301 become the same, and so do 'A' and 'a'.
    return unicodedata.normalize("NFD", ch).casefold()


def _fold(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the offset it came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        if folded == " " and out and out[-1] == " ":
            continue  # a run of spaces, tabs or line ends counts as one space
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


def near_miss(text: str, quote: str) -> NearMiss | None:
    """The nearest span of text to a quote that does not occur in it exactly, or None."""
    folded_text, origin = _fold(text)
    folded_quote, _ = _fold(quote)
    if folded_quote:
        at = folded_text.find(folded_quote)
        if at != -1:
            start = origin[at]
            end = origin[at + len(folded_quote) - 1] + 1
            found = text[start:end]
            return NearMiss(start, end, found, tuple(differences(quote, found, start)), "lookalike")
    return _closest(text, quote)


def _closest(text: str, quote: str, threshold: float = 0.75) -> NearMiss | None:
    """A fuzzy match, for a quote with a typo or a word too many; None below threshold."""
    if len(quote) < 4 or not text:
        return None
    if len(quote) > MAX_FUZZY_QUOTE or len(quote) * len(text) > MAX_FUZZY_WORK:
        return None  # difflib is quadratic: a 10,000-character quote would take half a minute
    matcher = difflib.SequenceMatcher(None, text, quote, autojunk=False)
    best: tuple[float, int, int] | None = None
    # Anchor on the longest common pieces, then score the window of the quote's length there.
    window = difflib.SequenceMatcher(None, "", quote, autojunk=False)  # the quote's index, built once

    def score(s: int, e: int) -> float:
        window.set_seq1(text[s:e])
        return window.ratio()

    # The window aligned on each of the longest common pieces; then, around the best of them,
    # windows a few characters earlier or later, shorter or longer.
    aligned = []
    for block in sorted(matcher.get_matching_blocks(), key=lambda b: -b.size)[:8]:
        if block.size:
            s = min(max(0, block.a - block.b), len(text) - 1)
            e = min(len(text), s + len(quote))
            aligned.append((score(s, e), s, e))
    if aligned:
        best = max(aligned, key=lambda t: (t[0], -t[1]))
        start = best[1]
        for s in range(max(0, start - 3), min(len(text), start + 4)):
            for e in sorted({min(len(text), s + len(quote) + d) for d in (-1, 0, 1)}):
                if e > s and (s, e) != best[1:]:
                    window.set_seq1(text[s:e])
                    if window.quick_ratio() > best[0] and (ratio := window.ratio()) > best[0]:
                        best = (ratio, s, e)
    if best is None:
        return None
    ratio, s, e = _snap_to_words(text, quote, best[1], best[2])
    if ratio < threshold:
        return None
    return NearMiss(s, e, text[s:e], tuple(differences(quote, text[s:e], s)), "closest", ratio)


_CONTROL_NAMES = {"\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\t": "CHARACTER TABULATION"}


def _snap_to_words(text: str, quote: str, s: int, e: int) -> tuple[float, int, int]:
    """Move a fuzzy window's ends to word boundaries where the quote's ends are whole words."""
    starts, ends = {s}, {e}
    if quote[0].isalnum() and 0 < s < len(text) and text[s - 1].isalnum() and text[s].isalnum():
        back = s
        while back > 0 and text[back - 1].isalnum():
            back -= 1
        ahead = s
        while ahead < len(text) and text[ahead].isalnum():
            ahead += 1
        while ahead < len(text) and not text[ahead].isalnum():
            ahead += 1
        starts = {back, ahead}
    if quote[-1].isalnum() and 0 < e < len(text) and text[e - 1].isalnum() and text[e].isalnum():
        ahead = e
        while ahead < len(text) and text[ahead].isalnum():
            ahead += 1
        back = e
        while back > 0 and text[back - 1].isalnum():
            back -= 1
        while back > 0 and not text[back - 1].isalnum():
            back -= 1
        ends = {ahead, back}
    scored = [
        (difflib.SequenceMatcher(None, text[a:b], quote, autojunk=False).ratio(), a, b)
        for a in starts
        for b in ends
        if a < b
    ]
    return max(scored) if scored else (0.0, s, e)


def _name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, _CONTROL_NAMES.get(ch, 'unnamed'))}"


def _show(chars: str) -> str:
    if not chars:
        return "nothing"
    if len(chars) <= 3:
        return " + ".join(f"{c!r} ({_name(c)})" for c in chars)
    return repr(chars)


def _label(a: str, b: str) -> str:
    pair = a + b
    if unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b):
        return "Unicode normalisation (NFC vs NFD)"
    if any(c in "'\"" or _LOOKALIKES.get(c) in ("'", '"') for c in pair):
        return "quote"
    if any(_LOOKALIKES.get(c) == "-" or c == "-" for c in pair):
        return "dash"
    if any(c in _INVISIBLE for c in pair):
        return "invisible character"
    if pair and all(c.isspace() for c in pair):
        return "no-break space" if any(c in "\u00a0\u202f\u2007" for c in pair) else "space"
    if a.casefold() == b.casefold():
        return "letter case"
    if "\u2026" in pair:
        return "ellipsis"
    return "character"


def differences(quote: str, found: str, offset: int, limit: int = 5) -> list[str]:
    """What differs between a quote and the text found, with the text's offsets."""
    out: list[str] = []
    if unicodedata.normalize("NFC", quote) == unicodedata.normalize("NFC", found):
        forms = [
            "NFC"
            if unicodedata.is_normalized("NFC", s)
            else "NFD"
            if unicodedata.is_normalized("NFD", s)
            else "mixed"
            for s in (quote, found)
        ]
        return [
            f"Unicode normalisation: the quote is {forms[0]}, the text is {forms[1]} "
            "(same letters, different code points; copy the quote from the text file)"
        ]
    matcher = difflib.SequenceMatcher(None, quote, found, autojunk=False)
    for op, q1, q2, f1, f2 in matcher.get_opcodes():
        if op == "equal":
            continue
        a, b = quote[q1:q2], found[f1:f2]
        if not a:
            detail = f"the text has {_show(b)} at {offset + f1} that the quote lacks"
        elif not b:
            detail = f"the quote has {_show(a)} that the text lacks at {offset + f1}"
        else:
            detail = f"the quote has {_show(a)} where the text has {_show(b)} at {offset + f1}"
        out.append(f"{_label(a, b)}: {detail}")
        if len(out) == limit:
            out.append("...")
            break
    return out
