"""frictionless' metadata check of the descriptor in a child process.

A process that has not loaded frictionless (the command line) has the child check the
descriptor while it reads the tables. These tests run such processes for real: the verdict
must be frictionless' own whichever process found it, and a child that fails must not be
trusted.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import DATA

from claimtrail.validation.validate import validate_package

# Validates each package named on the command line in a fresh process with the engine argv[2],
# then says what it found and whether frictionless was loaded in that process by then.
# argv[1], when not "-", stands in for sys.executable: the program the child is run with.
# The reference engine loads frictionless itself: it must start no child.
SCRIPT = """
import json, subprocess, sys
from pathlib import Path
if sys.argv[1] != "-":
    sys.executable = sys.argv[1]
if sys.argv[2] == "frictionless":
    def no_child(*args, **kwargs):
        raise AssertionError("a child process was started")
    subprocess.Popen = no_child
from claimtrail.validation.validate import validate_package
out = []
for root in sys.argv[3:]:
    report = validate_package(Path(root), engine=sys.argv[2])
    out.append({
        "problems": [[p.path, p.line, p.check, p.message] for p in report.sorted_problems()],
        "steps": report.steps,
        "frictionless loaded": "frictionless" in sys.modules,
    })
print(json.dumps(out))
"""


def _start(*runs: tuple[str, str, list[Path]]) -> list[subprocess.Popen]:
    """Fresh processes running SCRIPT, one per (executable, engine, packages), side by side."""
    return [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, executable, engine, *map(str, roots)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for executable, engine, roots in runs
    ]


def _said(procs: list[subprocess.Popen]) -> list[list[dict]]:
    outs = [proc.communicate(timeout=300)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * len(procs)
    return [json.loads(out) for out in outs]


def _not_a_data_package(tmp_path: Path) -> Path:
    """A copy of the bundled data whose descriptor frictionless rejects: a text's size is not
    an integer (claimtrail's own descriptor checks have nothing to say of it)."""
    root = tmp_path / "pkg"
    shutil.copytree(DATA, root)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    text = next(r for r in descriptor["resources"] if "schema" not in r)
    text["bytes"] = "many"
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return root


def _refusing(tmp_path: Path) -> Path:
    """A copy of the bundled data with a text resource the descriptor step refuses (a URL),
    which frictionless must not be shown: the child has to leave out the same resources."""
    root = tmp_path / "url"
    shutil.copytree(DATA, root)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    text = next(r for r in descriptor["resources"] if "schema" not in r)
    # Its size is wrong too: shown to frictionless, it would be a metadata error.
    far = {**text, "name": "far-away", "path": "https://example.org/x.txt", "bytes": "many"}
    descriptor["resources"].insert(1, far)
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return root


def _problems(report) -> list[list]:
    return [[p.path, p.line, p.check, p.message] for p in report.sorted_problems()]


def test_a_fresh_process_leaves_the_descriptor_to_a_child_and_gets_frictionless_verdict(tmp_path):
    broken = _not_a_data_package(tmp_path)
    refusing = _refusing(tmp_path)
    running = _start(("-", "fast", [DATA, broken, refusing]), ("-", "frictionless", [broken]))
    reference = validate_package(broken, engine="frictionless")  # meanwhile
    [[valid, invalid, refused], [by_reference]] = _said(running)
    assert refused["problems"] == _problems(validate_package(refusing, engine="frictionless"))
    assert any(p[2] == "descriptor-url" for p in refused["problems"])
    assert not any("not a valid Data Package" in p[3] for p in refused["problems"])
    assert by_reference["problems"] == _problems(reference)  # without a child
    # A valid package: checked in full (coverage ran last) without frictionless in the process.
    assert valid["problems"] == [] and valid["steps"][-1] == "coverage"
    assert valid["frictionless loaded"] is False
    # The child found the metadata error; what the fast engine had found was set aside and
    # the reference engine ran, as it does when the check runs in the process.
    assert invalid["problems"] == _problems(reference)
    assert any("not a valid Data Package" in p[3] and "many" in p[3] for p in invalid["problems"])
    assert invalid["steps"] == reference.steps
    assert invalid["frictionless loaded"] is True


def test_a_child_that_fails_or_answers_nonsense_is_not_trusted():
    # The child's program exits 1, or exits 0 printing no JSON: the check runs in the process.
    failed, nonsense = _said(
        _start((str(shutil.which("false")), "fast", [DATA]), (str(shutil.which("echo")), "fast", [DATA]))
    )
    for [valid] in (failed, nonsense):
        assert valid["problems"] == [] and valid["steps"][-1] == "coverage"
        assert valid["frictionless loaded"] is True
