"""claimtrail fix [PATH]: propose (and with --write, make) the repairs that need no judgement."""

from __future__ import annotations

import os
import sys
from pathlib import Path

NAME = "fix"
HELP = (
    "propose safe repairs as a diff (pointer offsets, source sizes, a stale descriptor); --write applies them"
)
DESCRIPTION = (
    "Print, as a unified diff on standard output, the repairs that need no judgement: a pointer whose "
    "quote occurs exactly once in its source gets that start/end; bytes and length of a source whose "
    "text still has its recorded hash are corrected; a stale datapackage.json is regenerated. A source "
    "text that changed after it was hashed is only accepted with --sources, with a warning that every "
    "pointer into it must be re-checked. Quotes that occur nowhere or more than once are listed, not "
    "changed. Nothing is written without --write (each file is then replaced atomically). The diff "
    "applies with 'git apply' from the current folder. Then the package is validated as it would be "
    "after the repairs, and every problem left for a curator is listed. Exit 0 nothing left to do, 1 "
    "repairs proposed or problems left for a curator, 2 the package cannot be read."
)


def add_arguments(parser) -> None:
    from claimtrail.commands import PACKAGE_HELP

    parser.add_argument("path", nargs="?", type=Path, default=None, help=PACKAGE_HELP)
    parser.add_argument(
        "--write", action="store_true", help="apply the repairs (atomic replace of each file)"
    )
    parser.add_argument(
        "--sources",
        action="store_true",
        help="accept re-captured source texts: update their sha256, bytes and length "
        "(every pointer into them must then be re-checked)",
    )


def _shown(root: Path) -> str:
    relative = os.path.relpath(root.absolute(), Path.cwd())
    return relative if not relative.startswith("..") else str(root.absolute())


def run(args) -> int:
    from claimtrail.commands import EXIT_INVALID, EXIT_OK, EXIT_USAGE, announce
    from claimtrail.curation.fixes import plan_fixes, remaining_problems, unified_diff, write
    from claimtrail.curation.tables import CurationError, package_folder
    from claimtrail.validation.output import detail

    try:
        package = package_folder(args.path, writing=True)
        announce(package, "stderr")  # standard output is the diff
        root = Path(package.label)  # as the user knows it: relative when below
        plan = plan_fixes(root, accept_sources=args.sources)
        left = remaining_problems(plan, package.label)
    except CurationError as e:
        print(f"claimtrail: fix: {e}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(unified_diff(plan, _shown(root)))
    for line in plan.warnings:
        print(f"warning: {line}", file=sys.stderr)
    for line in plan.repairs:
        print(f"{'repaired' if args.write else 'proposed'}: {line}", file=sys.stderr)
    for line in plan.unresolved:
        print(f"not repaired: {line}", file=sys.stderr)
    if args.write and plan.changes:
        try:
            for name in write(plan):
                print(f"wrote {name}", file=sys.stderr)
        except (CurationError, OSError) as e:
            print(f"claimtrail: fix: {e}", file=sys.stderr)
            return EXIT_USAGE
    elif plan.changes:
        again = (
            "claimtrail fix" + (f" {args.path}" if args.path else "") + (" --sources" if args.sources else "")
        )
        print(
            f"{len(plan.repairs)} repair{'s' if len(plan.repairs) != 1 else ''} proposed; nothing written. "
            f"Apply with: {again} --write",
            file=sys.stderr,
        )
    if left:
        n = len(left)
        print(
            f"left for a curator after {'these' if plan.changes else 'no'} repairs: "
            f"{n} problem{'s' if n != 1 else ''} 'fix' cannot repair:",
            file=sys.stderr,
        )
        for p in left:
            print(f"  {p.location}: {p.check}: {detail(p)}", file=sys.stderr)
    elif not plan.changes and not plan.unresolved:
        print(f"nothing to repair in {package.label}: it is valid", file=sys.stderr)
    if left or plan.unresolved or (plan.changes and not args.write):
        return EXIT_INVALID
    return EXIT_OK
