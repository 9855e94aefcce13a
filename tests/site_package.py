"""A small valid package whose text, names, summaries and headline hold markup and quotes, for
the site's escaping tests: every one of them must reach the reader as text."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import write_records
from helpers import UNKNOWN_DATE
from release_package import METADATA, pointer_in

from claimtrail.contract.descriptor import DESCRIPTOR, dumps

SCRIPT = '<script>alert("x")</script>'
TEXT = (
    f"The channel posted {SCRIPT} and the words \"a 'quoted' & <b>bold</b> claim\".\n"
    'John Kirby said the strikes were "necessary" & <i>limited</i>.\n'
)
SOURCE_FILE = "sources/000_markup.txt"
HEADLINE = '"><img src=x onerror=alert(1)> headline'
ACTOR_NAME = '<script>alert("name")</script> "Kirby"'
SUMMARY = 'Strikes called "necessary" & <i>limited</i> </title></svg><script>alert(2)</script>'
# Claims and discrepancies cite no span holding "necessary": their prose may not quote it
# (quote-verbatim), so it carries the markup without the quotation.
UNQUOTED = "Strikes called necessary & <i>limited</i> </title></svg><script>alert(4)</script>"


def pointer(pid: str, quote: str) -> dict:
    return pointer_in(TEXT, pid, quote)


def records() -> dict:
    data = TEXT.encode("utf-8")
    script = pointer("ptr-000-0001", SCRIPT)
    quoted = pointer("ptr-000-0002", "\"a 'quoted' & <b>bold</b> claim\"")
    kirby = pointer("ptr-000-0003", "John Kirby")
    words = pointer("ptr-000-0004", 'the strikes were "necessary" & <i>limited</i>')
    source = {
        "id": "src-000",
        "path": SOURCE_FILE,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "length": len(TEXT),
        "publisher": {
            "name": '<b>"Publisher"</b>',
            "basis": "inferred",
            "evidence": "<em>x</em>",
            "pointer": kirby,
        },
        "published": dict(UNKNOWN_DATE),
        "headline": HEADLINE,
        "language": "en",
        "boilerplate": [],
    }
    actors = [
        {
            "id": "act-markup",
            "name": ACTOR_NAME,
            "kind": "unidentified",
            "description": "<p onclick=alert(3)>x</p>",
            "names": [
                {"name": SCRIPT, "form": "descriptive", "misspelled": True, "note": '"x"', "pointer": script}
            ],
            "roles": [],
            "identifiers": [],
        },
        {
            "id": "act-john-kirby",
            "name": "John Kirby",
            "kind": "person",
            "description": None,
            "names": [
                {"name": "John Kirby", "form": "full", "misspelled": False, "note": None, "pointer": kirby}
            ],
            "roles": [],
            "identifiers": [],
        },
    ]
    events = [
        {
            "id": "evt-markup",
            "type": "airstrike",
            "codes": {"acled_event_type": None, "acled_sub_event_type": None, "cameo": None, "plover": None},
            "summary": SUMMARY,
            "date": {
                "earliest": "2021-06-27",
                "latest": "2021-06-27",
                "precision": "day",
                "basis": "inferred",
                "note": '<script>alert("note")</script>',
                "pointer": words,
            },
            "parent": None,
            "locations": [],
            "casualties": [],
            "participants": [{"actor": "act-markup", "role": "announced", "pointer": script}],
            "relations": [],
            "pointers": [words],
        },
    ]
    claims = [
        {
            "id": "clm-markup",
            "claimant": "act-john-kirby",
            "claimant_as_reported": '<b>"Kirby"</b>',
            "content": UNQUOTED,
            "stance": "asserts",
            "said": None,
            "variant_of": None,
            "about_events": ["evt-markup"],
            "about_actors": ["act-markup"],
            "attributions": [
                {
                    "kind": "direct_quote",
                    "reported_by": None,
                    "via": None,
                    "chain": "<u>chain</u>",
                    "pointer": quoted,
                    "attribution_pointer": kirby,
                }
            ],
        },
    ]
    discrepancies = [
        {
            "id": "dis-markup",
            "aspect": "spelling",
            "summary": UNQUOTED,
            "about_events": [],
            "about_actors": ["act-markup"],
            "about_claims": [],
            "versions": [{"value": SCRIPT, "pointer": script}, {"value": '"quoted"', "pointer": quoted}],
        },
    ]
    return {
        "source": [source],
        "actor": actors,
        "event": events,
        "claim": claims,
        "discrepancy": discrepancies,
        "uncoded": [],
        "tombstone": [],
    }


def write_package(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "sources").mkdir(exist_ok=True)
    (root / SOURCE_FILE).write_bytes(TEXT.encode("utf-8"))
    (root / DESCRIPTOR).write_text(dumps({**METADATA, "resources": []}), encoding="utf-8")
    write_records(root, records())
    return root
