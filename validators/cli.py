"""The ``claimtrail`` command.

Exit codes: 0 valid (or done), 1 invalid, 2 usage error or unreadable package. No input
produces a traceback: an unexpected error is reported as one line and exit 2.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="claimtrail",
        description="Event, actor and claim records with provenance pointers into their source texts.",
    )
    parser.add_argument("--version", action="version", version=f"claimtrail {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    v = sub.add_parser("validate", help="validate a package (default: the bundled data)",
                       description="Validate a claimtrail data package: descriptor, tables (frictionless), "
                                   "record schemas, then pointers, dates, counts and ids.")
    v.add_argument("path", nargs="?", type=Path, help="folder holding datapackage.json (default: the bundled data)")
    v.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")

    d = sub.add_parser("descriptor", help="regenerate datapackage.json's resources from the schemas and files",
                       description="Regenerate the resources of PATH/datapackage.json (table schemas derived from "
                                   "the JSON Schemas, hashes and sizes); package metadata is kept.")
    d.add_argument("path", type=Path, help="folder holding datapackage.json")
    d.add_argument("--check", action="store_true", help="only report whether the descriptor is up to date (exit 1 if not)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on usage errors and 0 for --help
        return int(e.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("claimtrail: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a last resort: report, never a traceback
        print(f"claimtrail: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        return EXIT_USAGE


def cmd_validate(args) -> int:
    from .bundled import data_dir
    from .output import render_json, render_text
    from .validate import UnreadablePackage, validate_package

    path = args.path if args.path is not None else data_dir()
    started = time.perf_counter()
    try:
        report = validate_package(path)
    except UnreadablePackage as e:
        print(f"claimtrail: {e}", file=sys.stderr)
        return EXIT_USAGE
    seconds = time.perf_counter() - started
    print(render_json(report, seconds) if args.format == "json" else render_text(report, seconds))
    return EXIT_OK if not report.sorted_problems() else EXIT_INVALID


def cmd_descriptor(args) -> int:
    from .descriptor import DESCRIPTOR, regenerate

    target = args.path / DESCRIPTOR
    if not target.is_file():
        print(f"claimtrail: {target}: no such file", file=sys.stderr)
        return EXIT_USAGE
    current, fresh = regenerate(args.path)
    if args.check:
        if current != fresh:
            print(f"{target}: out of date; run 'claimtrail descriptor {args.path}'")
            return EXIT_INVALID
        print(f"{target}: up to date")
        return EXIT_OK
    if current != fresh:
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(fresh, encoding="utf-8")
        tmp.replace(target)
        print(f"{target}: regenerated")
    else:
        print(f"{target}: already up to date")
    return EXIT_OK


COMMANDS = {"validate": cmd_validate, "descriptor": cmd_descriptor}


if __name__ == "__main__":
    sys.exit(main())
