"""claimtrail dictionary [--out FILE] [--check]: the data dictionary, generated from the schemas."""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "dictionary"
HELP = "write the data dictionary (Markdown) generated from the JSON Schemas"
DESCRIPTION = (
    "Print the data dictionary (every table and column, with types, constraints and "
    "descriptions) generated from the JSON Schemas, or write it to --out. With --check, write "
    "nothing and exit 1 when --out is not what would be generated (e.g. docs/data-dictionary.md)."
)


def add_arguments(parser) -> None:
    parser.add_argument("--out", type=Path, help="file to write (default: print to standard output)")
    parser.add_argument(
        "--check", action="store_true", help="only report whether --out is up to date (exit 1 if not)"
    )


def run(args) -> int:
    from claimtrail.commands import EXIT_OK, EXIT_USAGE
    from claimtrail.contract.dictionary import render_dictionary
    from claimtrail.contract.generated_file import update

    text = render_dictionary()
    if args.out is None:
        if args.check:
            print("claimtrail dictionary: --check needs --out FILE, the file to compare", file=sys.stderr)
            return EXIT_USAGE
        sys.stdout.write(text)
        return EXIT_OK
    current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
    return update(args.out, current, text, args.check, f"claimtrail dictionary --out {args.out}")
