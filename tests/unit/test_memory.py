"""The allocator setting of `claimtrail validate` (validation/fast/memory.py): set before
polars is loaded, in a fresh process as the command runs, for a large package only, and never
over the user's own."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from claimtrail.validation.fast.memory import JEMALLOC_SETTING, LARGE_TABLES, table_bytes

# Runs the command in a fresh process and prints the setting as it stands the moment polars
# is first imported: what jemalloc reads. The process ends there: what the run would go on to
# do is not what these tests are about (and a large package here is a sparse file).
_AT_POLARS_IMPORT = textwrap.dedent(
    """
    import os, sys, importlib.abc

    class Watch(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name == "polars" and "seen" not in globals():
                globals()["seen"] = os.environ.get("_RJEM_MALLOC_CONF", "<unset>")
                print("AT-POLARS", globals()["seen"], file=sys.stderr, flush=True)
                os._exit(0)
            return None

    sys.meta_path.insert(0, Watch())
    from claimtrail.cli import main
    sys.exit(main(["validate", sys.argv[1]]))
    """
)


def _run(package, env):
    return subprocess.run(
        [sys.executable, "-c", _AT_POLARS_IMPORT, str(package)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def _seen(stderr: str) -> str:
    return next(line.split(" ", 1)[1] for line in stderr.splitlines() if line.startswith("AT-POLARS"))


@pytest.fixture
def large_package(small_package):
    """small_package with claims.csv made LARGE_TABLES bytes long (sparse: no disk is used)."""
    claims = small_package / "claims.csv"
    os.truncate(claims, LARGE_TABLES)
    return small_package


def _without_setting():
    return {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}


def test_the_command_sets_the_allocator_before_polars_is_loaded(large_package):
    done = _run(large_package, _without_setting())
    assert done.returncode == 0, done.stderr
    assert _seen(done.stderr) == JEMALLOC_SETTING


def test_the_setting_a_parents_polars_import_left_is_not_the_users(large_package):
    # A process that imported polars (a notebook, a script, a test runner) has polars' default
    # in its environment; the command run from it must still return freed pages at once.
    parent = (
        "import os, subprocess, sys; import polars; "
        "print('INHERITED', os.environ['_RJEM_MALLOC_CONF'], file=sys.stderr, flush=True); "
        "sys.exit(subprocess.run([sys.executable, '-c', sys.argv[1], sys.argv[2]]).returncode)"
    )
    done = subprocess.run(
        [sys.executable, "-c", parent, _AT_POLARS_IMPORT, str(large_package)],
        capture_output=True,
        text=True,
        env=_without_setting(),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    inherited = next(
        line.split(" ", 1)[1] for line in done.stderr.splitlines() if line.startswith("INHERITED")
    )
    assert "dirty_decay_ms:500" in inherited  # polars' own
    assert _seen(done.stderr) == f"{inherited},{JEMALLOC_SETTING}"


def test_a_small_package_keeps_polars_allocator(small_package):
    done = _run(small_package, _without_setting())
    assert done.returncode == 0, done.stderr
    assert _seen(done.stderr) == "<unset>"


def test_table_bytes_counts_the_package_csv_files_only(small_package):
    csv = sum(p.stat().st_size for p in small_package.glob("*.csv"))
    assert table_bytes(small_package) == csv
    (small_package / "notes.txt").write_text("x" * 1000)
    (small_package / "sources" / "more.csv").write_text("x" * 1000)
    assert table_bytes(small_package) == csv
    assert table_bytes(small_package / "missing") == 0


def test_a_setting_of_the_users_own_is_kept(large_package):
    env = dict(os.environ, _RJEM_MALLOC_CONF="narenas:2")
    done = _run(large_package, env)
    assert done.returncode == 0, done.stderr
    assert _seen(done.stderr) == "narenas:2"


def test_too_late_once_polars_is_loaded(monkeypatch, large_package):
    import polars  # noqa: F401  (loaded: jemalloc has read its settings)

    from claimtrail.validation.fast.memory import small_heap

    monkeypatch.delenv("_RJEM_MALLOC_CONF", raising=False)
    small_heap(large_package)
    assert "_RJEM_MALLOC_CONF" not in os.environ


def test_the_collector_is_paused_while_the_fast_engine_assembles_records_only(monkeypatch):
    """Paused for the assembly (its passes were half of it at 10,000 sources), given back as
    it was, also when the assembly raises; the reference engine's assembly is left alone."""
    import gc

    from conftest import REPO

    import claimtrail.package.records as records
    from claimtrail.validation import validate
    from claimtrail.validation.fast.memory import collector_paused
    from claimtrail.validation.validate import validate_package

    seen: list[bool] = []
    original = records.assemble

    def watched(layout, tables):
        seen.append(gc.isenabled())
        return original(layout, tables)

    monkeypatch.setattr(records, "assemble", watched)  # as the fast engine imports it
    monkeypatch.setattr(validate, "assemble", watched)  # as the reference's module holds it
    data = REPO / "data"
    assert validate_package(data).valid and seen and not any(seen)  # the fast engine: paused
    seen.clear()
    assert validate_package(data, engine="frictionless").valid and seen and all(seen)
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # disabled by someone else: left so
    finally:
        gc.enable()
