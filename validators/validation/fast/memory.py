"""Giving freed memory back to the system between steps (the memory bound).

Two allocators hold what a validation frees:

- polars' (jemalloc) keeps freed pages for about ten seconds, then as pages the kernel may
  take back but still counts as resident. A step's transient columns (a table read, the hashes
  of its rows) so stay while the next step makes its own. Told to return them at once
  (small_heap), a `claimtrail validate` of a million claims peaked at 738 MiB and 739 MiB
  against 829 MiB, in 14.7 s and 15.3 s against 12.7 s: the extra time is the system calls.
  Shorter delays than the default (200 ms, 1 s, with jemalloc's purging thread) gave 782 MiB
  to 804 MiB. jemalloc reads the setting once, when polars is loaded: the command sets it
  before anything imports polars, and an in-process caller keeps the allocator it has.
- Python's larger objects (a source's record, a text as str, a list of a million ids) live in
  glibc's heap, which keeps the freed pages that lie between live ones: after the sources'
  step at a million claims, about 60 MiB. malloc_trim returns them in a few milliseconds
  (give_back). Elsewhere (another C library, another system) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable

JEMALLOC_SETTING = "dirty_decay_ms:0,muzzy_decay_ms:0"


def small_heap() -> None:
    """Have polars' allocator return freed pages at once in this process, unless polars is
    loaded already (too late) or the user chose a setting of their own."""
    if "polars" not in sys.modules:
        os.environ.setdefault("_RJEM_MALLOC_CONF", JEMALLOC_SETTING)


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
