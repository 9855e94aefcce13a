"""The README is checked against the code: its set-up commands, its Python and SQL examples, its tables."""

from __future__ import annotations

import re

from conftest import DATA, REPO

from claimtrail.contract.layout import build_layout

README = (REPO / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_ci_runs_the_readme_test_command():
    setup = code_blocks("sh")
    assert len(setup) >= 2, "the README gives two set-up commands"
    install_and_validate, install_and_test = setup[0].strip(), setup[1].strip()
    assert install_and_validate.endswith("claimtrail validate")
    assert install_and_test in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_first_command_prints_what_the_readme_says(monkeypatch, capsys):
    """`claimtrail validate` run in the checkout, as the first set-up command is."""
    from claimtrail.cli import main

    said = README.split("Run in the checkout, the first prints two lines", 1)[1].split("Outside a", 1)[0]
    first, second = re.findall(r"`([^`]+)`", said)[:2]
    monkeypatch.chdir(REPO)
    assert main(["validate"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == first
    assert lines[1].startswith(second.split("…", 1)[0]), (lines[1], second)


def test_every_python_example_runs_as_written(bundled_release, monkeypatch):
    """Each ```python block, in a fresh namespace, from the folder of an unpacked release (where
    the Parquet examples say to run them; the others do not depend on the folder)."""
    examples = code_blocks("python")
    assert len(examples) >= 3, "the README gives the records, dataframe and Parquet examples"
    assert any("read_parquet" in e for e in examples) and any(".frame(" in e for e in examples)
    monkeypatch.chdir(bundled_release)
    for number, example in enumerate(examples, 1):
        exec(compile(example, f"README.md (python example {number})", "exec"), {})


def test_every_sql_example_runs_in_duckdb_on_the_release(bundled_release, monkeypatch):
    import duckdb

    examples = code_blocks("sql")
    assert examples, "the README gives a DuckDB example"
    monkeypatch.chdir(bundled_release)
    for example in examples:
        with duckdb.connect() as db:
            rows = db.execute(example).fetchall()
        assert rows, example


def test_every_table_is_named_in_the_record_types_table():
    section = README.split("### Record types", 1)[1].split("## Using the data", 1)[0]
    named = set(re.findall(r"`([a-z_*]+)`", section))
    for table in build_layout().tables:
        assert table.name in named or any(n.endswith("*") and table.name.startswith(n[:-1]) for n in named), (
            table.name
        )


def test_record_counts_stated_in_the_readme_are_the_data():
    import claimtrail

    ds = claimtrail.load(DATA)  # the checkout's data, whatever copy is installed
    stated = dict(
        (label, int(n))
        for n, label in re.findall(
            r"(\d+)\s+(sources|pointers|actors|events|claims|discrepancies|uncoded span|tombstones)",
            README.split("## Set-up")[0],
        )
    )
    actual = {
        "sources": ds.sources,
        "pointers": ds.pointers,
        "actors": ds.actors,
        "events": ds.events,
        "claims": ds.claims,
        "discrepancies": ds.discrepancies,
        "uncoded span": ds.uncoded,
        "tombstones": ds.tombstones,
    }
    assert stated == {k: len(v) for k, v in actual.items()}
