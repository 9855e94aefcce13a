"""The fast engine's table reader (validation/fast/run.py, _Reader): a table read ahead in a
thread, or a file scanned ahead, gives the table load_table reads, whichever way the run goes,
and a table polars cannot read or scan raises its Fallback when the run comes to it, not
before."""

from __future__ import annotations

import json
from contextlib import closing

import pytest

from claimtrail.contract.layout import build_layout
from claimtrail.validation.fast.engine import load_table
from claimtrail.validation.fast.run import _Reader
from claimtrail.validation.fast.tables import Fallback


@pytest.fixture
def tables(small_package):
    layout = build_layout()
    descriptor = json.loads((small_package / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    specs = [layout.table(n) for n in ("actors", "actor_names", "actor_roles", "events")]
    return small_package, resources, specs


def _refused(resources: dict, name: str) -> dict:
    """The resources with ``name`` refused by the descriptor step."""
    return dict(resources, **{name: dict(resources[name], _unsafe=True)})


def _same(got, want) -> None:
    (table, errors), (want_table, want_errors) = got, want
    assert table.name == want_table.name
    assert table.df.equals(want_table.df)
    assert [str(e) for e in errors] == [str(e) for e in want_errors]


@pytest.mark.parametrize("ahead", [True, False])
def test_tables_in_order_and_out_of_order_are_those_load_table_reads(tables, ahead):
    root, resources, specs = tables
    with closing(_Reader(root, resources, specs, ahead=ahead)) as reader:
        for spec in [specs[0], specs[1], specs[3], specs[2]]:  # the last two out of order
            _same(reader.load(spec), load_table(root, resources[spec.name], spec))
            if ahead and spec is specs[0]:
                assert reader.next is not None and reader.next[0] == specs[1].name
    assert reader.pool is None or reader.pool._shutdown


def test_a_bad_table_read_ahead_fails_when_the_run_comes_to_it(tables):
    root, resources, specs = tables
    path = root / resources["actor_names"]["path"]
    path.write_bytes(path.read_bytes() + b'"an unterminated quote\n')
    with closing(_Reader(root, resources, specs, ahead=True)) as reader:
        _same(
            reader.load(specs[0]), load_table(root, resources["actors"], specs[0])
        )  # reads the bad one ahead
        with pytest.raises(Fallback, match="actor_names"):
            reader.load(specs[1])
        _same(reader.load(specs[2]), load_table(root, resources["actor_roles"], specs[2]))


def test_a_refused_table_is_not_read_ahead(tables):
    root, resources, specs = tables
    resources = _refused(resources, "actor_names")
    with closing(_Reader(root, resources, specs, ahead=True)) as reader:
        reader.load(specs[0])
        assert reader.next is not None and reader.next[0] == "actor_roles"


def test_without_reading_ahead_every_file_is_scanned_ahead_in_the_run_order(tables):
    root, resources, specs = tables
    resources = _refused(resources, "actor_roles")
    with closing(_Reader(root, resources, specs, ahead=False)) as reader:
        assert list(reader.scans) == ["actors", "actor_names", "events"]  # not the refused one
        scan = reader.scans["events"]
        _same(reader.load(specs[3]), load_table(root, resources["events"], specs[3]))
        assert "events" not in reader.scans and scan.done()  # the scan the load used
    assert reader.scanner is not None and reader.scanner._shutdown


def test_a_file_whose_scan_ahead_fails_fails_when_the_run_comes_to_it(tables):
    root, resources, specs = tables
    path = root / resources["actor_names"]["path"]
    path.write_bytes(path.read_bytes().replace(b"\n", b"\x00\n", 1))  # a NUL byte: the scan's refusal
    with closing(_Reader(root, resources, specs, ahead=False)) as reader:
        reader.scans["actor_names"].exception()  # the scan is over, its Fallback kept
        _same(reader.load(specs[0]), load_table(root, resources["actors"], specs[0]))
        with pytest.raises(Fallback, match=r"actor_names\.csv: NUL byte"):
            reader.load(specs[1])
        _same(reader.load(specs[2]), load_table(root, resources["actor_roles"], specs[2]))


def test_a_table_polars_cannot_read_falls_back_while_its_scan_still_waits(tmp_path):
    # The scan run ahead may still be queued behind another file's when polars fails on the
    # table: the read falls back (the reference reports the file), it does not stop.
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from claimtrail.validation.fast.tables import read_table, scan_file

    path = tmp_path / "t.csv"
    path.write_bytes(b"id,x\n1,2,3\n")  # a ragged row: polars refuses it
    busy, scanner = threading.Event(), ThreadPoolExecutor(1)
    try:
        scanner.submit(busy.wait, 5)  # another file's scan, still running
        scanning = scanner.submit(scan_file, path, "t.csv")
        with pytest.raises(Fallback, match=r"t\.csv: "):
            read_table(path, "t.csv", ["id", "x"], scanning=scanning)
        assert scanning.cancelled()
    finally:
        busy.set()
        scanner.shutdown(wait=True)
