"""A source text as HTML with every pointer and boilerplate span marked, however they overlap.

Spans that nest become nested elements: a pointer is one ``<mark data-pointer="ID">`` whose
text is exactly its quote, with the pointers inside it nested inside it. Two pointers that
overlap without nesting cannot both be one element of an HTML tree: the one that starts later
is closed where the earlier one ends and opened again after it, so it is shown in pieces
(``<mark data-part-of="ID">``, the first piece carrying ``id="ID"`` so that links land on
it). ``Highlighted.split`` names those pointers; the source page gives each of them its full
quote in its entry of the list of highlights. Boilerplate spans are ``<span class="bp">``
elements in the same tree, split the same way if a pointer crosses their edge.

Each mark ends with an empty link to its entry in the list of highlights (``#ref-ID``),
drawn by CSS, so that no character is added to the text of any mark. ``height`` classes say
how many levels of marks a mark holds, so that CSS can draw nested underlines one below the
other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

POINTER, BOILERPLATE = "pointer", "boilerplate"
MAX_HEIGHT = 5  # deeper nesting is drawn like this deep (no source nests deeper so far)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # POINTER or BOILERPLATE
    key: str  # the pointer id, or the kind of boilerplate
    note: str | None = None  # shown as the span's tooltip


@dataclass
class Highlighted:
    html: str
    split: dict[str, int] = field(default_factory=dict)  # pointer id -> number of pieces


def _order(span: Span) -> tuple:
    # Outer first: earlier start, then longer; boilerplate outside a pointer of the same span.
    return (span.start, -span.end, 0 if span.kind == BOILERPLATE else 1, span.key)


def _tokens(length: int, spans: list[Span]) -> list[tuple[str, int, int]]:
    """("text", start, end), ("open", span, 0) and ("close", span, 0) in document order."""
    starting: dict[int, list[int]] = defaultdict(list)
    ending: dict[int, set[int]] = defaultdict(set)
    for i, span in enumerate(spans):
        starting[span.start].append(i)
        ending[span.end].add(i)
    tokens: list[tuple[str, int, int]] = []
    stack: list[int] = []
    position = 0
    for boundary in sorted({0, length, *starting, *ending}):
        if boundary > position:
            tokens.append(("text", position, boundary))
            position = boundary
        reopen: list[int] = []
        closing = ending.get(boundary, set())
        if closing:
            lowest = min(k for k, i in enumerate(stack) if i in closing)
            reopen = [i for i in stack[lowest:] if i not in closing]
            tokens.extend(("close", i, 0) for i in reversed(stack[lowest:]))
            del stack[lowest:]
        # Longest first so that what can nest does; a reopened piece before a new span.
        reopened = set(reopen)
        opening = sorted(
            reopen + starting.get(boundary, []), key=lambda i: (-spans[i].end, i not in reopened, i)
        )
        for i in opening:
            tokens.append(("open", i, 0))
            stack.append(i)
    return tokens


def highlight(text: str, spans: list[Span]) -> Highlighted:
    spans = sorted(spans, key=_order)
    tokens = _tokens(len(text), spans)
    pieces: dict[int, int] = defaultdict(int)
    for kind, i, _ in tokens:
        if kind == "open":
            pieces[i] += 1
    out: list[str] = []
    seen: dict[int, int] = defaultdict(int)
    # For each open element: (span, index of its opening tag in out, its pointer depth, deepest inside)
    open_stack: list[list[int]] = []
    for kind, a, b in tokens:
        if kind == "text":
            out.append(escape(text[a:b], quote=False))
            continue
        span = spans[a]
        if kind == "open":
            seen[a] += 1
            depth = sum(1 for s, *_ in open_stack if spans[s].kind == POINTER)
            open_stack.append([a, len(out), depth, depth])
            out.append("")  # the opening tag, written when the height is known
            continue
        _, at, depth, deepest = open_stack.pop()
        if open_stack:
            open_stack[-1][3] = max(open_stack[-1][3], deepest)
        height = min(deepest - depth, MAX_HEIGHT)
        whole = pieces[a] == 1
        first, last = seen[a] == 1, seen[a] == pieces[a]
        title = f' title="{escape(span.note)}"' if span.note else ""
        if span.kind == BOILERPLATE:
            kind_attr = escape(span.key)
            classes = "bp bp-first" if first else "bp"
            out[at] = f'<span class="{classes}" data-boilerplate="{kind_attr}"{title}>'
            out.append("</span>")
            continue
        pid = escape(span.key)
        if whole:
            out[at] = f'<mark class="hl h{height}" id="{pid}" data-pointer="{pid}"{title}>'
        else:
            ident = f' id="{pid}"' if first else ""
            out[at] = f'<mark class="hl part h{height}"{ident} data-part-of="{pid}"{title}>'
        link = f'<a class="cite" href="#ref-{pid}" aria-label="{pid}: records citing these words"></a>'
        out.append((link if last else "") + "</mark>")
    split = {spans[i].key: n for i, n in sorted(pieces.items()) if n > 1 and spans[i].kind == POINTER}
    return Highlighted("".join(out), split)
