"""Generated documentation stays generated: docs/data-dictionary.md is what the schemas give."""

from __future__ import annotations

from pathlib import Path

from claimtrail.cli import main
from claimtrail.contract.dictionary import render_dictionary
from claimtrail.contract.layout import build_layout

REPO = Path(__file__).resolve().parents[1]
DICTIONARY = REPO / "docs" / "data-dictionary.md"


def test_the_data_dictionary_is_current():
    assert DICTIONARY.read_text(encoding="utf-8") == render_dictionary(), (
        "docs/data-dictionary.md is stale: run 'claimtrail dictionary --out docs/data-dictionary.md'"
    )


def test_the_dictionary_names_every_table_and_column():
    text = render_dictionary()
    for table in build_layout().tables:
        section = text.split(f"## `{table.path}`\n", 1)[1].split("\n## ", 1)[0]
        for column in table.columns:
            assert f"| `{column.name}` |" in section, (table.path, column.name)


def test_dictionary_check_fails_on_a_stale_copy_and_passes_on_a_fresh_one(tmp_path, capsys):
    target = tmp_path / "data-dictionary.md"
    assert main(["dictionary", "--check", "--out", str(target)]) == 1
    assert main(["dictionary", "--out", str(target)]) == 0
    assert main(["dictionary", "--check", "--out", str(target)]) == 0
    target.write_text(target.read_text(encoding="utf-8").replace("Identifier", "Id"), encoding="utf-8")
    assert main(["dictionary", "--check", "--out", str(target)]) == 1
    assert "out of date" in capsys.readouterr().out
