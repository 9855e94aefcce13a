"""The figures the README states about the data, generated from the data.

README.md holds them in a cog block (``cog -r README.md`` regenerates it, tests/unit/test_docs.py
runs ``cog --check``), so that a curator who adds records regenerates the sentence instead of
editing prose, and a stale figure fails CI.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from claimtrail.contract.descriptor import DESCRIPTOR
from claimtrail.validation.coverage import measure
from claimtrail.validation.output import counts_sentence
from claimtrail.validation.validate import validate_package

WIDTH = 94  # the README's line length


def figures(readme: str | Path) -> str:
    """The README's sentence of figures for the data/ folder beside ``readme``."""
    data = Path(readme).resolve().parent / "data"
    version = json.loads((data / DESCRIPTOR).read_text(encoding="utf-8")).get("version")
    report = validate_package(data)
    coverage = measure(data, count_chars=False)
    sentences = sum(len(c.sentences) for c in coverage)
    accounted = sum(c.count("covered") + c.count("uncoded") for c in coverage)
    share = "all" if accounted == sentences else f"{accounted} of the"
    text = (
        f"Version {version} holds **{counts_sentence(report)}**; {share} {sentences} content sentences "
        f"of the {len(coverage)} texts are covered by a record or deliberately uncoded (`claimtrail "
        "validate` checks it, `claimtrail coverage` reports it)."
    )
    return textwrap.fill(text, WIDTH, break_on_hyphens=False)
