"""claimtrail descriptor PATH: regenerate datapackage.json's resources."""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "descriptor"
HELP = "regenerate datapackage.json's resources from the schemas and files"
DESCRIPTION = (
    "Regenerate the resources of PATH/datapackage.json: table schemas derived from the JSON "
    "Schemas, hashes and sizes of the tables, one resource per source text. Package metadata "
    "(title, version, licences, contributors) is kept as it is."
)


def add_arguments(parser) -> None:
    parser.add_argument("path", type=Path, help="folder holding datapackage.json")
    parser.add_argument(
        "--check", action="store_true", help="only report whether it is up to date (exit 1 if not)"
    )


def run(args) -> int:
    from claimtrail.commands import EXIT_INVALID, EXIT_USAGE
    from claimtrail.contract.descriptor import DESCRIPTOR, DescriptorError, regenerate
    from claimtrail.contract.generated_file import update

    target = args.path / DESCRIPTOR
    if not target.is_file():
        print(f"claimtrail: {target}: no such file", file=sys.stderr)
        return EXIT_USAGE
    try:
        current, fresh = regenerate(args.path)
    except DescriptorError as e:
        print(f"claimtrail: {e}", file=sys.stderr)
        return EXIT_INVALID
    return update(target, current, fresh, args.check, f"claimtrail descriptor {args.path}")
