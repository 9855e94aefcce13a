"""Coverage's sentence status (validation/coverage.py), computed for every sentence at once by
a sorted search in polars, against its definition: a sentence is covered when a content
pointer of its source overlaps it, deliberately uncoded when only an uncoded.csv pointer does."""

from __future__ import annotations

import polars as pl
from hypothesis import example, given, settings
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


# Texts of letters, digits, white space, punctuation and the characters str.isalnum() and
# polars' regular expressions may see differently: a combining mark, a superscript digit,
# a no-break space, "_", a letter outside ASCII.
TEXT = st.text(alphabet="ab1 .,;\n\t_()\u0301\u00b2\u00a0é”—", max_size=40)
bounds = st.tuples(st.integers(-3, 45), st.integers(-3, 45))


def words_outside(text: str, spans, boiler) -> bool:
    """Some character str.isalnum() accepts lies in no span and no boilerplate."""
    covered = set()
    for s, e in [*spans, *boiler]:
        covered |= set(range(max(s, 0), min(e, len(text))))
    return any(c.isalnum() and i not in covered for i, c in enumerate(text))


@settings(max_examples=300, deadline=None)  # cheap: a few small frames an example
@given(
    st.lists(
        st.tuples(TEXT, st.lists(bounds, max_size=6), st.lists(bounds, max_size=2)), min_size=1, max_size=4
    )
)
@example([("abcdefghij", [(0, 10), (2, 4), (5, 8)], [])])  # spans within a span: no gap at 4
@example([("ab. Cd", [(0, 2)], [(4, 9)]), ("x", [], [])])  # a word past the span; a text with none
def test_a_source_accounted_for_has_every_word_in_a_span_or_its_boilerplate(sources):
    from claimtrail.validation.coverage import accounted_sources

    given_sources = [
        (f"src-{k}", f"{k}.txt", boiler, text.encode()) for k, (text, _, boiler) in enumerate(sources)
    ]
    spans = pl.DataFrame(
        [(f"src-{k}", s, e) for k, (_, ss, _) in enumerate(sources) for s, e in ss] + [("src-none", 0, 40)],
        schema={"source": pl.String, "start": pl.Int64, "end": pl.Int64},
        orient="row",
    )
    for batch in (1, 3):
        found = accounted_sources(given_sources, spans, batch=batch)
        # Sound: never a source with a word outside; and exact where _NO_WORDS reads the
        # text as str.isalnum() does (no mark, no superscript).
        for k, (text, ss, boiler) in enumerate(sources):
            if words_outside(text, ss, boiler):
                assert k not in found
            elif not set(text) & {"\u0301", "\u00b2"}:
                assert k in found


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(SOURCES), st.integers(-3, 30), st.integers(-3, 30)), max_size=8),
    st.lists(
        st.tuples(st.sampled_from(SOURCES + ("src-unknown",)), st.integers(-3, 30), st.integers(-3, 30)),
        max_size=12,
    ),
)
def test_spans_outside_are_those_not_within_the_union_of_the_cover(spans, cover):
    from claimtrail.validation.coverage import spans_outside

    def frame(rows):
        return pl.DataFrame(
            rows, schema={"source": pl.String, "start": pl.Int64, "end": pl.Int64}, orient="row"
        )

    def points(source, rows):
        return {i for src, s, e in rows if src == source for i in range(max(s, 0), e)}

    expected = {
        SOURCES.index(src)
        for src, s, e in spans
        if max(s, 0) < e and not set(range(max(s, 0), e)) <= points(src, cover)
    }
    assert spans_outside(list(SOURCES), frame(spans), frame(cover)) == expected
