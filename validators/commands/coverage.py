"""claimtrail coverage [PATH]: how much of each source the records point into."""

from __future__ import annotations

import json
import sys
from pathlib import Path

NAME = "coverage"
HELP = "share of each source's content covered by pointers; sentences no record points into"
DESCRIPTION = (
    "Report, per source, the share of content (non-boilerplate, non-space) characters covered "
    "by at least one content pointer, and list every content sentence that no record points "
    "into and that is not listed in uncoded.csv. Exit 1 when such a sentence exists."
)


def add_arguments(parser) -> None:
    from claimtrail.commands import READ_PACKAGE_HELP

    parser.add_argument("path", nargs="?", type=Path, help=READ_PACKAGE_HELP)
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args) -> int:
    from claimtrail.commands import EXIT_USAGE
    from claimtrail.package.folder import NoPackage, open_package

    try:
        with open_package(args.path) as package:
            return _report(package, args.format)
    except NoPackage as e:
        print(f"claimtrail: {e}", file=sys.stderr)
        return EXIT_USAGE


def _report(package, format: str) -> int:
    from claimtrail.commands import EXIT_INVALID, EXIT_OK, announce
    from claimtrail.validation.coverage import CoverageError, line_col, measure

    announce(package, "none" if format == "json" else "stdout")
    try:
        results = measure(package.path)
    except CoverageError as e:  # a source that cannot be read: the package is not complete
        print(
            f"claimtrail: coverage: {e}; the coverage cannot be measured (run 'claimtrail validate')",
            file=sys.stderr,
        )
        return EXIT_INVALID
    missing = [(c, s) for c in results for s in c.sentences if s.status == "unaccounted"]
    if format == "json":
        print(
            json.dumps(
                {
                    "sources": [
                        {
                            "source": c.source,
                            "path": c.path,
                            "content_chars": c.content_chars,
                            "covered_chars": c.covered_chars,
                            "share": round(c.share, 4),
                            "sentences": len(c.sentences),
                            "covered": c.count("covered"),
                            "uncoded": c.count("uncoded"),
                            "unaccounted": c.count("unaccounted"),
                        }
                        for c in results
                    ],
                    "unaccounted": [
                        {"source": c.source, "start": s.start, "end": s.end, "text": s.text}
                        for c, s in missing
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for c in results:
            print(
                f"{c.source}: {c.share:.1%} of {c.content_chars} content characters covered; "
                f"{len(c.sentences)} sentences: {c.count('covered')} covered, {c.count('uncoded')} deliberately uncoded, "
                f"{c.count('unaccounted')} unaccounted"
            )
        for c, s in missing:
            line, col = line_col(c.text, s.start)
            print(f"{c.path}:{line}:{col}: uncovered-sentence: {c.source} {s.start}-{s.end}: {s.text!r}")
        total = sum(len(c.sentences) for c in results)
        print(
            f"{'complete' if not missing else 'incomplete'}: {total - len(missing)} of {total} content sentences covered or deliberately uncoded"
        )
    return EXIT_INVALID if missing else EXIT_OK
