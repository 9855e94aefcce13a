"""claimtrail site [PATH] --out DIR: write the static provenance browser of a valid package."""

from __future__ import annotations

import sys
import time
from pathlib import Path

NAME = "site"
HELP = "write a static provenance browser of a valid package (open DIR/index.html)"
DESCRIPTION = (
    "Validate PATH (default: the bundled data) and, only if it is valid, write to --out a static "
    "site: an index with the sources, a timeline of the events and a search box, one page per "
    "source with every pointer highlighted, and one page per event, actor, claim and "
    "discrepancy with each quote in its context. It needs no server and loads nothing from "
    "outside its folder. An existing --out is replaced only if it is empty or an earlier site. "
    "Exit 0 written, 1 invalid package, 2 usage error."
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "path", nargs="?", type=Path, help="folder holding datapackage.json (default: the bundled data)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("build/site"), help="output folder (default: build/site)"
    )


def run(args) -> int:
    from claimtrail.commands import EXIT_INVALID, EXIT_OK, EXIT_USAGE
    from claimtrail.files.bundled import data_dir
    from claimtrail.package.dataset import LoadError, load
    from claimtrail.publish.site.builder import SiteError, read_descriptor, write_site
    from claimtrail.validation.output import render_text
    from claimtrail.validation.validate import UnreadablePackage, validate_package

    path = args.path if args.path is not None else data_dir()
    started = time.perf_counter()
    try:
        report = validate_package(path)
    except UnreadablePackage as e:
        print(f"claimtrail: {e}", file=sys.stderr)
        return EXIT_USAGE
    if report.sorted_problems():
        print(render_text(report, 0.0))
        print(f"claimtrail site: refused: {path} is not valid; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    try:
        site = write_site(load(path), read_descriptor(path), args.out)
    except (SiteError, LoadError, OSError) as e:
        print(f"claimtrail site: {e}", file=sys.stderr)
        return EXIT_USAGE
    seconds = time.perf_counter() - started
    print(
        f"claimtrail site: {site.files} files ({site.bytes / (1 << 20):.1f} MiB) in {args.out} "
        f"in {seconds:.2f} s; open {args.out / 'index.html'}"
    )
    return EXIT_OK
