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
    parser.add_argument(
        "path", nargs="?", type=Path, help="folder holding datapackage.json (default: the bundled data)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args) -> int:
    from claimtrail.commands import EXIT_INVALID, EXIT_OK, EXIT_USAGE
    from claimtrail.files.bundled import data_dir
    from claimtrail.validation.coverage import CoverageError, line_col, measure

    root = args.path if args.path is not None else data_dir()
    if not (root / "datapackage.json").is_file():
        print(f"claimtrail: {root}: no datapackage.json in this folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        results = measure(root)
    except CoverageError as e:
        print(
            f"claimtrail coverage: {root}: {e}; the coverage cannot be measured (run 'claimtrail validate')",
            file=sys.stderr,
        )
        return EXIT_INVALID
    missing = [(c, s) for c in results for s in c.sentences if s.status == "unaccounted"]
    if args.format == "json":
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
