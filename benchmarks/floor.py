"""The floor: every CSV table of a package read by polars as text, with no check at all.

    python benchmarks/floor.py PACKAGE_DIR

What no validator of this package can beat on this machine: benchmarks/run.py times it as a
child process next to `claimtrail validate`, so the distance to the limit shows at each size.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl


def read_all(root: Path) -> int:
    rows = 0
    for path in sorted(root.glob("*.csv")):
        rows += pl.read_csv(path, infer_schema=False, has_header=True).height
    return rows


if __name__ == "__main__":
    print(read_all(Path(sys.argv[1])))
