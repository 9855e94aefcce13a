"""A small valid package for the release and diff tests, built from code.

Its cells include the ones spreadsheets would run as formulas (leading =, +, -, @, tab and
apostrophe), so that the spreadsheet-safe copies have something to escape.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from conftest import write_records
from helpers import UNKNOWN_DATE, source_record

from claimtrail.contract.descriptor import DESCRIPTOR, dumps

TEXT = (
    "BAGHDAD \u2014 A post reading =SUM(1+1) appeared on a channel run by @spokesman on Sunday.\n"
    "John Kirby, the Pentagon\u2019s spokesman, said the strikes were necessary and limited.\n"
    "Temperatures fell to -5 degrees; a militia said it would respond.\n"
)
SOURCE_FILE = "sources/000_test.txt"
VERSION = "1.2.3"

METADATA = {
    "name": "claimtrail-release-test",
    "title": "A small claimtrail package for release tests",
    "version": VERSION,
    "created": "2021-07-01T00:00:00Z",
    "licenses": [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 International",
        }
    ],
    "contributors": [{"title": "Test curators", "roles": ["creator"]}],
    # The versions the diff tests derive drop records: they say once that coverage is partial.
    "claimtrail": {"coverage": "partial"},
}


def pointer_in(text: str, pid: str, quote: str) -> dict:
    """A pointer of src-000 to the first occurrence of ``quote`` in ``text``."""
    start = text.index(quote)
    return {
        "id": pid,
        "source": "src-000",
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "prefix": None,
        "suffix": None,
    }


def pointer(pid: str, quote: str) -> dict:
    return pointer_in(TEXT, pid, quote)


def records() -> dict:
    data = TEXT.encode("utf-8")
    kirby = pointer("ptr-000-0001", "John Kirby")
    spokesman = pointer("ptr-000-0002", "@spokesman")
    necessary = pointer("ptr-000-0003", "said the strikes were necessary and limited")
    post = pointer("ptr-000-0004", "A post reading =SUM(1+1) appeared")
    respond = pointer("ptr-000-0005", "a militia said it would respond")
    source = source_record("src-000", SOURCE_FILE, data, headline='=HYPERLINK("x") and other headlines')
    actors = [
        {
            "id": "act-john-kirby",
            "name": "John Kirby",
            "kind": "person",
            "description": "-Pentagon spokesman.",
            "names": [
                {"name": "John Kirby", "form": "full", "misspelled": False, "note": None, "pointer": kirby}
            ],
            "roles": [],
            "identifiers": [],
        },
        {
            "id": "act-spokesman",
            "name": "@spokesman",
            "kind": "unidentified",
            "description": "\tA channel's operator.",
            "names": [
                {
                    "name": "@spokesman",
                    "form": "descriptive",
                    "misspelled": False,
                    "note": "'as written",
                    "pointer": spokesman,
                }
            ],
            "roles": [],
            "identifiers": [],
        },
    ]
    events = [
        {
            "id": "evt-strikes",
            "type": "airstrike",
            "codes": {"acled_event_type": None, "acled_sub_event_type": None, "cameo": None, "plover": None},
            "summary": "+Strikes the Pentagon called necessary.",
            "date": dict(UNKNOWN_DATE),
            "parent": None,
            "locations": [],
            "casualties": [],
            "participants": [{"actor": "act-john-kirby", "role": "announced", "pointer": kirby}],
            "relations": [],
            "pointers": [necessary],
        },
        {
            "id": "evt-post",
            "type": "statement",
            "codes": {"acled_event_type": None, "acled_sub_event_type": None, "cameo": None, "plover": None},
            "summary": "=SUM(1+1) was posted.",
            "date": dict(UNKNOWN_DATE),
            "parent": None,
            "locations": [],
            "casualties": [],
            "participants": [{"actor": "act-spokesman", "role": "announced", "pointer": spokesman}],
            "relations": [],
            "pointers": [post],
        },
    ]
    claims = [
        {
            "id": "clm-necessary",
            "claimant": "act-john-kirby",
            "claimant_as_reported": None,
            "content": "The strikes were necessary and limited.",
            "stance": "asserts",
            "said": None,
            "variant_of": None,
            "about_events": ["evt-strikes"],
            "about_actors": [],
            "attributions": [
                {
                    "kind": "indirect_speech",
                    "reported_by": None,
                    "via": None,
                    "chain": None,
                    "pointer": necessary,
                    "attribution_pointer": None,
                }
            ],
        },
        {
            "id": "clm-respond",
            "claimant": None,
            "claimant_as_reported": "a militia",
            "content": "-The militia will respond.",
            "stance": "asserts",
            "said": None,
            "variant_of": None,
            "about_events": ["evt-strikes"],
            "about_actors": [],
            "attributions": [
                {
                    "kind": "indirect_speech",
                    "reported_by": None,
                    "via": None,
                    "chain": None,
                    "pointer": respond,
                    "attribution_pointer": None,
                }
            ],
        },
    ]
    return {
        "source": [source],
        "actor": actors,
        "event": events,
        "claim": claims,
        "discrepancy": [],
        "uncoded": [],
        "tombstone": [],
    }


def write_package(root: Path, recs: dict | None = None, metadata: dict | None = None) -> Path:
    """Write records (default: records()) as a package folder with a regenerated descriptor."""
    recs = copy.deepcopy(recs if recs is not None else records())
    root.mkdir(parents=True, exist_ok=True)
    (root / "sources").mkdir(exist_ok=True)
    (root / SOURCE_FILE).write_bytes(TEXT.encode("utf-8"))
    # The package metadata first: write_records keeps it and regenerates the resources.
    (root / DESCRIPTOR).write_text(dumps({**(metadata or METADATA), "resources": []}), encoding="utf-8")
    write_records(root, recs)
    return root


def set_version(root: Path, version: str) -> None:
    path = root / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["version"] = version
    path.write_text(dumps(descriptor), encoding="utf-8")
