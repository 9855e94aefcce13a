"""CONTRIBUTING.md's walkthrough, run as written: every ``$ claimtrail …`` command of its
numbered steps, in a copy of the repository's data and docs/examples, must print what the
guide shows, and every CSV block is appended to the table the guide names.

In the guide's output, a line ``...`` stands for any number of lines and ``…`` inside a
line for any text (a timing, say). The one step the guide leaves to the reader's hands (the
enum value fixed in claim_attributions.csv) is made here, where the guide says so.
"""

from __future__ import annotations

import re
import shlex
import shutil

from conftest import DATA, REPO

from claimtrail.cli import main

GUIDE = REPO / "CONTRIBUTING.md"
HAND_EDIT = "Fix the rest by hand"


def _steps(text: str) -> list[tuple[str, object]]:
    """("command", (argv, expected lines)), ("append", (table, rows)) and ("edit", None), in order."""
    start, end = text.index("## 1. Add the source text"), text.index("## 6. Open the pull request")
    body = text[start:end]
    steps: list[tuple[str, object]] = []
    pattern = re.compile(r"```(console|csv)\n(.*?)```|(" + re.escape(HAND_EDIT) + ")", re.S)
    for m in pattern.finditer(body):
        if m.group(3):
            steps.append(("edit", None))
        elif m.group(1) == "csv":
            before = body[: m.start()].rstrip().splitlines()[-3:]
            names = re.findall(r"`data/(\w+\.csv)`", "\n".join(before))
            assert names, f"no table named before the csv block at {m.start()}"
            steps.append(("append", (names[-1], m.group(2).splitlines())))
        else:
            command = None
            for line in m.group(2).splitlines():
                if line.startswith("$ "):
                    command = (shlex.split(line[2:]), [])
                    steps.append(("command", command))
                else:
                    assert command is not None, "output before any command"
                    command[1].append(line)
    return steps


def _matches(expected: list[str], actual: list[str]) -> bool:
    pattern = ""
    for line in expected:
        if line == "...":
            pattern += r"(?:[^\n]*\n)*?"
        else:
            pattern += ".*".join(re.escape(part) for part in line.split("…")) + r"\n"
    return re.fullmatch(pattern, "".join(f"{line}\n" for line in actual)) is not None


def test_the_guide_has_the_steps_it_promises():
    steps = _steps(GUIDE.read_text(encoding="utf-8"))
    commands = [s[1][0][1] for s in steps if s[0] == "command"]
    assert commands[:4] == ["add-source", "validate", "locate", "locate"]
    assert {"descriptor", "fix"} <= set(commands) and commands[-1] == "validate"
    assert [s[0] for s in steps].count("append") == 7 and ("edit", None) in steps


def test_the_walkthrough_prints_what_the_guide_shows(tmp_path, monkeypatch, capsys):
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(REPO / "docs" / "examples", tmp_path / "docs" / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    for kind, step in _steps(GUIDE.read_text(encoding="utf-8")):
        if kind == "append":
            table, rows = step
            with open(tmp_path / "data" / table, "a", encoding="utf-8", newline="") as f:
                f.write("".join(f"{row}\n" for row in rows))
        elif kind == "edit":
            path = tmp_path / "data" / "claim_attributions.csv"
            text = path.read_text(encoding="utf-8")
            assert ",direct quote," in text
            path.write_text(text.replace(",direct quote,", ",direct_quote,"), encoding="utf-8")
        else:
            argv, expected = step
            assert argv[0] == "claimtrail"
            main(argv[1:])
            out, err = capsys.readouterr()
            out_lines, err_lines = out.splitlines(), err.splitlines()
            # The first line names the package, on standard error when standard output is a diff.
            if out_lines[:1] and out_lines[0].startswith("package: "):
                actual = out_lines + err_lines
            else:
                actual = err_lines[:1] + out_lines + err_lines[1:]
            assert _matches(expected, actual), (
                f"CONTRIBUTING.md shows for '{shlex.join(argv)}':\n"
                + "\n".join(expected)
                + "\n\nbut it printed:\n"
                + "\n".join(actual)
            )
