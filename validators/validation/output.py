"""Rendering a validation report: text for people, JSON for programs.

The JSON report is a stable, documented interface (docs/validation-report.md); its
``format_version`` changes when a field is renamed or removed.
"""

from __future__ import annotations

import json

from claimtrail.contract.problems import Problem, Report

JSON_FORMAT_VERSION = 1
RECORD_LABELS = (
    ("source", "sources"),
    ("pointer", "pointers"),
    ("actor", "actors"),
    ("event", "events"),
    ("claim", "claims"),
    ("discrepancy", "discrepancies"),
    ("uncoded", "uncoded spans"),
    ("tombstone", "tombstones"),
)


def counts_line(report: Report) -> str:
    return ", ".join(f"{report.counts.get(k, 0)} {label}" for k, label in RECORD_LABELS)


def counts_sentence(report: Report) -> str:
    """The counts as prose ('5 sources, …, 1 uncoded span and 0 tombstones'), for the README."""
    parts = []
    for key, label in RECORD_LABELS:
        n = report.counts.get(key, 0)
        if n == 1:
            label = {"discrepancies": "discrepancy", "uncoded spans": "uncoded span"}.get(label, label[:-1])
        parts.append(f"{n} {label}")
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def detail(p: Problem) -> str:
    """The message with field, expected, found and fix: everything but the location and check."""
    line = p.message
    if p.field and p.field not in p.message:
        line += f" [field {p.field}]"
    if p.expected is not None or p.found is not None:
        line += f" (expected {p.expected!r}, found {p.found!r})"
    if p.fix:
        line += f"; fix: {p.fix}"
    return line


def render_text(report: Report, seconds: float) -> str:
    problems = report.sorted_problems()
    lines = [f"{p.location}: {p.check}: {detail(p)}" for p in problems]
    if problems:
        by_check = ", ".join(f"{n} {c}" for c, n in report.by_check().items())
        lines.append(
            f"invalid: {len(problems)} problem{'s' if len(problems) != 1 else ''} in {report.package} ({by_check})"
        )
    else:
        lines.append(f"valid: {report.package}: {counts_line(report)}; checked in {seconds:.2f} s")
    return "\n".join(lines)


def render_json(report: Report, seconds: float) -> str:
    problems = report.sorted_problems()
    return json.dumps(
        {
            "format_version": JSON_FORMAT_VERSION,
            "package": report.package,
            "valid": not problems,
            "steps": report.steps,
            "records": {k: report.counts.get(k, 0) for k, _ in RECORD_LABELS},
            "summary": {
                "problems": len(problems),
                "by_check": report.by_check(),
                "seconds": round(seconds, 3),
            },
            "problems": [p.as_dict() for p in problems],
        },
        indent=2,
        ensure_ascii=False,
    )
