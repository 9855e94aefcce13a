"""claimtrail locate SOURCE WORDS: the offsets of exact words in a source text."""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "locate"
HELP = "print the start/end offsets of exact words in a source text"
DESCRIPTION = (
    "Print start and end (code points, end exclusive) of every occurrence of WORDS in a source text, "
    "with about 20 characters of context either side, and a ready-to-paste pointers.csv row. When the "
    "words do not occur, say so (exit 1) and show the nearest near miss: the same words with curly vs "
    "straight quotes, other dashes or spaces, another Unicode normalisation or letter case, or a typo, "
    "with its offsets and what differs. Exit 0 found, 1 not found, 2 unknown source."
)


def add_arguments(parser) -> None:
    from claimtrail.commands import PACKAGE_HELP

    parser.add_argument("source", help="a source id (src-003) or the path of a UTF-8 text file")
    parser.add_argument("words", help="the exact words, in quotes; '-' reads them from standard input")
    parser.add_argument(
        "--package",
        type=Path,
        default=None,
        help=PACKAGE_HELP.replace("the package folder", "the package folder for source ids", 1),
    )


def _next_pointer_id(root: Path, source_id: str) -> str | None:
    from claimtrail.package.csvio import read_csv

    key = source_id.removeprefix("src-")
    table = read_csv(root / "pointers.csv", "pointers.csv")
    if not table.readable:
        return None
    prefix = f"ptr-{key}-"
    numbers = [
        int(r["id"][len(prefix) :])
        for r in table.rows
        if r.get("id", "").startswith(prefix) and r["id"][len(prefix) :].isdecimal()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _open(args) -> tuple[str, str, Path | None]:
    """(label, text, package root or None) for the SOURCE argument."""
    from claimtrail.curation.tables import (
        CurationError,
        package_folder,
        read_source_text,
        read_table,
        sha256,
        source_rows,
    )
    from claimtrail.files.limits import MAX_SOURCE_BYTES
    from claimtrail.files.safe_open import UnsafeFile, read_regular

    as_file = Path(args.source)
    if not args.source.startswith("src-") and as_file.is_file():
        try:
            data = read_regular(as_file, MAX_SOURCE_BYTES)
        except UnsafeFile as e:
            raise CurationError(f"{as_file}: {e.reason}") from None
        try:
            return str(as_file), data.decode("utf-8"), None
        except UnicodeDecodeError as e:
            raise CurationError(f"{as_file}: not UTF-8 ({e.reason} at byte {e.start})") from None
    package = package_folder(args.package, writing=False)
    root = package.path
    rows = source_rows(read_table(root, "sources"))
    if args.source not in rows:
        import difflib

        close = difflib.get_close_matches(args.source, list(rows), n=3)
        hint = (
            f"; did you mean {', '.join(close)}?"
            if close
            else f"; known sources: {', '.join(sorted(rows)) or 'none'}"
        )
        raise CurationError(f"{args.source}: neither a source id in {root / 'sources.csv'} nor a file{hint}")
    print(package.describe())
    row = rows[args.source].row
    text, data = read_source_text(root, row.get("path", ""))
    if row.get("sha256") != sha256(data):
        print(
            f"claimtrail: warning: {row.get('path')} is not the text that was hashed in sources.csv; "
            "offsets found now may not match the recorded text",
            file=sys.stderr,
        )
    return f"{args.source} ({row.get('path')})", text, root


def run(args) -> int:
    from claimtrail.commands import EXIT_INVALID, EXIT_OK, EXIT_USAGE
    from claimtrail.curation.tables import CurationError, render_row
    from claimtrail.package.locate import locate

    words = sys.stdin.read().removesuffix("\n") if args.words == "-" else args.words
    if not words:
        print("claimtrail: locate: WORDS is empty", file=sys.stderr)
        return EXIT_USAGE
    try:
        label, text, root = _open(args)
    except CurationError as e:
        print(f"claimtrail: {e}", file=sys.stderr)
        return EXIT_USAGE
    found = locate(text, words)
    if found.matches:
        n = len(found.matches)
        print(f"{label}: {n} match{'es' if n != 1 else ''} for {words!r} ({len(words)} code points)")
        for m in found.matches:
            print(f"start={m.start} end={m.end} prefix={m.prefix!r} suffix={m.suffix!r}")
        if n == 1 and root is not None:
            m = found.matches[0]
            pid = _next_pointer_id(root, args.source) or "ptr-..."
            row = render_row([pid, args.source, str(m.start), str(m.end), words, "", ""], "\n").rstrip("\n")
            print(f"pointers.csv row: {row}")
        elif n > 1:
            print(
                "the words occur more than once: quote more of them, or fill prefix/suffix in pointers.csv "
                "so that the pointer can be found again if the text is re-captured"
            )
        return EXIT_OK
    print(f"{label}: not found: {words!r} does not occur in the text")
    near = found.near
    if near is None:
        print("no near miss either: check that this is the right source")
    else:
        kind = (
            "differs only in " + near.categories()
            if near.kind == "lookalike"
            else f"closest text, {near.similarity:.0%} similar"
        )
        print(f"nearest: start={near.start} end={near.end} {near.found!r} ({kind})")
        for difference in near.differences:
            print(f"  {difference}")
        print(
            "copy the words from the text file itself: it is the quote, character for character"
            if near.kind == "lookalike"
            else "if this is the passage, quote it exactly as the text has it"
        )
    return EXIT_INVALID
