"""claimtrail diff OLD NEW: records and schema changes between two releases, and the bump they need."""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "diff"
HELP = "compare two releases (zips or package folders): records, schema, required version bump"
DESCRIPTION = (
    "List the records added, removed (with or without a tombstone) and changed field by field, "
    "by id and record type, and the table schema changes between OLD and NEW (release zips or "
    "package folders); then the version bump they require (major: schema break or a record "
    "removed without a tombstone; minor: new records or fields; patch: corrections) against the "
    "one the versions declare. --changelog prints a Keep a Changelog draft instead. NEW defaults "
    "to the package of the checkout you are in (else the bundled copy). With --check, exit 1 when "
    "the declared bump is smaller than the changes require (for a release pipeline). "
    "Exit 0 compared (and, with --check, bump enough), 1 bump too small under --check, "
    "2 usage error or unreadable input."
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "old", type=Path, help="the earlier release: a claimtrail-data-*.zip or a package folder"
    )
    parser.add_argument(
        "new",
        type=Path,
        nargs="?",
        help="the later release: a claimtrail-data-*.zip or a package folder (default: the data/ "
        "folder of the checkout you are in, else the bundled copy)",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format (default: text)"
    )
    parser.add_argument(
        "--changelog", action="store_true", help="print a Keep a Changelog draft of the new version"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when the declared version bump is smaller than the changes require",
    )


def run(args) -> int:
    from claimtrail.commands import EXIT_INVALID, EXIT_OK, EXIT_USAGE
    from claimtrail.package.folder import NoPackage, find_package
    from claimtrail.publish.diff import DiffError, diff_paths, render_changelog, render_json, render_text

    try:
        new = args.new if args.new is not None else find_package(None).path
        diff = diff_paths(args.old, new)
    except (DiffError, NoPackage) as e:
        print(f"claimtrail diff: {e}", file=sys.stderr)
        return EXIT_USAGE
    if args.changelog:
        sys.stdout.write(render_changelog(diff))
    else:
        print(render_json(diff) if args.format == "json" else render_text(diff))
    if args.check and not diff.bump_enough:
        print(
            f"claimtrail diff: the declared bump ({diff.declared}: {diff.old.version} -> {diff.new.version}) "
            f"is smaller than the changes require ({diff.needed}); the next version should be "
            f"{diff.next_version()}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    return EXIT_OK
