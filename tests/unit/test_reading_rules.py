"""The rules of reading (validation/reading_rules.py): roles, figures and quotations rest on
the words of the record's pointers, and no record is another one twice. Each test breaks a copy
of the bundled data and checks what both engines report: file, line, field and check."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import write_descriptor
from helpers import line_of, read_rows, write_rows

from claimtrail.validation.fast import run as fast_run
from claimtrail.validation.reading_rules import _figures_in, quotations, shared_hashes
from claimtrail.validation.validate import validate_package

# "fast, read again": the fast engine as it runs on a large package, whose tables are not
# held in memory for the rules but read again from their files.
REREAD = "fast, read again"
COMPACT = "fast, compact"
ENGINES = ("fast", REREAD, COMPACT, "frictionless")


def edit(root, table: str, match: dict, **cells) -> int:
    """Set cells of the one row of ``table`` matching ``match``; returns its physical line."""
    path = root / f"{table}.csv"
    rows = read_rows(path)
    header = rows[0]
    hits = [i for i, r in enumerate(rows[1:], 1) if all(r[header.index(k)] == v for k, v in match.items())]
    assert len(hits) == 1, (table, match, hits)
    for column, value in cells.items():
        rows[hits[0]][header.index(column)] = value
    write_rows(path, rows)
    write_descriptor(root)
    return line_of(path, hits[0])


def found(root, engine: str, check: str) -> list:
    with pytest.MonkeyPatch.context() as mp:
        if engine == REREAD:
            mp.setattr(fast_run, "HOLD_TABLES_BYTES", -1)
        if engine == COMPACT:
            mp.setattr(fast_run, "COMPACT_FROM", 0)
        problems = validate_package(
            root, engine="fast" if engine in (REREAD, COMPACT) else engine
        ).sorted_problems()
    others = [p for p in problems if p.check != check]
    assert not others, [(p.location, p.check, p.message) for p in others]
    return [(p.path, p.line, p.field) for p in problems]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_role_on_words_that_do_not_name_the_actor_needs_a_note(bundled_copy, engine):
    key = {"event": "evt-2015-iran-nuclear-deal", "actor": "act-united-states", "role": "party"}
    line = edit(bundled_copy, "event_participants", key, note="")
    assert found(bundled_copy, engine, "role-support") == [("event_participants.csv", line, "note")]


def _tables_read_again(monkeypatch) -> list[str]:
    """The tables the fast engine reads again from their files, as they are read."""
    read: list[str] = []
    original = fast_run.pieces

    def pieces(path, name, labels, *args):
        read.append(name)
        return original(path, name, labels, *args)

    monkeypatch.setattr(fast_run, "pieces", pieces)
    return read


def test_a_large_package_keeps_the_quotes_the_rules_ask_for(bundled_copy, monkeypatch):
    """Role-support's and casualty-support's quotes are kept while pointers.csv is in memory,
    not read again from it; a pointer the run did not keep (its table changed after it was
    first read) is read again: the same problems either way."""
    key = {"event": "evt-2015-iran-nuclear-deal", "actor": "act-united-states", "role": "party"}
    line = edit(bundled_copy, "event_participants", key, note="")
    expected = [("event_participants.csv", line, "note")]
    read = _tables_read_again(monkeypatch)
    assert found(bundled_copy, REREAD, "role-support") == expected
    kept = read.count("pointers.csv")
    read.clear()
    monkeypatch.setattr(fast_run, "quoted_pointers", lambda tables: pl.Series("pointer", [], dtype=pl.String))
    assert found(bundled_copy, REREAD, "role-support") == expected
    assert read.count("pointers.csv") == kept + 2  # the two rules' reads
    assert kept == 1  # quote-verbatim's, once for every table of prose


def test_the_quotes_wanted_are_not_read_from_a_fifo(small_package, monkeypatch):
    """The tables read before the checks, for the quotes to keep, are opened as the checks
    open them: a FIFO is not (the run would wait for a writer)."""
    from hostile import replace_with

    replace_with(small_package, "event_participants.csv", "fifo")
    monkeypatch.setattr(fast_run, "HOLD_TABLES_BYTES", -1)
    problems = validate_package(small_package, engine="fast").sorted_problems()
    assert ("unsafe-file", "event_participants.csv") in {(p.check, p.path) for p in problems}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_role_moved_to_words_about_someone_else_is_reported(bundled_copy, engine):
    # Biden ordered the February strike; point the role at a pointer that names only Kirby.
    kirby = next(r for r in read_rows(bundled_copy / "actor_names.csv")[1:] if r[0] == "act-john-kirby")
    rows = read_rows(bundled_copy / "event_participants.csv")
    header = rows[0]
    target = next(
        r for r in rows[1:] if r[header.index("actor")] == "act-joe-biden" and r[header.index("note")] == ""
    )
    key = {h: target[header.index(h)] for h in ("event", "ord")}
    line = edit(bundled_copy, "event_participants", key, pointer=kirby[-1])
    assert found(bundled_copy, engine, "role-support") == [("event_participants.csv", line, "note")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_figure_the_words_do_not_give_needs_a_note(bundled_copy, engine):
    line = edit(bundled_copy, "event_casualties", {"event": "evt-undated-soleimani-killing"}, note="")
    assert found(bundled_copy, engine, "casualty-support") == [("event_casualties.csv", line, "low")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_figure_of_one_is_written_as_a(bundled_copy, engine):
    # "killed an Iraqi-American contractor": low 1 stands; best 2 does not.
    key = {"event": "evt-2019-12-militia-attacks-iraq"}
    assert found(bundled_copy, engine, "casualty-support") == []
    line = edit(bundled_copy, "event_casualties", key, best="2", high="2")
    assert found(bundled_copy, engine, "casualty-support") == [
        ("event_casualties.csv", line, "best"),
        ("event_casualties.csv", line, "high"),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_as_reported_must_be_the_pointers_words(bundled_copy, engine):
    key = {"event": "evt-2019-12-militia-attacks-iraq"}
    line = edit(bundled_copy, "event_casualties", key, as_reported="killed an Iraqi contractor")
    assert found(bundled_copy, engine, "casualty-support") == [("event_casualties.csv", line, "as_reported")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_quotation_in_a_summary_must_be_verbatim(bundled_copy, engine):
    rows = read_rows(bundled_copy / "claims.csv")
    khanna = next(r for r in rows[1:] if r[0] == "clm-khanna-criticizes-february-airstrikes")
    content = khanna[rows[0].index("content")]
    # The text has "We ran on ending war": a lower-case quotation is not the words.
    changed = content.replace("ran on ending war", "ran on “we ran on ending war”", 1)
    assert changed != content
    line = edit(bundled_copy, "claims", {"id": khanna[0]}, content=changed)
    assert found(bundled_copy, engine, "quote-verbatim") == [("claims.csv", line, "content")]
    edit(bundled_copy, "claims", {"id": khanna[0]}, content=changed.replace("“we ran", "“We ran"))
    assert found(bundled_copy, engine, "quote-verbatim") == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_quotation_in_an_items_note_below_a_line_break_is_found_at_its_line(bundled_copy, engine):
    # The fast engine finds the rows that may quote while the table is in memory: an item
    # table's (keyed by its parent), and its line counted past a break inside a cell above it.
    rows = read_rows(bundled_copy / "event_participants.csv")
    first, target = rows[1], rows[-1]
    edit(
        bundled_copy, "event_participants", {"event": first[0], "ord": first[1]}, note="Read from\ntwo lines."
    )
    key = {"event": target[0], "ord": target[1]}
    line = edit(bundled_copy, "event_participants", key, note="The text says “words no pointer holds”.")
    assert line > len(rows)  # the break above moved it down a line
    assert found(bundled_copy, engine, "quote-verbatim") == [("event_participants.csv", line, "note")]


@pytest.mark.parametrize("engine", ENGINES)
def test_records_identical_but_for_the_id_are_reported_unless_a_note_explains(bundled_copy, engine):
    site = "evt-2021-06-27-us-airstrike-syria-location-"
    assert found(bundled_copy, engine, "likely-duplicate") == []
    edit(bundled_copy, "events", {"id": site + "1"}, note="")
    line = edit(bundled_copy, "events", {"id": site + "2"}, note="")
    assert found(bundled_copy, engine, "likely-duplicate") == [("events.csv", line, "id")]


@pytest.mark.parametrize("engine", ENGINES)
def test_ordinal_words_do_not_tell_two_records_apart(bundled_copy, engine):
    site = "evt-2021-06-27-us-airstrike-syria-location-"
    summary = "US airstrike at the {} of the two locations in Syria."
    edit(bundled_copy, "events", {"id": site + "1"}, note="", summary=summary.format("first"))
    line = edit(bundled_copy, "events", {"id": site + "2"}, note="", summary=summary.format("second"))
    assert found(bundled_copy, engine, "likely-duplicate") == [("events.csv", line, "id")]
    # A child row that differs (another location) makes them two records.
    edit(bundled_copy, "event_locations", {"event": site + "2", "ord": "2"}, place="near Bū Kamāl")
    assert found(bundled_copy, engine, "likely-duplicate") == []


def test_quotations_are_found_and_apostrophes_are_not():
    assert quotations("He said “no more strikes” and 'we ran on ending war'.") == [
        "no more strikes",
        "we ran on ending war",
    ]
    assert quotations("Biden's order, the curators' words and the militia’s ability") == []
    assert quotations('the ‘defensive precision strike’, and "Kerby"') == [
        "defensive precision strike",
        "Kerby",
    ]


def test_figures_are_read_from_words_int_reads():
    # "10²" passes str.isdigit() and is not a number int() reads; "٣" (three) is.
    assert _figures_in("10² killed, ٣ wounded and 4 missing") == {3, 4}


@pytest.mark.parametrize("seed", range(5))
def test_shared_hashes_are_the_hashes_is_duplicated_finds(seed):
    """The sort that finds likely-duplicate candidates keeps the rows is_duplicated keeps:
    hashes repeated twice or more, in any order, the extremes of UInt64 among them."""
    import random

    rng = random.Random(seed)
    values = [rng.choice([0, 2**64 - 1, rng.randrange(50), rng.randrange(2**64)]) for _ in range(2000)]
    part = pl.DataFrame({"_h": pl.Series(values, dtype=pl.UInt64)})
    kept = part.filter(pl.col("_h").is_in(shared_hashes(part).implode()))
    assert kept.equals(part.filter(pl.col("_h").is_duplicated()))
    assert 0 < kept.height < part.height
