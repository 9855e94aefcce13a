"""Untrusted packages (issue 15): never fetch, never hang, bounded memory, honest writes,
graphs without cycles.

The damaged packages that could hang or exhaust memory run in one child process
(bounded_run.py), which measures each command's CPU time and the peak memory of all of them:
a FIFO or /dev/zero read would block or grow without end, and the child's alarm would turn
it into a failure instead of a hung suite. The rest run in-process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import SmallPackage, write_descriptor, write_records
from helpers import read_rows, write_rows
from hostile import (
    SOURCE,
    Listener,
    copy,
    edit_descriptor,
    parent_cycle,
    replace_with,
    resource,
    set_first_cell,
    snapshot,
    wide_header,
)

from claimtrail.cli import main
from claimtrail.contract.problems import Report
from claimtrail.validation.validate import validate_package

TESTS = Path(__file__).resolve().parents[1]  # the tests folder, which holds bounded_run.py
CPU_SECONDS = 5.0
PEAK_MIB = 512


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    small = SmallPackage(tmp_path_factory.mktemp("base") / "pkg")
    write_records(small.root, small.records())
    return small.root


def checks(report: Report) -> set[tuple[str, str | None, str]]:
    return {(p.path, p.field, p.check) for p in report.sorted_problems()}


# -- the bounded cases: every command, in a child process ---------------------------------------


def _hostile(root: Path, base: Path) -> dict[str, tuple[Path, str]]:
    """name -> (damaged package, the file a report must name)."""
    out: dict[str, tuple[Path, str]] = {}
    outside = root / "outside.csv"
    outside.write_text("id\n", encoding="utf-8")
    for name, relative, kind in (
        ("fifo-table", "claims.csv", "fifo"),
        ("zero-table", "actors.csv", "/dev/zero"),
        ("urandom-table", "pointers.csv", "/dev/urandom"),
        ("directory-table", "events.csv", "directory"),
        ("outside-table", "claims.csv", "outside"),
        ("fifo-source", SOURCE, "fifo"),
        ("zero-source", SOURCE, "/dev/zero"),
    ):
        pkg = copy(base, root / name)
        replace_with(pkg, relative, kind, outside)
        out[name] = (pkg, Path(relative).name)
    pkg = copy(base, root / "fifo-descriptor")
    replace_with(pkg, "datapackage.json", "fifo")
    out["fifo-descriptor"] = (pkg, "datapackage.json")
    pkg = copy(base, root / "million-columns")
    wide_header(pkg, "claims", 1_000_000)
    out["million-columns"] = (pkg, "claims.csv")
    pkg = copy(base, root / "many-resources")  # more than the limit, less than the size limit
    edit_descriptor(
        pkg, lambda d: d["resources"].extend({"name": f"r{i}", "path": "x.csv"} for i in range(60_000))
    )
    out["many-resources"] = (pkg, "datapackage.json")
    pkg = copy(base, root / "huge-descriptor")
    edit_descriptor(pkg, lambda d: d.update(description="x" * (100 << 20)))
    out["huge-descriptor"] = (pkg, "datapackage.json")
    pkg = copy(base, root / "long-quote")
    set_first_cell(pkg, "pointers", "quote", ("militia positions near the border " * 400)[:10_000])
    write_descriptor(pkg)
    out["long-quote"] = (pkg, "pointers.csv")
    return out


# Every command on every package; the slower ones (the reference engine, release, which
# validates first) on the packages that damage each kind of file once.
THOROUGH = ("fifo-table", "zero-source", "million-columns", "huge-descriptor")


def _commands(name: str, pkg: Path, base: Path, work: Path) -> list[list[str]]:
    commands = [
        ["validate", str(pkg), "--engine", "fast"],
        ["coverage", str(pkg)],
        ["descriptor", str(pkg), "--check"],
        ["fix", str(pkg)],
        ["diff", str(base), str(pkg)],
        ["locate", "src-000", "the strikes", "--package", str(pkg)],
    ]
    if name in THOROUGH:
        commands += [
            ["validate", str(pkg), "--engine", "frictionless"],
            ["release", str(pkg), "--no-python-dist", "--out", str(work / "dist")],
            ["site", str(pkg), "--out", str(work / "site")],
        ]
    return commands


@pytest.fixture(scope="module")
def bounded(base, tmp_path_factory) -> tuple[dict, dict, dict]:
    root = tmp_path_factory.mktemp("hostile")
    packages = _hostile(root, base)
    before = {name: snapshot(pkg) for name, (pkg, _) in packages.items()}
    cases, owners = [], []
    for name, (pkg, _) in packages.items():
        for argv in _commands(name, pkg, base, root / f"{name}-out"):
            cases.append(argv)
            owners.append(name)
    bomb = root / "bomb.zip"
    # The fastest deflate level: as large once inflated, and written in half the time.
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z,
        z.open("datapackage.json", "w", force_zip64=True) as f,
    ):
        for _ in range(600):
            f.write(bytes(1 << 20))  # 600 MiB of zeros, under 3 MB compressed
    sparse = root / "sparse.txt"
    with open(sparse, "wb") as f:
        f.truncate(3 << 30)
    extra = {
        "zip-bomb": ["diff", str(bomb), str(base)],
        "sparse-add-source": ["add-source", str(sparse), "--package", str(copy(base, root / "adding"))],
    }
    for name, argv in extra.items():
        cases.append(argv)
        owners.append(name)
    spec = root / "cases.json"
    spec.write_text(json.dumps(cases), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(TESTS / "bounded_run.py"), str(spec)],
        # One polars thread: CPU time then measures the work, not threads spinning on a busy machine.
        env={**os.environ, "POLARS_MAX_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=root,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    run = json.loads(done.stdout)
    results: dict[str, list[dict]] = {}
    for name, result in zip(owners, run["results"]):
        results.setdefault(name, []).append(result)
    after = {name: snapshot(pkg) for name, (pkg, _) in packages.items()}
    return (
        {"results": results, "peak": run["peak_mib"], "named": {k: v[1] for k, v in packages.items()}},
        before,
        after,
    )


@pytest.mark.long
def test_every_command_refuses_every_hostile_package_quickly(bounded):
    """Exit 1 or 2 with the offending file named, within the CPU bound, nothing blocked,
    no traceback, the package unchanged; and the peak memory of all of them within bound."""
    run, before, after = bounded
    failures = []
    for name, results in run["results"].items():
        for r in results:
            command = r["argv"][0]
            text = r["out"] + r["err"]
            if r["code"] == "hung":
                failures.append(f"{name}: {command} blocked")
            elif r["cpu"] > CPU_SECONDS:
                failures.append(f"{name}: {command} took {r['cpu']:.1f} s of CPU")
            elif "Traceback" in text or "internal error" in text:
                failures.append(f"{name}: {command}: {text[-500:]}")
            elif command in ("validate", "release", "site") and r["code"] not in (1, 2):
                failures.append(f"{name}: {command} exited {r['code']}")
            elif command == "validate" and name in run["named"] and run["named"][name] not in text:
                failures.append(f"{name}: {command} does not name {run['named'][name]}: {text[-300:]}")
        if name in before and before[name] != after[name]:
            failures.append(f"{name}: the package changed")
    # The 10,000-character quote is still reported, its near-miss search skipped.
    assert "pointer-quote" in run["results"]["long-quote"][0]["out"]
    # A zip bomb and a 3 GiB sparse file are refused by their size, before anything is read.
    for name in ("zip-bomb", "sparse-add-source"):
        (r,) = run["results"][name]
        if r["code"] not in (1, 2) or "limit" not in r["err"]:
            failures.append(f"{name}: exited {r['code']}: {r['err'][-300:]}")
    assert not failures, "\n".join(failures)
    if run["peak"] > PEAK_MIB or os.environ.get("SHOW_PEAKS"):
        grew = [
            f"{name}: {r['argv'][0]} {r['peak_mib']:.0f} MiB"
            for name, results in run["results"].items()
            for r in results
        ]
        raise AssertionError(f"peak resident memory {run['peak']:.0f} MiB, after each case: {grew}")


# -- no network ---------------------------------------------------------------------------------


def _with_urls(base: Path, target: Path, url: str) -> Path:
    pkg = copy(base, target)

    def change(d):
        d["$schema"] = url
        resource(d, "claims")["dialect"] = url
        resource(d, "actors")["schema"] = url
        resource(d, "events")["schema"]["$schema"] = url
        resource(d, "src-000")["path"] = url

    edit_descriptor(pkg, change)
    return pkg


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_urls_in_the_descriptor_are_refused_and_never_fetched(base, tmp_path, engine):
    listener = Listener()
    try:
        pkg = _with_urls(base, tmp_path / "pkg", listener.url)
        report = validate_package(pkg, engine=engine)
        assert listener.connections() == 0
    finally:
        listener.close()
    refused = {p.field for p in report.problems if p.check == "descriptor-url"}
    assert "$schema" in refused
    for suffix in (".dialect", "].schema", ".schema.$schema", ".path"):
        assert any(f.endswith(suffix) for f in refused), (suffix, refused)


def test_no_command_needs_the_network(base, tmp_path):
    """Under `unshare -n` (no network at all), the refusal is the same."""
    import shutil

    unshare = shutil.which("unshare")
    assert unshare, "util-linux's unshare is part of every Debian system"
    pkg = _with_urls(base, tmp_path / "pkg", "http://169.254.169.254/latest/meta-data")
    probe = subprocess.run([unshare, "-n", "true"], capture_output=True)
    if probe.returncode != 0:  # no user namespaces here: the listener test above still holds
        cmd = [sys.executable, "-m", "claimtrail", "validate", str(pkg)]
    else:
        cmd = [unshare, "-n", sys.executable, "-m", "claimtrail", "validate", str(pkg)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "descriptor-url" in done.stdout and "Traceback" not in done.stderr


# -- declarations and patterns ------------------------------------------------------------------


def test_declarations_that_are_not_honoured_are_refused(base, tmp_path):
    pkg = copy(base, tmp_path / "pkg")

    def change(d):
        resource(d, "claims")["encoding"] = "utf-16"
        resource(d, "actors")["format"] = "xlsx"
        resource(d, "events")["compression"] = "gz"
        resource(d, "src-000")["mediatype"] = "application/pdf"

    edit_descriptor(pkg, change)
    report = validate_package(pkg)
    fields = {p.field for p in report.problems if p.check == "descriptor-declaration"}
    assert {f.rsplit(".", 1)[1] for f in fields} == {"encoding", "format", "compression", "mediatype"}


@pytest.mark.parametrize("engine", ["fast", "frictionless"])
def test_an_id_with_a_trailing_line_break_is_refused(base, tmp_path, engine):
    pkg = copy(base, tmp_path / "pkg")
    rows = read_rows(pkg / "claims.csv")
    rows[1][0] += "\n"
    write_rows(pkg / "claims.csv", rows)
    write_descriptor(pkg)
    report = validate_package(pkg, engine=engine)
    assert ("claims.csv", "id", "constraint-error") in checks(report)


def test_id_patterns_mean_the_same_in_ajv_and_python():
    import re

    from claimtrail.contract.schemas import load_schemas

    patterns = sorted(
        {
            node["pattern"]
            for schema in load_schemas().files.values()
            for node in _nodes(schema)
            if isinstance(node, dict) and isinstance(node.get("pattern"), str)
        }
    )
    samples = ["src-001", "src-001\n", "act-a-b", "act-a-b\n", "ptr-000-0001", "en", "en\n", "x\ny", "S\n"]
    script = (
        "const [p, s] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(p.map(x => s.map(v => new RegExp(x, 'u').test(v)))));"
    )
    done = subprocess.run(
        ["node", "-e", script],
        input=json.dumps([patterns, samples]),
        capture_output=True,
        text=True,
        check=True,
    )
    ecma = json.loads(done.stdout)
    python = [[re.search(p, v) is not None for v in samples] for p in patterns]
    assert ecma == python
    assert not any(re.search(p, "src-001\n") for p in patterns if p.startswith("^src-"))


def _nodes(node):
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from _nodes(v)
    elif isinstance(node, list):
        for v in node:
            yield from _nodes(v)


# -- graphs -------------------------------------------------------------------------------------


def test_impossible_graphs_are_reported_alike_by_both_engines(bundled_copy):
    pkg = bundled_copy
    rows = read_rows(pkg / "events.csv")
    header = rows[0]
    rows[1][header.index("parent")] = rows[1][0]  # its own parent
    write_rows(pkg / "events.csv", rows)
    ring = parent_cycle_from(pkg, 2, 3)
    rel = read_rows(pkg / "event_relations.csv")
    rel[1][rel[0].index("other_event")] = rel[1][0]
    write_rows(pkg / "event_relations.csv", rel)
    claims = read_rows(pkg / "claims.csv")
    claims[2][claims[0].index("variant_of")] = claims[2][0]
    claimant = {r[0]: r[claims[0].index("claimant")] for r in claims[1:]}
    write_rows(pkg / "claims.csv", claims)
    attributions = read_rows(pkg / "claim_attributions.csv")
    row = next(r for r in attributions[1:] if claimant.get(r[0]))
    row[attributions[0].index("via")] = claimant[row[0]]
    write_rows(pkg / "claim_attributions.csv", attributions)
    write_descriptor(pkg)
    fast = validate_package(pkg, engine="fast")
    reference = validate_package(pkg, engine="frictionless")
    assert fast.sorted_problems() == reference.sorted_problems()
    messages = [p.message for p in fast.sorted_problems()]
    assert f"event {rows[1][0]} is its own parent" in messages
    assert any(" -> ".join(ring + ring[:1]) in m for m in messages)
    assert any("is related_to itself" in m for m in messages)
    assert any("is a variant of itself" in m for m in messages)
    assert any("via its own claimant" in m for m in messages)
    assert {p.check for p in fast.problems} == {"graph-cycle", "graph-self"}


def parent_cycle_from(pkg: Path, first: int, length: int) -> list[str]:
    """Events first..first+length-1 (1-based rows) each other's parents, in a ring."""
    rows = read_rows(pkg / "events.csv")
    header = rows[0]
    ids = [r[0] for r in rows[first : first + length]]
    for i, row in enumerate(rows[first : first + length]):
        row[header.index("parent")] = ids[(i + 1) % length]
    write_rows(pkg / "events.csv", rows)
    return ids


