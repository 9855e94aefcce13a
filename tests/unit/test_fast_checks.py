"""Selectors of the fast engine's own checks (fast/checks.py) that work a chunk of rows at a
time, against the same answer worked out row by row."""

from __future__ import annotations

import polars as pl
import pytest

from claimtrail.validation.fast.checks import overlapping_pointers, pointer_rows, shared_ids
from claimtrail.validation.fast.tables import FastTable
from claimtrail.validation.fast.texts import SourceTexts


def _pointers(rows: list[tuple[str, str, str, str]]) -> FastTable:
    df = pl.DataFrame(rows, schema=["id", "source", "start", "end"], orient="row")
    return FastTable("pointers.csv", df.columns, df, None)


def _by_hand(rows, spans) -> set[str]:
    """The first row of each id (the one embedded), overlapping a span of its source."""
    first: dict[str, tuple] = {}
    for pid, src, start, end in rows:
        if pid and pid not in first:
            first[pid] = (src, start, end)
    return {
        pid
        for pid, (src, start, end) in first.items()
        if start.lstrip("-").isdigit()
        and end.lstrip("-").isdigit()
        and any(s == src and int(start) < be and bs < int(end) for s, bs, be in spans)
    }


@pytest.mark.parametrize("chunk", [1, 2, 3, 100])
def test_overlapping_pointers_take_the_first_row_of_a_repeated_id_across_chunks(chunk):
    spans = [("s1", 10, 20), ("s2", 0, 5)]
    rows = [
        ("p1", "s1", "0", "5"),  # before the span
        ("p2", "s1", "15", "25"),  # overlaps
        ("p1", "s1", "12", "14"),  # a repeated id: its first row is the one embedded
        ("p3", "s2", "4", "9"),  # overlaps
        ("p4", "s2", "5", "9"),  # touches the end: no overlap
        ("p3", "s2", "30", "40"),
        ("p5", "s1", "12", "x"),  # not a number
        ("", "s1", "12", "13"),  # no id
        ("p6", "s3", "0", "100"),  # a source without spans
        ("p4", "s1", "11", "12"),  # the repeat of p4 would overlap; its first row does not
    ]
    span_frame = pl.DataFrame(
        spans, schema={"source": pl.String, "bs": pl.Int64, "be": pl.Int64}, orient="row"
    )
    found = overlapping_pointers(_pointers(rows), span_frame, repeated_ids=True, chunk=chunk)
    assert set(found.to_list()) == _by_hand(rows, spans) == {"p2", "p3"}


def test_overlapping_pointers_of_ids_without_repeats():
    rows = [("p1", "s1", "0", "11"), ("p2", "s1", "20", "30")]
    span_frame = pl.DataFrame({"source": ["s1"], "bs": [10], "be": [20]})
    assert overlapping_pointers(_pointers(rows), span_frame, repeated_ids=False, chunk=1).to_list() == ["p1"]


POINTER_ROWS = [  # (source, start, end, prefix, quote, suffix, reported)
    ("a", "0", "5", "", "Horse", " ", False),
    ("b", "4", "9", "", "Horse", "", True),  # the words of a, not of b
    ("b", "1", "3", "", "lé", "", False),  # code points, not bytes
    ("a", "3", "99", "", "x", "", True),  # out of range
    ("c", "0", "1", "", "x", "", False),  # a source without a text: another check's problem
    ("", "0", "1", "", "x", "", False),
    ("b", "0", "2", "", "Ül", "x", True),  # the suffix is not what follows
    ("b", "0", "2", "", "Ül", "é", False),
    ("a", "1", "3", "H", "or", "se", False),
]


@pytest.mark.parametrize("chunk", [1, 3, 100])
def test_pointer_rows_finds_the_rows_whose_words_are_not_the_text(chunk):
    texts = SourceTexts({"a": "Horse riders", "b": "Ülé gone"})
    df = pl.DataFrame(
        [row[:-1] for row in POINTER_ROWS],
        schema=["source", "start", "end", "prefix", "quote", "suffix"],
        orient="row",
    )
    expected = [i for i, row in enumerate(POINTER_ROWS) if row[-1]]
    assert pointer_rows(df, texts, chunk) == expected


def test_rows_holding_is_is_in_for_ids_in_order():
    import random

    from claimtrail.validation.fast.checks import rows_holding

    rng = random.Random(5)
    ids = pl.Series("id", [f"ptr-{i:05d}" for i in range(0, 20000, 3)])
    for n in (0, 1, 50, 5000):
        # Values there and not there, before the first id and past the last, in order.
        values = pl.Series(
            "v", sorted(f"ptr-{rng.randrange(-10, 20010):05d}" for _ in range(n)), dtype=pl.String
        )
        found = rows_holding(ids, values)
        assert found.equals(ids.is_in(values.implode())) and found.len() == ids.len()
        assert n < 50 or 0 < found.sum() < n


def test_shared_ids_are_those_of_two_types_only():
    """An id of two types is found; one repeated within its own type (the primary key's
    problem), an empty cell or a null is not. Against a plain count, on random ids."""
    import random

    rng = random.Random(7)
    by_type = [
        [rng.choice([None, "", *(f"id-{n}" for n in range(400))]) for _ in range(300)] for _ in range(4)
    ]
    expected = sorted(
        {i for i in set().union(*map(set, by_type)) if i and sum(i in set(ids) for ids in by_type) >= 2}
    )
    found = shared_ids([pl.Series("id", ids, dtype=pl.String) for ids in by_type])
    assert sorted(set(found.to_list())) == expected and expected
    assert shared_ids([pl.Series("id", ["a", "a", ""]), pl.Series("id", ["b", "", None])]).is_empty()
