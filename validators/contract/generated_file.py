"""Files generated from the schemas (the descriptor, the data dictionary): check or rewrite.

One behaviour for every generator: ``--check`` writes nothing and exits 1 when the file is not
what would be generated; otherwise the file is replaced atomically, and only when it differs.
"""

from __future__ import annotations

from pathlib import Path

from claimtrail.files.atomic import write_bytes_atomic


def update(target: Path, current: str | None, fresh: str, check: bool, remedy: str) -> int:
    """Exit code: 0 up to date (or rewritten), 1 stale under ``check``; ``remedy`` is the command to run."""
    if check:
        if current != fresh:
            print(f"{target}: {'missing' if current is None else 'out of date'}; run '{remedy}'")
            return 1
        print(f"{target}: up to date")
        return 0
    if current == fresh:
        print(f"{target}: already up to date")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(target, fresh.encode("utf-8"))
    print(f"{target}: {'written' if current is None else 'regenerated'}")
    return 0
