"""Giving freed memory back to the system between steps (the memory bound).

Two allocators hold what a validation frees:

- polars' (jemalloc) keeps freed pages for about ten seconds, then as pages the kernel may
  take back but still counts as resident. A step's transient columns (a table read, the hashes
  of its rows) so stay while the next step makes its own. small_heap tells it to return them
  after 100 ms, by its purging thread (JEMALLOC_SETTING). Returned at once (decay 0, the
  setting before), every page a step frees is faulted in again by the next: at a million
  claims 1.85 million minor faults against 0.86 million, 6.3 s to 7.7 s of system time against
  3.0 s to 3.8 s, and 18.6 s to 20.2 s against 14.2 s to 17.2 s (three runs each, alternately),
  for a peak of 533 MiB to 536 MiB against 548 MiB to 550 MiB; the package of 300,000 errors
  peaked at 563 MiB to 580 MiB (three runs). Before the texts were let go (texts.py) the same
  setting took that package to 584 MiB to 627 MiB, past the bound: delays of 20 ms to 200 ms,
  one or two arenas and a lower oversize threshold moved it by less than the spread of a run.
  jemalloc reads the setting once, when polars is loaded: the command sets it before anything
  imports polars, and an in-process caller keeps the allocator it has.
  A small package does not need it: at 100,000 claims (48 MB of tables) returning pages at once
  took 2.49 s to 2.75 s and 174 MiB against 2.08 s to 2.48 s and 217 MiB to 242 MiB without
  it (three runs each, twice): the pages are faulted in again, 215,000 minor faults against
  87,000. So it is set only for a package whose tables hold LARGE_TABLES bytes or more.
- Python's larger objects (a source's record, a text as str, a list of a million ids) live in
  glibc's heap, which keeps the freed pages that lie between live ones: after the sources'
  step at a million claims, about 60 MiB. malloc_trim returns them in a few milliseconds
  (give_back). Elsewhere (another C library, another system) it does nothing.

Python's collector of cycles is a cost of the heap too: it is paused while the fast engine
assembles records (collector_paused).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

JEMALLOC_SETTING = "dirty_decay_ms:100,muzzy_decay_ms:0,background_thread:true"
# What polars' import writes into the environment when it finds no setting (polars/__init__.py;
# POLARS_THP=1 adds the thp options): a child of a process that imported polars inherits it,
# and it is then polars' choice, not the user's.
POLARS_DEFAULTS = {"dirty_decay_ms:500", "muzzy_decay_ms:1000", "thp:always", "metadata_thp:always"}
LARGE_TABLES = 128 * 2**20  # bytes of CSV (about 270,000 claims in the benchmark's packages)


def table_bytes(root: Path) -> int:
    """The size of the CSV files directly in a package folder: what the tables' steps hold."""
    total = 0
    try:
        with os.scandir(root) as entries:
            for entry in entries:
                if entry.name.endswith(".csv") and entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
    except OSError:  # an unreadable folder is validation's to report
        return 0
    return total


def small_heap(root: Path) -> None:
    """Have polars' allocator return freed pages at once in this process when the package at
    root is large, unless polars is loaded already (too late) or the user chose a setting of
    their own. The setting polars' import leaves in the environment (run from a process that
    imported polars) is not the user's: ours is added after it, and jemalloc takes the last."""
    if "polars" in sys.modules or table_bytes(root) < LARGE_TABLES:
        return
    current = os.environ.get("_RJEM_MALLOC_CONF")
    if current is None:
        os.environ["_RJEM_MALLOC_CONF"] = JEMALLOC_SETTING
    elif set(current.split(",")) <= POLARS_DEFAULTS:
        os.environ["_RJEM_MALLOC_CONF"] = f"{current},{JEMALLOC_SETTING}"


def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def give_back() -> None:
    """Return the C heap's free pages to the system, where the C library can."""
    if _TRIM is not None:
        _TRIM(0)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's collector of cycles paused while records are assembled: they are many new
    dicts and tuples and hold no cycle, and each pass of the collector, due every few hundred
    new objects, visits every object alive. The 10,000 sources of the benchmark's package of
    a million claims, with their boilerplate and pointers, took 0.79 s to 0.88 s to assemble
    with its passes and 0.42 s without. Not for the reference engine: frictionless leaves
    cycles that those passes free (8,617 objects at 10,000 claims), and paused it held them
    through the assembly, 50 MiB more."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
