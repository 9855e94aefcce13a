"""Generated documentation stays generated: docs/data-dictionary.md is what the schemas give."""

from __future__ import annotations

from pathlib import Path

from claimtrail.cli import main
from claimtrail.contract.dictionary import render_dictionary
from claimtrail.contract.layout import build_layout

REPO = Path(__file__).resolve().parents[2]
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


def _cog_check(*files: str) -> tuple[int, str]:
    import contextlib
    import io

    from cogapp import Cog

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = Cog().main(["cog", "--check", "--diff", *(str(REPO / f) for f in files)])
    return code, out.getvalue()


def test_the_readme_figures_and_the_command_help_are_generated_and_current():
    # README.md's figures come from data/, docs/commands.md from each command's --help:
    # regenerate with `cog -r README.md docs/commands.md`.
    code, out = _cog_check("README.md", "docs/commands.md")
    assert code == 0, out


def test_cog_check_fails_when_a_figure_is_typed_by_hand(tmp_path):
    import contextlib
    import io
    import re
    import shutil

    from cogapp import Cog

    shutil.copytree(REPO / "data", tmp_path / "data")
    text = (REPO / "README.md").read_text(encoding="utf-8")
    typed = re.sub(r"holds \*\*(\d+) sources", lambda m: f"holds **{int(m[1]) + 1} sources", text, count=1)
    assert typed != text
    (tmp_path / "README.md").write_text(typed, encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert Cog().main(["cog", "--check", str(tmp_path / "README.md")]) != 0
