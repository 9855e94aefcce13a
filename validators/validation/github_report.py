"""The validation report for GitHub Actions: workflow commands and a step summary.

Each problem becomes an ``::error`` workflow command, which GitHub shows as an annotation on
the file and line of the pull request. GitHub shows only the first ten annotations of a step,
so the full list is also appended, as a Markdown table, to the file named by
$GITHUB_STEP_SUMMARY when it is set.
"""

from __future__ import annotations

import os
from pathlib import Path

from claimtrail.contract.problems import Problem, Report
from claimtrail.validation.output import counts_line, detail

SUMMARY_CELL = 400  # characters of one table cell; the step summary is limited to 1 MiB


def escape_data(text: str) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts (escapeData)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    # (escapeProperty): a property value also may not hold ':' or ','.
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def repository_path(package: str, path: str, workspace: str | None = None) -> str:
    """A problem's file relative to the repository (the workspace), as annotations need it."""
    base = os.path.abspath(workspace or os.environ.get("GITHUB_WORKSPACE") or os.getcwd())
    full = os.path.abspath(os.path.join(package, path))
    relative = os.path.relpath(full, base)
    return Path(relative).as_posix() if not relative.startswith("..") else Path(full).as_posix()


def command(p: Problem, package: str, workspace: str | None = None) -> str:
    properties = [f"file={escape_property(repository_path(package, p.path, workspace))}"]
    if p.line is not None:
        properties.append(f"line={p.line}")
        if p.column is not None:
            properties.append(f"col={p.column}")
    properties.append(f"title={escape_property(p.check)}")
    return f"::error {','.join(properties)}::{escape_data(detail(p))}"


def render_github(report: Report, seconds: float, workspace: str | None = None) -> str:
    problems = report.sorted_problems()
    lines = [command(p, report.package, workspace) for p in problems]
    if problems:
        lines.append(
            f"invalid: {len(problems)} problem{'s' if len(problems) != 1 else ''} in {report.package}"
            + (
                " (GitHub shows the first 10 annotations; the step summary lists all)"
                if len(problems) > 10
                else ""
            )
        )
    else:
        lines.append(f"valid: {report.package}: {counts_line(report)}; checked in {seconds:.2f} s")
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if len(text) > SUMMARY_CELL:
        text = text[: SUMMARY_CELL - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def summary_markdown(report: Report, workspace: str | None = None) -> str:
    problems = report.sorted_problems()
    if not problems:
        return f"### claimtrail validate: valid\n\n`{report.package}`: {counts_line(report)}\n\n"
    head = [
        f"### claimtrail validate: {len(problems)} problem{'s' if len(problems) != 1 else ''} in `{report.package}`",
        "",
        "| Location | Check | Field | Problem | Expected | Found | Fix |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = []
    for p in problems:
        where = repository_path(report.package, p.path, workspace)
        if p.line is not None:
            where += f":{p.line}" + (f":{p.column}" if p.column is not None else "")
        rows.append(
            "| "
            + " | ".join(_cell(v) for v in (where, p.check, p.field, p.message, p.expected, p.found, p.fix))
            + " |"
        )
    return "\n".join(head + rows) + "\n\n"


def append_step_summary(report: Report, workspace: str | None = None) -> str | None:
    """Append the table to $GITHUB_STEP_SUMMARY when set; returns why it could not, if it could not."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    try:
        with open(target, "a", encoding="utf-8") as f:
            f.write(summary_markdown(report, workspace))
    except OSError as e:
        return f"cannot append to $GITHUB_STEP_SUMMARY ({target}): {e.strerror or e}"
    return None
