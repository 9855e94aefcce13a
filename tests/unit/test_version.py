"""One version everywhere: pyproject.toml, the data package, claimtrail.__version__,
CITATION.cff and the top released entry of CHANGELOG.md."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

import claimtrail

REPO = Path(__file__).resolve().parents[2]
SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
RELEASE_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$", re.M)


def pyproject_version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def citation() -> dict:
    # Dates are compared as text, as the CFF schema asks tools to.
    return yaml.safe_load(
        (REPO / "CITATION.cff")
        .read_text(encoding="utf-8")
        .replace("date-released: ", "date-released: !!str ")
    )


def top_release(changelog: str) -> tuple[str, str | None]:
    """(version, date) of the first entry that is not [Unreleased]."""
    for m in RELEASE_HEADING.finditer(changelog):
        if m["version"].lower() != "unreleased":
            return m["version"], m["date"]
    raise AssertionError("CHANGELOG.md has no released entry ('## [X.Y.Z] - YYYY-MM-DD')")


def test_the_version_is_semantic():
    assert SEMVER.fullmatch(pyproject_version()), pyproject_version()


def test_every_place_states_the_same_version():
    version = pyproject_version()
    found = {
        "pyproject.toml [project] version": version,
        "data/datapackage.json version": json.loads(
            (REPO / "data" / "datapackage.json").read_text(encoding="utf-8")
        )["version"],
        "claimtrail.__version__ (installed metadata; reinstall after a bump)": claimtrail.__version__,
        "CITATION.cff version": str(citation()["version"]),
        "CHANGELOG.md top released entry": top_release((REPO / "CHANGELOG.md").read_text(encoding="utf-8"))[
            0
        ],
    }
    differing = {where: v for where, v in found.items() if v != version}
    assert not differing, f"version {version} in pyproject.toml, but: {differing}"


def test_citation_describes_the_dataset_without_invented_people():
    cff = citation()
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "dataset"
    assert cff["license"] == "CC-BY-4.0"
    assert cff["title"] and cff["message"]
    assert cff["authors"] == [{"name": "The claimtrail curators"}]
    assert not {"doi", "identifiers", "url", "repository-code"} & cff.keys()


def test_a_release_date_in_the_citation_is_the_changelogs():
    cff = citation()
    if "date-released" not in cff:
        return  # stated only once a release is tagged
    version, date = top_release((REPO / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert cff["date-released"] == date, (
        f"CITATION.cff date-released {cff['date-released']} != CHANGELOG.md [{version}] {date}"
    )


def test_the_changelog_parser_skips_unreleased():
    text = "# Changelog\n\n## [Unreleased]\n\n- x\n\n## [1.4.0] - 2031-02-03\n\n## [1.3.9] - 2030-01-01\n"
    assert top_release(text) == ("1.4.0", "2031-02-03")
