"""The allocator setting of `claimtrail validate` (validation/fast/memory.py): set before
polars is loaded, in a fresh process as the command runs, and never over the user's own."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from claimtrail.validation.fast.memory import JEMALLOC_SETTING

# Runs the command in a fresh process and prints the setting as it stands the moment polars
# is first imported: what jemalloc reads.
_AT_POLARS_IMPORT = textwrap.dedent(
    """
    import os, sys, importlib.abc

    class Watch(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name == "polars" and "seen" not in globals():
                globals()["seen"] = os.environ.get("_RJEM_MALLOC_CONF", "<unset>")
                print("AT-POLARS", globals()["seen"], file=sys.stderr)
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


def test_the_command_sets_the_allocator_before_polars_is_loaded(small_package):
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    done = _run(small_package, env)
    assert done.returncode == 0, done.stderr
    assert _seen(done.stderr) == JEMALLOC_SETTING


def test_a_setting_of_the_users_own_is_kept(small_package):
    env = dict(os.environ, _RJEM_MALLOC_CONF="narenas:2")
    done = _run(small_package, env)
    assert done.returncode == 0, done.stderr
    assert _seen(done.stderr) == "narenas:2"


def test_too_late_once_polars_is_loaded(monkeypatch):
    import polars  # noqa: F401  (loaded: jemalloc has read its settings)

    from claimtrail.validation.fast.memory import small_heap

    monkeypatch.delenv("_RJEM_MALLOC_CONF", raising=False)
    small_heap()
    assert "_RJEM_MALLOC_CONF" not in os.environ
