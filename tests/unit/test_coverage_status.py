"""Coverage's sentence status (validation/coverage.py), computed for every sentence at once by
a sorted search in polars, against its definition: a sentence is covered when a content
pointer of its source overlaps it, deliberately uncoded when only an uncoded.csv pointer does."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from claimtrail.validation.coverage import Inputs, _statuses

SOURCES = ("src-a", "src-b", "src-c")
span = st.tuples(st.integers(0, 60), st.integers(0, 60))
pointer = st.tuples(
    st.sampled_from(SOURCES + ("src-unknown",)), st.integers(-5, 70), st.integers(-5, 70), st.booleans()
)


def plain(pointers, source, s, e) -> str:
    hits = [d for src, a, b, d in pointers if src == source and a < b and a < e and b > s]
    return "covered" if False in hits else "uncoded" if hits else "unaccounted"


@given(
    st.lists(st.lists(span.filter(lambda t: t[0] < t[1]), max_size=8), min_size=3, max_size=3),
    st.lists(pointer, max_size=25),
)
def test_the_status_of_each_sentence_is_its_definition(sentences, pointers):
    inputs = Inputs(
        [(source, f"{source}.txt", [], "x" * 64) for source in SOURCES],
        pl.DataFrame(
            pointers,
            schema={"source": pl.String, "start": pl.Int64, "end": pl.Int64, "deliberate": pl.Boolean},
            orient="row",
        ),
    )
    got = _statuses(inputs, sentences)
    assert got == [[plain(pointers, src, s, e) for s, e in spans] for src, spans in zip(SOURCES, sentences)]
