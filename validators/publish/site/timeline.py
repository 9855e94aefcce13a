"""The events on a timeline: a static SVG, one row per event, its bar from the earliest to the
latest date it can have, so that uncertainty shows as length.

Rows follow the operations: a parent is followed by its parts, indented and grouped on a
shaded band. The fill says the precision (day, month, year, range); a bound the sources leave
open fades out towards the edge of the axis. Events with no date at all are listed below the
chart by the index page, not drawn. Each row links to the event's page.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from html import escape
from typing import Any

ROW, TOP, LABEL, PLOT, RIGHT = 22, 34, 360, 560, 110
WIDTH = LABEL + PLOT + RIGHT
COLOURS = {"day": "#1b4f8a", "month": "#3f7fbf", "year": "#7aa6d6", "range": "#a9c4e4", "unknown": "#bbbbbb"}
LEGEND = (("day", "a day"), ("month", "a month"), ("year", "a year"), ("range", "a range of days"))


def _ordinal(value: str | None) -> int | None:
    return date.fromisoformat(value).toordinal() if value else None


def _rows(events) -> list[tuple[Any, int, int]]:
    """(event, depth, group) in display order: each parent, then its parts, depth first."""
    ids = {e.id for e in events}
    children = defaultdict(list)
    for e in events:
        children[e.parent if e.parent in ids else None].append(e)

    def key(e):
        return (e.date.earliest or e.date.latest or "9999", e.date.latest or "9999", e.id)

    rows: list[tuple[Any, int, int]] = []

    def walk(e, depth: int, group: int) -> None:
        rows.append((e, depth, group))
        for child in sorted(children.get(e.id, []), key=key):
            walk(child, depth + 1, group)

    for n, e in enumerate(sorted(children[None], key=key)):
        walk(e, 0, n)
    return rows


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def dated(event) -> bool:
    return bool(event.date.earliest or event.date.latest)


def timeline_svg(events, href, describe_date) -> str:
    """The SVG markup. ``href(id)`` is the link to an event's page, ``describe_date(report)``
    its date in words (both from the page that embeds the chart)."""
    rows = [r for r in _rows(events) if dated(r[0])]
    bounds = [d for e, *_ in rows for d in (_ordinal(e.date.earliest), _ordinal(e.date.latest)) if d]
    if not rows:
        return ""
    first = date(date.fromordinal(min(bounds)).year, 1, 1).toordinal()
    last = date(date.fromordinal(max(bounds)).year + 1, 1, 1).toordinal()

    def x(day: int) -> float:
        return LABEL + (day - first) / (last - first) * PLOT

    height = TOP + ROW * len(rows) + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="timeline-title">',
        '<title id="timeline-title">Events on a timeline, each a bar from its earliest to its latest date</title>',
        "<defs>",
        '<linearGradient id="open-start"><stop offset="0" stop-opacity="0" stop-color="#3f7fbf"/>'
        '<stop offset="1" stop-color="#3f7fbf"/></linearGradient>',
        '<linearGradient id="open-end"><stop offset="0" stop-color="#3f7fbf"/>'
        '<stop offset="1" stop-opacity="0" stop-color="#3f7fbf"/></linearGradient>',
        "</defs>",
    ]
    # Groups: a band behind each operation and its parts.
    spans: dict[int, list[int]] = defaultdict(list)
    for n, (_, _, group) in enumerate(rows):
        spans[group].append(n)
    for members in spans.values():
        if len(members) > 1:
            y = TOP + ROW * members[0]
            out.append(
                f'<rect class="group" x="0" y="{y}" width="{WIDTH}" height="{ROW * len(members)}" fill="#f1ede4"/>'
            )
    for year in range(date.fromordinal(first).year, date.fromordinal(last).year + 1):
        gx = x(date(year, 1, 1).toordinal())
        out.append(
            f'<line x1="{gx:.1f}" y1="{TOP - 8}" x2="{gx:.1f}" y2="{TOP + ROW * len(rows)}" stroke="#c8c8c8"/>'
            f'<text x="{gx + 2:.1f}" y="{TOP - 12}" font-size="11" fill="#333">{year}</text>'
        )
    for n, (event, depth, _) in enumerate(rows):
        y = TOP + ROW * n
        start, end = _ordinal(event.date.earliest), _ordinal(event.date.latest)
        x1 = x(start) if start is not None else LABEL
        x2 = x(end + 1) if end is not None else LABEL + PLOT
        precision = event.date.precision
        fill = COLOURS.get(precision, COLOURS["unknown"])
        if start is None:
            fill = "url(#open-start)"
        elif end is None:
            fill = "url(#open-end)"
        when = escape(describe_date(event.date))
        label = escape(_short(event.summary, 58 - 3 * depth))
        out.append(
            f'<a href="{escape(href(event.id))}"><title>{escape(event.summary)} ({when})</title>'
            f'<text x="{6 + 14 * depth}" y="{y + 15}" font-size="12" fill="#111">{"↳ " if depth else ""}{label}</text>'
            f'<rect x="{x1:.1f}" y="{y + 5}" width="{max(x2 - x1, 3):.1f}" height="{ROW - 10}" rx="2" '
            f'fill="{fill}" stroke="#1b3a5c" stroke-width="0.5" data-precision="{escape(precision)}"/>'
            f'<text x="{min(x2, LABEL + PLOT) + 4:.1f}" y="{y + 15}" font-size="10" fill="#333">{when}</text></a>'
        )
    y = TOP + ROW * len(rows) + 22
    lx = 6
    out.append(f'<text x="{lx}" y="{y}" font-size="11" fill="#111">Precision:</text>')
    lx += 62
    for precision, words in LEGEND + (("open", "open-ended"),):
        fill = "url(#open-end)" if precision == "open" else COLOURS[precision]
        out.append(
            f'<rect x="{lx}" y="{y - 10}" width="22" height="12" fill="{fill}" stroke="#1b3a5c" stroke-width="0.5"/>'
            f'<text x="{lx + 26}" y="{y}" font-size="11" fill="#111">{words}</text>'
        )
        lx += 34 + 7 * len(words)
    out.append("</svg>")
    return "\n".join(out)
