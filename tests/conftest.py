"""Shared fixtures: the repository's paths, and packages built in temporary folders.

Tests never change the repository: each one that breaks a package breaks its own copy.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from helpers import source_record
from hypothesis import Phase, settings

from claimtrail.contract.descriptor import regenerate
from claimtrail.contract.layout import build_layout
from claimtrail.package.csvio import write_csv
from claimtrail.package.records import disassemble

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SCHEMA = REPO / "schema"
SOURCE_000 = "000_e9f86ca2c495c89d.txt"  # curly quotes ’ “ ” and an em dash —
SOURCE_003 = "003_15c06cd4376757a1.txt"  # no-break spaces, an en dash –, a bullet •


def write_descriptor(root: Path) -> None:
    _, fresh = regenerate(root)
    (root / "datapackage.json").write_text(fresh, encoding="utf-8")


def write_records(root: Path, records: dict) -> None:
    """Write records as the package's tables and regenerate the descriptor."""
    layout = build_layout()
    rows = disassemble(layout, records)
    for table in layout.tables:
        write_csv(root / table.path, [c.name for c in table.columns], rows[table.name])
    write_descriptor(root)


class SmallPackage:
    """A small valid package of two real sources and a handful of records, built from code."""

    def __init__(self, root: Path):
        self.root = root
        (root / "sources").mkdir(parents=True)
        # A handful of records covers a few sentences of two long texts: the package says once
        # that it does not aim at full coverage, as a downstream package may.
        descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["claimtrail"] = {"coverage": "partial"}
        (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
        self.texts = {}
        for sid, name in (("src-000", SOURCE_000), ("src-003", SOURCE_003)):
            shutil.copy(DATA / "sources" / name, root / "sources" / name)
            self.texts[sid] = (root / "sources" / name).read_text(encoding="utf-8")
        self.counter = 0

    def pointer(self, source: str, quote: str, nth: int = 0) -> dict:
        text = self.texts[source]
        at = -1
        for _ in range(nth + 1):
            at = text.index(quote, at + 1)
        self.counter += 1
        return {
            "id": f"ptr-{source[4:]}-{self.counter:04d}",
            "source": source,
            "start": at,
            "end": at + len(quote),
            "quote": quote,
            "prefix": None,
            "suffix": None,
        }

    def records(self) -> dict:
        p = self.pointer
        src = []
        for sid, name in (("src-000", SOURCE_000), ("src-003", SOURCE_003)):
            data = (self.root / "sources" / name).read_bytes()
            src.append(source_record(sid, f"sources/{name}", data))
        meta = p("src-000", " date 2021-06-28")
        src[0]["published"] = {
            "earliest": "2021-06-28",
            "latest": "2021-06-28",
            "precision": "day",
            "basis": "explicit",
            "note": None,
            "pointer": meta,
        }
        src[0]["boilerplate"] = [{"start": 0, "end": 16, "kind": "metadata", "note": None}]
        nav = self.texts["src-003"].index("Navigation")
        src[1]["boilerplate"] = [
            {"start": nav, "end": nav + len("Navigation"), "kind": "navigation", "note": None}
        ]
        kerby = p("src-000", "John Kerby")
        kirby = p("src-003", "John Kirby")
        biden = p("src-000", "Joe Biden")
        actors = [
            {
                "id": "act-john-kirby",
                "name": "John Kirby",
                "kind": "person",
                "description": "Pentagon press secretary.",
                "names": [
                    {
                        "name": "John Kerby",
                        "form": "full",
                        "misspelled": True,
                        "note": "Kirby in the other sources.",
                        "pointer": kerby,
                    },
                    {
                        "name": "John Kirby",
                        "form": "full",
                        "misspelled": False,
                        "note": None,
                        "pointer": kirby,
                    },
                ],
                "roles": [
                    {
                        "title": "Pentagon spokesperson",
                        "organization": None,
                        "as_of": None,
                        "pointer": p("src-000", "Pentagon spokesperson"),
                    }
                ],
                "identifiers": [],
            },
            {
                "id": "act-joe-biden",
                "name": "Joe Biden",
                "kind": "person",
                "description": None,
                "names": [
                    {"name": "Joe Biden", "form": "full", "misspelled": False, "note": None, "pointer": biden}
                ],
                "roles": [],
                "identifiers": [],
            },
        ]
        strikes = p("src-000", "conducted airstrikes at two locations in Syria and one in Iraq")
        aid = p("src-003", "nearly $600 million in additional\u00a0humanitarian assistance\u00a0")
        events = [
            {
                "id": "evt-2021-06-27-us-airstrikes",
                "type": "military_operation",
                "codes": {
                    "acled_event_type": "Explosions/Remote violence",
                    "acled_sub_event_type": "Air/drone strike",
                    "cameo": "195",
                    "plover": "ASSAULT",
                },
                "summary": "US airstrikes at two locations in Syria and one in Iraq.",
                "date": {
                    "earliest": "2021-06-27",
                    "latest": "2021-06-28",
                    "precision": "range",
                    "basis": "inferred",
                    "note": "On or before the article date.",
                    "pointer": strikes,
                },
                "parent": None,
                "locations": [{"country": "SY", "place": None, "precision": "country", "pointer": strikes}],
                "casualties": [
                    {
                        "kind": "any",
                        "low": None,
                        "best": None,
                        "high": None,
                        "status": "unknown",
                        "as_reported": None,
                        "pointer": strikes,
                    }
                ],
                "participants": [
                    {
                        "actor": "act-joe-biden",
                        "role": "ordered",
                        "pointer": p("src-000", "on President Joe Biden’s direction"),
                    }
                ],
                "relations": [],
                "pointers": [strikes],
            },
            {
                "id": "evt-2021-aid-announcement",
                "type": "aid_pledge",
                "codes": {
                    "acled_event_type": None,
                    "acled_sub_event_type": None,
                    "cameo": None,
                    "plover": "AID",
                },
                "summary": "Humanitarian assistance for the Syrian crisis was announced.",
                "date": {
                    "earliest": "2021-01-01",
                    "latest": "2021-06-27",
                    "precision": "range",
                    "basis": "relative_to_article",
                    "note": "'Earlier this year' before the article date 2021-06-27.",
                    "pointer": p("src-003", "Earlier this year"),
                },
                "parent": None,
                "locations": [],
                "casualties": [],
                "participants": [],
                "relations": [],
                "pointers": [aid],
            },
        ]
        quote = p(
            "src-000",
            "The strikes were both necessary to address the threat and appropriately limited in scope,",
        )
        claims = [
            {
                "id": "clm-strikes-necessary",
                "claimant": "act-john-kirby",
                "claimant_as_reported": None,
                "content": "The strikes were necessary and limited in scope.",
                "stance": "asserts",
                "said": None,
                "variant_of": None,
                "about_events": ["evt-2021-06-27-us-airstrikes"],
                "about_actors": [],
                "attributions": [
                    {
                        "kind": "direct_quote",
                        "reported_by": None,
                        "via": None,
                        "chain": None,
                        "pointer": quote,
                        "attribution_pointer": p("src-000", "he said"),
                    },
                    {
                        "kind": "block_quote",
                        "reported_by": None,
                        "via": None,
                        "chain": None,
                        "pointer": p(
                            "src-003",
                            "The strikes were both necessary to address the threat and appropriately limited in scope.",
                        ),
                        "attribution_pointer": None,
                    },
                ],
            },
        ]
        discrepancies = [
            {
                "id": "dis-kirby-spelling",
                "aspect": "spelling",
                "summary": "Kirby is spelled Kerby once.",
                "about_events": [],
                "about_actors": ["act-john-kirby"],
                "about_claims": [],
                "versions": [
                    {"value": "John Kerby", "pointer": kerby},
                    {"value": "John Kirby", "pointer": kirby},
                ],
            },
        ]
        return {
            "source": src,
            "actor": actors,
            "event": events,
            "claim": claims,
            "discrepancy": discrepancies,
        }


@pytest.fixture(params=["text", "compact"])
def readings(request, monkeypatch) -> str:
    """Both ways the fast engine holds a table's cells: as text (a small package) and with
    the columns compact_fields chooses as Categorical (a large package), here forced."""
    if request.param == "compact":
        from claimtrail.validation.fast import run

        monkeypatch.setattr(run, "COMPACT_FROM", 0)
    return request.param


@pytest.fixture
def small_package(tmp_path) -> Path:
    pkg = SmallPackage(tmp_path / "pkg")
    write_records(pkg.root, pkg.records())
    return pkg.root


@pytest.fixture
def bundled_copy(tmp_path) -> Path:
    """A copy of the repository's data folder, safe to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture(scope="session")
def bundled_dist(tmp_path_factory) -> Path:
    """The release folder (zip and checksums, no wheel) of the bundled data, built once per
    test run and shared by the xdist workers; tests only read it."""
    from once import once

    from claimtrail.publish.release import build_release

    def build(folder: Path) -> None:
        build_release(DATA, folder, python_dist=False)

    return once(tmp_path_factory, "bundled-dist", build)


@pytest.fixture(scope="session")
def bundled_release(tmp_path_factory, bundled_dist) -> Path:
    """The bundled data's release zip (no wheel), unpacked: the folder a user works in."""
    from once import once
    from unpacked_release import members_of, unpack

    from claimtrail.publish.release import zip_name

    version = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["version"]
    zip_path = bundled_dist / zip_name(version)
    return once(tmp_path_factory, "bundled-release", lambda folder: unpack(members_of(zip_path), folder))


@pytest.fixture(scope="session")
def tricky_dist(tmp_path_factory) -> Path:
    """The release folder (zip and checksums, no wheel) of release_package's test package,
    whose cells start with =, +, -, @, a tab or an apostrophe. Built once per test run and
    shared by the xdist workers; tests only read it."""
    from once import once
    from release_package import write_package

    from claimtrail.publish.release import build_release

    def build(folder: Path) -> None:
        build_release(write_package(folder / "pkg"), folder / "dist", python_dist=False)

    return once(tmp_path_factory, "tricky-dist", build) / "dist"


@pytest.fixture(scope="session")
def tricky_release(tmp_path_factory, tricky_dist) -> Path:
    """The tricky_dist zip, unpacked."""
    from once import once
    from release_package import VERSION
    from unpacked_release import members_of, unpack

    from claimtrail.publish.release import zip_name

    zip_path = tricky_dist / zip_name(VERSION)
    return once(tmp_path_factory, "tricky-release", lambda folder: unpack(members_of(zip_path), folder))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked long first, in their order, then the rest in theirs: xdist hands tests
    out in this order, so the longest ones start at once on different workers instead of
    ending the run on one worker while the other is idle."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


# Hypothesis profiles: "ci" (the default) keeps the fuzzing suite short; HYPOTHESIS_PROFILE=long
# draws many more hostile packages, for a run on demand. Tests that set max_examples keep it.
settings.register_profile(
    "ci", max_examples=6, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate]
)
settings.register_profile("long", max_examples=500, deadline=None)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def examples(full: int, ci: int) -> int:
    """max_examples of a property whose every example validates a whole package: ``ci`` in the
    default profile, which keeps the suite short, and ``full`` in any other ("long")."""
    return ci if PROFILE == "ci" else full
