"""The README is checked against the code: its set-up commands, its Python example, its tables."""
from __future__ import annotations

import re

from claimtrail.layout import build_layout
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_ci_runs_the_readme_test_command():
    setup = code_blocks("sh")
    assert len(setup) >= 2, "the README gives two set-up commands"
    install_and_validate, install_and_test = setup[0].strip(), setup[1].strip()
    assert install_and_validate.endswith("claimtrail validate")
    assert install_and_test in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_python_example_runs_on_the_bundled_data():
    example = code_blocks("python")[0]
    exec(compile(example, "README.md", "exec"), {})


def test_every_table_is_named_in_the_record_types_table():
    section = README.split("### Record types", 1)[1].split("## Using the data", 1)[0]
    named = set(re.findall(r"`([a-z_*]+)`", section))
    for table in build_layout().tables:
        assert table.name in named or any(n.endswith("*") and table.name.startswith(n[:-1]) for n in named), table.name
