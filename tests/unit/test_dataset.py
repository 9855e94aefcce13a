"""claimtrail.load(): typed records, lookups, navigation, the text behind pointers."""

from __future__ import annotations

import pydantic
import pytest
from conftest import DATA, write_descriptor
from helpers import set_cell

import claimtrail
from claimtrail import models


@pytest.fixture
def ds(small_package):
    return claimtrail.load(small_package)


def test_records_are_typed_and_frozen(ds):
    assert [type(s) for s in ds.sources] == [models.Source, models.Source]
    event = ds.event("evt-2021-06-27-us-airstrikes")
    assert isinstance(event, models.Event) and isinstance(event.date, models.DateReport)
    with pytest.raises(pydantic.ValidationError):
        event.summary = "changed"
    assert isinstance(event.participants, tuple)


def test_extra_fields_are_forbidden():
    with pytest.raises(pydantic.ValidationError, match="Extra inputs"):
        models.Pointer(
            id="ptr-1", source="src-1", start=0, end=1, quote="x", prefix=None, suffix=None, note="no"
        )


def test_pointers_of_every_record_kind(ds):
    for record in (*ds.events, *ds.actors, *ds.claims):
        assert record.pointers, record.id
        for p in record.pointers:
            assert {"source", "start", "end", "quote"} <= set(type(p).model_fields)
            assert ds.text(p) == p.quote
    claim = ds.claim("clm-strikes-necessary")
    assert [p.source for p in claim.pointers] == [
        "src-000",
        "src-000",
        "src-003",
    ]  # quote, "he said", block quote


def test_actor_names_as_reported_with_pointers(ds):
    kirby = ds.actor("act-john-kirby")
    forms = {(n.name, n.misspelled) for n in kirby.names}
    assert forms == {("John Kerby", True), ("John Kirby", False)}
    assert all(ds.text(n.pointer) == n.name for n in kirby.names)
    assert kirby.roles[0].title == "Pentagon spokesperson"


def test_lookup_and_navigation(ds):
    assert ds["act-joe-biden"].name == "Joe Biden" and "act-joe-biden" in ds
    with pytest.raises(KeyError, match="no record"):
        ds.get("act-nobody")
    with pytest.raises(KeyError, match="not a"):
        ds.event("act-joe-biden")
    assert [c.id for c in ds.claims_about("evt-2021-06-27-us-airstrikes")] == ["clm-strikes-necessary"]
    assert [c.id for c in ds.claims_by("act-john-kirby")] == ["clm-strikes-necessary"]
    assert [e.id for e in ds.events_of("act-joe-biden")] == ["evt-2021-06-27-us-airstrikes"]
    assert ds.events_of("act-joe-biden", roles={"targeted"}) == ()
    assert {r.id for r in ds.records_citing("src-003")} == {
        "act-john-kirby",
        "clm-strikes-necessary",
        "evt-2021-aid-announcement",
    }
    assert ds.source_text("src-003").startswith("Navigation")


def test_load_reports_file_line_and_field(small_package):
    line = set_cell(small_package, "events", "evt-2021-aid-announcement", "type", "picnic")
    write_descriptor(small_package)
    with pytest.raises(claimtrail.LoadError) as err:
        claimtrail.load(small_package)
    assert f"events.csv:{line}: field type" in str(err.value)


def test_the_checkouts_data_loads():
    ds = claimtrail.load(DATA)
    assert ds.sources and ds.events and ds.actors and ds.claims
    for record in (*ds.events, *ds.actors, *ds.claims):
        for p in record.pointers:
            assert ds.text(p) == p.quote
