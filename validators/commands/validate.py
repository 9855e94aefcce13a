"""claimtrail validate [PATH]: validate a package folder or release zip."""

from __future__ import annotations

import sys
import time
from pathlib import Path

NAME = "validate"
HELP = "validate a package (a folder or a release zip)"
DESCRIPTION = (
    "Validate a claimtrail data package, in order: the descriptor, every table (frictionless), "
    "every assembled record (JSON Schema), then pointers against their source texts, dates, "
    "counts and ids, and last, when nothing else is wrong, that every content sentence of every "
    "source is covered by a record or listed in uncoded.csv. The package is PATH if given (a folder "
    "or a release zip); else the data/ folder of the checkout you are in; else the bundled copy. "
    "Exit 0 valid, 1 invalid, 2 usage error or unreadable package."
)


def add_arguments(parser) -> None:
    from claimtrail.commands import READ_PACKAGE_HELP

    parser.add_argument("path", nargs="?", type=Path, help=READ_PACKAGE_HELP)
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="report format: text, json (docs/validation-report.md) or github (workflow commands "
        "for annotations, plus a table appended to $GITHUB_STEP_SUMMARY when set); default: text",
    )
    parser.add_argument(
        "--engine",
        choices=("fast", "frictionless"),
        default="fast",
        help="fast: polars and jsonschema-rs, the same verdicts in a fraction of the time; "
        "frictionless: the reference implementation (default: fast)",
    )


def run(args) -> int:
    from claimtrail.commands import EXIT_INVALID, EXIT_OK, announce
    from claimtrail.package.folder import NoPackage, open_package
    from claimtrail.validation.fast.memory import small_heap
    from claimtrail.validation.progress import Progress

    started = time.perf_counter()
    progress = Progress()
    try:
        with open_package(args.path) as package:
            small_heap(package.path)  # before polars is loaded, which the import below does
            from claimtrail.validation.validate import UnreadablePackage, validate_package

            announce(package, "none" if args.format == "json" else "stdout")
            try:
                report = validate_package(
                    package.path, engine=args.engine, progress=progress, label=package.label
                )
            except UnreadablePackage as e:
                return _usage_error(progress, e)
    except NoPackage as e:
        return _usage_error(progress, e)
    seconds = time.perf_counter() - started
    progress.done()
    from claimtrail.validation.output import render_json, render_text

    if args.format == "github":
        from claimtrail.validation.github_report import append_step_summary, render_github

        print(render_github(report, seconds))
        trouble = append_step_summary(report)
        if trouble:
            print(f"::warning title=step summary::{trouble}")
    else:
        print(render_json(report, seconds) if args.format == "json" else render_text(report, seconds))
    return EXIT_OK if not report.sorted_problems() else EXIT_INVALID


def _usage_error(progress, error: Exception) -> int:
    from claimtrail.commands import EXIT_USAGE

    progress.done()
    print(f"claimtrail: {error}", file=sys.stderr)
    return EXIT_USAGE