def test_a_tombstone_merge_loop_is_named(base, tmp_path):
    pkg = copy(base, tmp_path / "pkg")
    path = pkg / "tombstones.csv"
    header = read_rows(path)[0]
    row = dict.fromkeys(header, "")
    stones = []
    for rid, target in (("act-gone-a", "act-gone-b"), ("act-gone-b", "act-gone-a")):
        stones.append(
            [
                {**row, "id": rid, "status": "merged", "merged_into": target, "version": "0.1.0"}[h]
                for h in header
            ]
        )
    write_rows(path, [header] + stones)
    write_descriptor(pkg)
    report = validate_package(pkg)
    loops = [p.message for p in report.problems if p.check == "tombstone-target" and "loop" in p.message]
    assert any("act-gone-a -> act-gone-b -> act-gone-a" in m for m in loops)


def test_parent_cycle_of_the_small_package(base, tmp_path):
    pkg = copy(base, tmp_path / "pkg")
    ids = parent_cycle(pkg, 2)
    write_descriptor(pkg)
    report = validate_package(pkg)
    assert [p.found for p in report.problems if p.check == "graph-cycle"] == [" -> ".join(ids + ids[:1])]


# -- writes -------------------------------------------------------------------------------------


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("kind", ["directory", "/dev/full", "link"])
def test_dictionary_never_writes_through_or_over_a_non_file(tmp_path, capsys, kind):
    target = tmp_path / "dictionary.md"
    if kind == "directory":
        target.mkdir()
    elif kind == "link":
        (tmp_path / "real.md").write_text("mine\n", encoding="utf-8")
        target.symlink_to(tmp_path / "real.md")
    else:
        target = Path("/dev/full")
    code, text = _run(capsys, "dictionary", "--out", str(target))
    assert code == 2 and "written" not in text and "internal error" not in text, text
    assert "refusing" in text
    if kind == "link":
        assert target.is_symlink() and (tmp_path / "real.md").read_text(encoding="utf-8") == "mine\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_failing_write_is_an_error_not_written(tmp_path, capsys, monkeypatch):
    """A full disk: the write raises ENOSPC; nothing is left, and the command says so."""
    import errno

    from claimtrail.files import atomic

    def full(path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "_fsync_dir", full)
    code, text = _run(capsys, "dictionary", "--out", str(tmp_path / "d.md"))
    assert code == 2 and "No space left on device" in text and "written" not in text


