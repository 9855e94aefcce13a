"""Two ways the fast engine (fast/engine.py) decides cells faster than one at a time, against
the answer worked out cell by cell: foreign keys looked up by hashing the ids or searching
them (the way _by_hash picks), and patterns matched whole or searched for."""

from __future__ import annotations

import random

import polars as pl
import pytest

from claimtrail.validation.fast.engine import _by_hash, _dangling, _key_value


def _ids(n: int) -> pl.Series:
    return pl.Series("id", [f"id-{i:06d}" for i in range(0, 2 * n, 2)], dtype=pl.String)


@pytest.mark.parametrize("ordered", [True, False])
def test_hashing_and_searching_find_the_same_dangling_values(ordered):
    rng = random.Random(11)
    known = _ids(500)
    # Ids that are there, ids between them, past both ends, empty and missing cells.
    values = [f"id-{rng.randrange(-5, 1010):06d}" for _ in range(3000)] + ["", None, "id-", "zz", "a"]
    if ordered:
        values = sorted(values, key=lambda v: (v is None, v))
    df = pl.DataFrame({"v": values}, schema={"v": pl.String})
    by_hand = [v is not None and v != "" and v not in set(known) for v in values]
    for way in (True, False):
        found = df.select(_dangling(_key_value("v"), known, way).alias("d"))["d"].to_list()
        assert found == by_hand, way
    assert any(by_hand) and not all(by_hand)


def test_the_lookup_each_column_gets():
    df = pl.DataFrame(
        {
            "sorted": [f"id-{i:06d}" for i in range(100)],
            "shuffled": [f"id-{(i * 37) % 100:06d}" for i in range(100)],
            "empty": [None] * 100,
        },
        schema={c: pl.String for c in ("sorted", "shuffled", "empty")},
    )
    assert _by_hash(df, "sorted", _ids(10)) is False  # in order: searched, whatever the ids
    assert _by_hash(df, "shuffled", _ids(10)) is True  # out of order, fewer ids than values: hashed
    assert _by_hash(df, "shuffled", _ids(1000)) is False  # more ids than values: searched
    assert _by_hash(df, "empty", _ids(10)) is None  # nothing to look up
    nothing = df.select(_dangling(_key_value("empty"), _ids(10), None).alias("d"))["d"]
    assert nothing.len() == 100 and not nothing.any()


@pytest.mark.parametrize(
    "pattern",
    [
        "[\\s\\S]*\\S[\\s\\S]*",  # "not blank", padded to match anywhere
        "[\\s\\S]*a|b[\\s\\S]*",
        "clm-[a-z0-9]+(-[a-z0-9]+)*(?![\\s\\S])",
        "[\\s\\S]*^x[\\s\\S]*",
    ],
)
def test_a_pattern_fails_the_cells_pythons_re_fails(pattern):
    # What frictionless decides with re.match('^{pattern}$'), polars decides alike, padded
    # patterns being searched for and the others matched whole.
    import re

    from claimtrail.validation.fast.engine import _Cells

    cells = [
        "",
        " ",
        "\t \u3000",
        "x",
        " x ",
        "a",
        "b",
        "ab",
        "ba",
        "clm-1",
        "clm-1-a2",
        "clm-",
        "clm-1 ",
        "\u00e9",
    ]
    cells += ["x\n", "\n", "a\x1c", "\x1f", "clm-1\n"]  # Python decides these itself (odd values)
    compiled = re.compile(f"^{pattern}$")
    c = _Cells("v")
    df = pl.DataFrame({"v": cells}, schema={"v": pl.String})
    odd = df.select(pl.col("v").filter(c.pattern_odd(pattern)))["v"].to_list()
    fails = df.select(c.pattern_fails(pattern, odd).alias("f"))["f"].to_list()
    assert fails == [cell != "" and not compiled.match(cell) for cell in cells]
