"""claimtrail descriptor PATH: regenerate datapackage.json's resources."""
from __future__ import annotations

import sys
from pathlib import Path

NAME = "descriptor"
HELP = "regenerate datapackage.json's resources from the schemas and files"
DESCRIPTION = ("Regenerate the resources of PATH/datapackage.json: table schemas derived from the JSON "
               "Schemas, hashes and sizes of the tables, one resource per source text. Package metadata "
               "(title, version, licences, contributors) is kept as it is.")


def add_arguments(parser) -> None:
    parser.add_argument("path", type=Path, help="folder holding datapackage.json")
    parser.add_argument("--check", action="store_true", help="only report whether it is up to date (exit 1 if not)")


def run(args) -> int:
    from ..cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE
    from ..descriptor import DESCRIPTOR, DescriptorError, regenerate

    target = args.path / DESCRIPTOR
    if not target.is_file():
        print(f"claimtrail: {target}: no such file", file=sys.stderr)
        return EXIT_USAGE
    try:
        current, fresh = regenerate(args.path)
    except DescriptorError as e:
        print(f"claimtrail: {e}", file=sys.stderr)
        return EXIT_INVALID
    if args.check:
        if current != fresh:
            print(f"{target}: out of date; run 'claimtrail descriptor {args.path}'")
            return EXIT_INVALID
        print(f"{target}: up to date")
        return EXIT_OK
    if current == fresh:
        print(f"{target}: already up to date")
        return EXIT_OK
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(fresh, encoding="utf-8")
    tmp.replace(target)
    print(f"{target}: regenerated")
    return EXIT_OK
