"""Values of the records in readable words: dates with their uncertainty, labels, quotes in
their context. Plain text; the templates escape it."""

from __future__ import annotations

from datetime import date

CONTEXT = 60  # code points of text shown on each side of a quote, cut back to a word boundary

PRECISION_WORDS = {
    "day": "day",
    "month": "month",
    "year": "year",
    "range": "range of days",
    "unknown": "unknown",
}
PUBLISHER_WORDS = {
    "stated": "stated in the text",
    "inferred": "inferred from the text",
    "unknown": "the text does not say",
}
BASIS_WORDS = {
    "explicit": "stated in the text",
    "relative_to_article": "relative to the article's date",
    "relative_to_event": "relative to another event's date",
    "inferred": "inferred from context",
    "unknown": "not resolvable",
}


def describe_date(report) -> str:
    """A DateReport as words: '2021-06-27', 'June 2021', '2015', '2021-02-01 to 2021-02-24',
    'by 2021-06-27', 'from 2019-12-01', 'unknown'."""
    if report is None:
        return "unknown"
    earliest, latest = report.earliest, report.latest
    if earliest and latest:
        if earliest == latest:
            return earliest
        first, last = date.fromisoformat(earliest), date.fromisoformat(latest)
        if (
            report.precision == "month"
            and first.day == 1
            and (first.year, first.month) == (last.year, last.month)
        ):
            return first.strftime("%B %Y")
        if report.precision == "year" and first.year == last.year and earliest.endswith("-01-01"):
            return str(first.year)
        return f"{earliest} to {latest}"
    if latest:
        return f"by {latest}"
    if earliest:
        return f"from {earliest}"
    return "unknown"


def in_context(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(before, quote, after): a few words either side of text[start:end]."""
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    if start > CONTEXT and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    if end + CONTEXT < len(text) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return before, text[start:end], after


def short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
