"""claimtrail release [PATH] [--out dist]: build the release artifacts of a valid package."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

NAME = "release"
HELP = "build the release artifacts (data zip, checksums, wheel, sdist) of a valid package"
DESCRIPTION = (
    "Validate the package (PATH; else the data/ folder of the checkout you are in; else the "
    "bundled copy) and, only if it is valid, write to --out: "
    "claimtrail-data-<version>.zip (tables, descriptor, source texts, JSON Schemas, records.json, "
    "JSON Lines, SQLite, spreadsheet-safe CSVs, data dictionary, SHA256SUMS), the wheel and sdist, "
    "and SHA256SUMS for them. Builds are reproducible (set SOURCE_DATE_EPOCH to choose the "
    "timestamp) and every file appears complete or not at all. Exit 0 built, 1 invalid package, "
    "2 usage error."
)


def add_arguments(parser) -> None:
    from claimtrail.commands import PACKAGE_HELP

    parser.add_argument("path", nargs="?", type=Path, help=PACKAGE_HELP)
    parser.add_argument("--out", type=Path, default=Path("dist"), help="output folder (default: dist)")
    parser.add_argument(
        "--no-python-dist",
        dest="python_dist",
        action="store_false",
        help="skip the wheel and sdist (they need the 'release' extra: pip install 'claimtrail[release]')",
    )


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n < 1 << 20 else f"{n / (1 << 20):.1f} MiB"


def run(args) -> int:
    from claimtrail.commands import EXIT_INVALID, EXIT_OK, EXIT_USAGE, announce
    from claimtrail.package.folder import NoPackage, find_package
    from claimtrail.publish.release import ReleaseError, ReleaseRefused, build_release
    from claimtrail.validation.output import render_text
    from claimtrail.validation.validate import UnreadablePackage

    try:
        package = find_package(args.path)
    except NoPackage as e:
        print(f"claimtrail: {e}", file=sys.stderr)
        return EXIT_USAGE
    announce(package)
    path = package.path

    def terminated(signum, frame):  # a CI timeout: clean up as for Ctrl-C
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        release = build_release(path, args.out, python_dist=args.python_dist)
    except UnreadablePackage as e:
        print(f"claimtrail: {e}", file=sys.stderr)
        return EXIT_USAGE
    except ReleaseRefused as e:
        print(render_text(e.report, 0.0))
        print(f"claimtrail release: refused: {path} is not valid; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except (ReleaseError, OSError) as e:
        print(f"claimtrail release: {e}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(f"claimtrail release {release.version}: {len(release.members)} files in {release.zip_path.name}")
    for p in release.files:
        print(f"  {p}  {_size(p.stat().st_size)}")
    timing = ", ".join(f"{k} {v:.2f} s" for k, v in release.seconds.items())
    print(
        f"built in {sum(release.seconds.values()):.2f} s ({timing}); check with: cd {args.out} && sha256sum -c SHA256SUMS"
    )
    return EXIT_OK
