"""A copy of a generated package with many errors: dangling foreign keys, shifted pointers and
values outside their enum, one per ten claims of each (100,000 each at a million claims).

    python benchmarks/invalid.py VALID_PACKAGE OUT_DIR

Unchanged files are hard links to the valid package's; the changed tables are rewritten with
polars and the descriptor is regenerated, so that only the seeded errors are wrong.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import polars as pl

from claimtrail.contract.descriptor import DESCRIPTOR, build_descriptor, dumps

KINDS = ("dangling foreign keys (claims.claimant)", "shifted pointers", "bad enum values (claims.stance)")


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False, has_header=True)


def _write(df: pl.DataFrame, path: Path) -> None:
    path.unlink()  # a hard link: write a new file, never into the valid package's
    df.write_csv(path, line_terminator="\n", quote_style="necessary")


def make_invalid(valid: Path, out: Path) -> dict[str, int]:
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(valid, out, copy_function=os.link)
    claims = _read(out / "claims.csv")
    each = max(claims.height // 10, 1)
    i = pl.int_range(pl.len())
    claims = claims.with_columns(
        pl.when(i % 10 == 0)
        .then(pl.format("act-missing-{}", i))
        .otherwise(pl.col("claimant"))
        .alias("claimant"),
        pl.when(i % 10 == 5).then(pl.lit("asserted")).otherwise(pl.col("stance")).alias("stance"),
    )
    _write(claims, out / "claims.csv")
    pointers = _read(out / "pointers.csv")
    step = max(pointers.height // each, 1)
    shifted = (i % step == 1) & (i < step * each)
    pointers = pointers.with_columns(
        *(
            pl.when(shifted)
            .then((pl.col(c).cast(pl.Int64) + 1).cast(pl.String))
            .otherwise(pl.col(c))
            .alias(c)
            for c in ("start", "end")
        )
    )
    _write(pointers, out / "pointers.csv")
    metadata = json.loads((out / DESCRIPTOR).read_text(encoding="utf-8"))
    (out / DESCRIPTOR).unlink()
    (out / DESCRIPTOR).write_text(dumps(build_descriptor(out, metadata)), encoding="utf-8")
    return {kind: each for kind in KINDS}


if __name__ == "__main__":
    print(json.dumps(make_invalid(Path(sys.argv[1]), Path(sys.argv[2]))))
