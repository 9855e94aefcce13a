"""Fuzzing the promise of issue 15: hypothesis builds hostile packages (paths, descriptors,
headers, cells, graphs), and every command that reads one exits 1 or 2, without a traceback,
without a connection to the listener its URLs name, without changing a byte of it, and
within the CPU bound.

The CI profile (the default) draws a few packages per test; HYPOTHESIS_PROFILE=long draws
hundreds (conftest.py registers both). Memory is bounded in test_untrusted.py, which runs
the worst cases in a child process and reads its peak.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import pytest
from conftest import SmallPackage, write_records
from helpers import read_rows, write_rows
from hostile import SOURCE, Listener, copy, edit_descriptor, replace_with, resource, snapshot
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claimtrail.cli import main

CPU_SECONDS = 5.0
TABLES = ["claims", "actors", "pointers", "events", "sources", "event_relations"]
FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    small = SmallPackage(tmp_path_factory.mktemp("fuzz") / "pkg")
    write_records(small.root, small.records())
    return small.root


@pytest.fixture(scope="module")
def listener():
    sock = Listener()
    yield sock
    sock.close()


# -- strategies: one damage each ----------------------------------------------------------------

files = st.sampled_from([f"{t}.csv" for t in TABLES] + [SOURCE])
path_damage = st.tuples(
    st.just("path"), files, st.sampled_from(["fifo", "/dev/zero", "/dev/urandom", "directory", "outside"])
)
url_damage = st.tuples(
    st.just("url"),
    st.sampled_from(["$schema", "profile", "dialect", "schema", "schema.$schema", "path"]),
    st.sampled_from(TABLES + ["src-000"]),
)
declaration_damage = st.tuples(
    st.just("declare"),
    st.sampled_from(["encoding", "format", "mediatype", "scheme", "compression"]),
    st.sampled_from(
        ["utf-16", "latin-1", "xlsx", "json", "gz", "zip", "application/pdf", "s3", "", 7, None, []]
    ),
)
descriptor_damage = st.tuples(
    st.just("descriptor"),
    st.sampled_from(["array", "deep", "number", "duplicate", "truncated", "binary", "not-dict-resources"]),
    st.integers(min_value=1, max_value=5000),
)
header_damage = st.tuples(
    st.just("header"),
    st.sampled_from(TABLES),
    st.one_of(st.integers(min_value=0, max_value=3000), st.text(max_size=40)),
)
cell_damage = st.tuples(
    st.just("cell"),
    st.sampled_from(TABLES),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
    | st.sampled_from(["x\n", "ptr-000-0001\n", '"', "\x00"]),
)
graph_damage = st.tuples(
    st.just("graph"), st.sampled_from(["parent", "self-parent", "variant", "via"]), st.just(0)
)
damages = st.lists(
    st.one_of(
        path_damage,
        url_damage,
        declaration_damage,
        descriptor_damage,
        header_damage,
        cell_damage,
        graph_damage,
    ),
    min_size=1,
    max_size=3,
)


def apply(pkg: Path, damage: tuple, url: str) -> None:
    kind, what, how = damage
    if kind == "path":
        if (pkg / what).is_file() and not (pkg / what).is_symlink():
            outside = pkg.parent / "outside.csv"
            outside.write_text("id\n", encoding="utf-8")
            replace_with(pkg, what, how, outside)
    elif kind in ("url", "declare"):
        path = pkg / "datapackage.json"
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError, OSError):
            return  # already not a descriptor

        def change(d):
            if kind == "url":
                node = d if what in ("$schema", "profile") else resource(d, how)
                if what == "schema.$schema":
                    node = node["schema"] if isinstance(node.get("schema"), dict) else node
                    what_key = "$schema"
                else:
                    what_key = what
                node[what_key] = url
            else:
                r = resource(d, "claims" if how != 7 else "src-000")
                r[what] = how

        try:
            edit_descriptor(pkg, change)
        except (KeyError, TypeError, AttributeError, StopIteration):
            return  # an earlier damage left no such resource or object to damage
    elif kind == "descriptor":
        path = pkg / "datapackage.json"
        if not path.is_file() or path.is_symlink():
            return
        if what == "truncated":  # read only here: an earlier damage may have left bytes that are not UTF-8
            text = path.read_bytes().decode("utf-8", "surrogateescape")[: how % 500]
        else:
            text = {
                "array": "[]",
                "deep": "[" * (64 + how) + "]" * (64 + how),
                "number": '{"version": ' + "7" * (100 + how) + "}",
                "duplicate": '{"name": "a", "name": "b"}',
                "binary": "\udcff",
                "not-dict-resources": '{"$schema": "https://datapackage.org/profiles/2.0/datapackage.json", "resources": [1, "x", null]}',
            }[what]
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
    elif kind == "header":
        path = pkg / f"{what}.csv"
        if not path.is_file() or path.is_symlink():
            return
        rows = read_rows(path) if _utf8(path) else [[]]
        header = [f"c{i}" for i in range(how)] if isinstance(how, int) else [how]
        write_rows(path, [header] + rows[1:])
    elif kind == "cell":
        path = pkg / f"{what}.csv"
        if not path.is_file() or path.is_symlink() or not _utf8(path):
            return
        rows = read_rows(path)
        if len(rows) > 1 and rows[1]:
            rows[1][0] = how
            write_rows(path, rows)
    elif kind == "graph":
        events, claims = pkg / "events.csv", pkg / "claims.csv"
        if not all(p.is_file() and not p.is_symlink() and _utf8(p) for p in (events, claims)):
            return
        rows = read_rows(events)
        claim_rows = read_rows(claims)
        if (
            len(rows) < 3
            or len(claim_rows) < 2
            or "parent" not in rows[0]
            or "variant_of" not in claim_rows[0]
        ):
            return
        at = rows[0].index("parent")
        if what == "parent":
            rows[1][at], rows[2][at] = rows[2][0], rows[1][0]
        elif what == "self-parent":
            rows[1][at] = rows[1][0]
        elif what == "variant":
            claim_rows[1][claim_rows[0].index("variant_of")] = claim_rows[1][0]
        elif what == "via":  # a claim passed on via its own claimant
            attributions = pkg / "claim_attributions.csv"
            if not (attributions.is_file() and not attributions.is_symlink() and _utf8(attributions)):
                return
            chain = read_rows(attributions)
            if len(chain) < 2 or "via" not in chain[0] or "claimant" not in claim_rows[0]:
                return
            claimant = {r[0]: r[claim_rows[0].index("claimant")] for r in claim_rows[1:] if r}
            row = chain[1]
            if not claimant.get(row[chain[0].index("claim")]):
                return
            row[chain[0].index("via")] = claimant[row[chain[0].index("claim")]]
            write_rows(attributions, chain)
            return
        write_rows(events, rows)
        write_rows(claims, claim_rows)


def _utf8(path: Path) -> bool:
    try:
        path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return False
    return True


def _check(capsys, listener: Listener, pkg: Path, argv: list[str], allowed=(1, 2)) -> None:
    before = snapshot(pkg)
    cpu = time.thread_time()  # this thread's work (polars' own threads spin under load)
    code = main(argv)
    spent = time.thread_time() - cpu
    out, err = capsys.readouterr()
    assert code in allowed, f"{argv[0]} exited {code}: {out[-2000:]}{err[-2000:]}"
    assert "Traceback" not in out + err and "internal error" not in err, err
    assert listener.connections() == 0, f"{argv[0]} connected to the listener"
    assert snapshot(pkg) == before, f"{argv[0]} changed the package"
    assert spent <= CPU_SECONDS, f"{argv[0]} took {spent:.1f} s of CPU"


@FUZZ
@given(damage=damages, engine=st.sampled_from(["fast", "frictionless"]))
# Damages that once broke the test itself: a claim passed on via its own claimant, and a
# descriptor cut short after an earlier damage left bytes that are not UTF-8.
@example(damage=[("graph", "via", 0)], engine="fast")
@example(damage=[("descriptor", "binary", 1), ("descriptor", "truncated", 3)], engine="fast")
def test_validate_keeps_its_promise_on_hostile_packages(base, listener, capsys, damage, engine):
    with tempfile.TemporaryDirectory() as tmp:
        pkg = copy(base, Path(tmp) / "pkg")
        for d in damage:
            apply(pkg, d, listener.url)
        if snapshot(pkg) == snapshot(base):
            return  # every damage was a no-op on what earlier ones left
        _check(capsys, listener, pkg, ["validate", str(pkg), "--engine", engine])


@FUZZ
@given(
    damage=damages,
    command=st.sampled_from(["coverage", "descriptor", "fix", "diff", "locate", "release"]),
)
def test_other_commands_keep_the_promise_on_hostile_packages(base, listener, capsys, damage, command):
    with tempfile.TemporaryDirectory() as tmp:
        pkg = copy(base, Path(tmp) / "pkg")
        for d in damage:
            apply(pkg, d, listener.url)
        argv = {
            "coverage": ["coverage", str(pkg)],
            "descriptor": ["descriptor", str(pkg), "--check"],
            "fix": ["fix", str(pkg)],
            "diff": ["diff", str(base), str(pkg)],
            "locate": ["locate", "src-000", "the strikes", "--package", str(pkg)],
            "release": ["release", str(pkg), "--no-python-dist", "--out", str(Path(tmp) / "dist")],
        }[command]
        # A damage can leave what these commands read intact (a URL, say): 0 is allowed, but
        # never a traceback, a connection or a changed byte.
        _check(capsys, listener, pkg, argv, allowed=(0, 1, 2))
