"""claimtrail add-source FILE: vendor a new source text into a package."""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "add-source"
HELP = "copy a new source text into the package and add its sources.csv row"
DESCRIPTION = (
    "Copy FILE byte for byte into PATH/sources/ (never over a different file of the same name; "
    "never an empty or non-UTF-8 file), append its row to sources.csv with sha256, bytes and length "
    "in code points, and regenerate datapackage.json. Publisher and publication date start as "
    "unknown: the command prints what the curator fills in next. Exit 0 added, 2 refused."
)


def add_arguments(parser) -> None:
    parser.add_argument("file", type=Path, help="the text as received, UTF-8")
    from claimtrail.commands import PACKAGE_HELP

    parser.add_argument(
        "--package",
        type=Path,
        default=None,
        help=PACKAGE_HELP.replace("; else the copy bundled with claimtrail", ""),
    )
    parser.add_argument("--id", default=None, help="source id (default: the next src-NNN)")
    parser.add_argument("--name", default=None, help="file name inside sources/ (default: FILE's name)")
    parser.add_argument("--publisher", default=None, help="publisher's name, as the text states it")
    parser.add_argument(
        "--publisher-basis",
        choices=("stated", "inferred", "unknown"),
        default="unknown",
        help="how the publisher is known (default: unknown)",
    )
    parser.add_argument(
        "--published", default=None, metavar="YYYY-MM-DD", help="publication day, if the text gives it"
    )
    parser.add_argument(
        "--published-basis",
        default="unknown",
        choices=("explicit", "relative_to_article", "relative_to_event", "inferred", "unknown"),
        help="how the publication date is known (default: unknown)",
    )
    parser.add_argument("--headline", default=None, help="the headline exactly as in the text")
    parser.add_argument("--language", default="en", help="BCP 47 language tag (default: en)")


def run(args) -> int:
    from claimtrail.commands import EXIT_OK, EXIT_USAGE, announce
    from claimtrail.curation.add_source import SourceOptions, add_source
    from claimtrail.curation.tables import CurationError, package_folder

    options = SourceOptions(
        id=args.id,
        name=args.name,
        publisher=args.publisher,
        publisher_basis=args.publisher_basis,
        published=args.published,
        published_basis=args.published_basis,
        headline=args.headline,
        language=args.language,
    )
    try:
        package = package_folder(args.package, writing=True)
        announce(package)
        root = Path(package.label)
        added = add_source(root, args.file, options)
    except CurationError as e:
        print(f"claimtrail: add-source: {e}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:
        print(f"claimtrail: add-source: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return EXIT_USAGE
    target = root / added.path
    if added.copied:
        print(f"copied {args.file} to {target} ({added.bytes} bytes, {added.length} code points)")
    else:
        print(f"{target} already holds exactly this text; not copied again")
    print(f"added {added.id} to {root / 'sources.csv'} line {added.line} (sha256 {added.sha256})")
    for note in added.notes:
        print(f"note: {note}")
    if added.descriptor is None:
        print(f"regenerated {root / 'datapackage.json'}")
    else:
        print(
            f"datapackage.json NOT regenerated ({added.descriptor}); fix the package, then run "
            f"'claimtrail descriptor {root}'"
        )
    print(f"""
next, in {root / "sources.csv"} line {added.line}:
  - publisher_name, publisher_basis (stated/inferred/unknown), publisher_evidence and publisher_pointer
    (a pointer to the words that name the publisher), if the text says who published it;
  - published_earliest/latest/precision/basis and published_pointer (the words giving the date);
  - headline, exactly as in the text, if it has one; language if not {options.language}.
then find the words each record rests on:
  claimtrail locate {added.id} "exact words" --package {root}
add the pointer rows to pointers.csv, and boilerplate spans (navigation, captions, ...) to
source_boilerplate.csv; then run
  claimtrail descriptor {root}
  claimtrail validate {root}""")
    return EXIT_OK