@pytest.mark.parametrize("kind", ["link", "read-only"])
def test_fix_write_refuses_a_linked_or_read_only_table(base, tmp_path, capsys, kind):
    pkg = copy(base, tmp_path / "pkg")
    set_first_cell(pkg, "pointers", "start", str(int(read_rows(pkg / "pointers.csv")[1][2]) + 1))
    set_first_cell(pkg, "pointers", "end", str(int(read_rows(pkg / "pointers.csv")[1][3]) + 1))
    write_descriptor(pkg)
    table = pkg / "pointers.csv"
    if kind == "link":  # a link inside the package: it may be read, never replaced
        (pkg / "kept").mkdir()
        table.rename(pkg / "kept" / "pointers.csv")
        table.symlink_to(pkg / "kept" / "pointers.csv")
    else:
        table.chmod(0o444)
    before = snapshot(pkg)
    code, text = _run(capsys, "fix", str(pkg), "--write")
    assert code == 2 and "refusing" in text and "Traceback" not in text, text
    assert snapshot(pkg) == before


def test_add_source_refuses_a_day_that_does_not_exist(base, tmp_path, capsys):
    pkg = copy(base, tmp_path / "pkg")
    text_file = tmp_path / "story.txt"
    text_file.write_text("US strikes militia sites after drone attacks.\n", encoding="utf-8")
    before = snapshot(pkg)
    code, text = _run(
        capsys, "add-source", str(text_file), "--package", str(pkg), "--published", "2021-02-30"
    )
    assert code == 2 and "2021-02-30" in text
    assert snapshot(pkg) == before


