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
    from claimtrail.commands import PACKAGE_HELP

    parser.add_argument(
        "path", nargs="?", type=Path, help=PACKAGE_HELP.replace("; else the copy bundled with claimtrail", "")
    )
    parser.add_argument(
        "--check", action="store_true", help="only report whether it is up to date (exit 1 if not)"
    )


def run(args) -> int:
    from claimtrail.commands import EXIT_INVALID, EXIT_USAGE, announce
    from claimtrail.contract.descriptor import DESCRIPTOR, DescriptorError, regenerate
    from claimtrail.contract.generated_file import update
    from claimtrail.package.folder import NoPackage, find_package

    try:
        # Regenerating writes: never the bundled copy, which is not the curators'.
        package = find_package(args.path, writing=not args.check)
    except NoPackage as e:
        print(f"claimtrail: {e}", file=sys.stderr)
        return EXIT_USAGE
    announce(package)
    target = Path(package.label) / DESCRIPTOR  # as the user knows it: relative when below
    try:
        current, fresh = regenerate(package.path)
    except DescriptorError as e:
        print(f"claimtrail: {e}", file=sys.stderr)
        return EXIT_INVALID
    return update(target, current, fresh, args.check, f"claimtrail descriptor {package.label}")
