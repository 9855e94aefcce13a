"""Fixtures built once per test run, however many xdist workers ask for them.

A session fixture is otherwise built by every worker. Here the first worker to ask builds it
in a folder of the run's own temporary directory, under an exclusive lock, and the others wait
for the lock and then read what it built. Tests only read these folders.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this run: under xdist each worker's base folder is a child of
    it; without xdist the base folder is the run's own (its parent holds earlier runs)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder ``build`` creates and fills, built by the first worker that asks for ``name``."""
    root = run_folder(tmp_path_factory)
    folder = root / f"once-{name}"
    done = root / f"once-{name}.built"  # beside the folder: tests may list the folder's entries
    with open(root / f"once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not done.exists():
            # A build that failed part-way in another worker is started again, and fails here too.
            shutil.rmtree(folder, ignore_errors=True)
            build(folder)
            done.touch()
    return folder