def test_coverage_of_an_unreadable_source_is_not_complete(base, tmp_path, capsys):
    pkg = copy(base, tmp_path / "pkg")
    (pkg / SOURCE).write_bytes(b"\xff\xfe not UTF-8")
    code, text = _run(capsys, "coverage", str(pkg))
    assert code == 1 and "not UTF-8" in text and "complete" not in text.replace("incomplete", "")


@pytest.mark.parametrize("descriptor", ["[]", '{"version": ' + "9" * 100_000 + "}"])
def test_diff_of_a_strange_descriptor_is_an_error(base, tmp_path, capsys, descriptor):
    pkg = copy(base, tmp_path / "pkg")
    (pkg / "datapackage.json").write_text(descriptor, encoding="utf-8")
    code, text = _run(capsys, "diff", str(base), str(pkg))
    assert code == 2 and "internal error" not in text and "datapackage.json" in text, text


@pytest.mark.parametrize("where", ["sqlite", "zip"])
def test_an_interrupted_release_leaves_no_hidden_entries(base, tmp_path, capsys, monkeypatch, where):
    from claimtrail.publish import release

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    if where == "sqlite":
        monkeypatch.setattr(release, "build_sqlite", interrupt)
    else:
        monkeypatch.setattr(zipfile.ZipFile, "writestr", interrupt)
    out = tmp_path / "dist"
    code, _ = _run(capsys, "release", str(base), "--no-python-dist", "--out", str(out))
    assert code == 130
    assert [p.name for p in out.iterdir()] == []


@pytest.mark.parametrize("length", [300, 500, 10_000])
def test_the_near_miss_search_is_bounded(length):
    import time

    from claimtrail.package.locate import near_miss

    text = (TESTS.parent / "data" / SOURCE).read_text(encoding="utf-8")
    quote = ("militia positions near the border " * 400)[:length]
    cpu = time.thread_time()
    near_miss(text, quote)
    assert time.thread_time() - cpu <= 2.0
