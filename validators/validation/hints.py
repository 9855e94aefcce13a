""" "Did you mean" hints for a value that is not among the allowed ones, at a bounded cost.

A foreign key's hint used to run difflib over every id of the table it refers to, for each
error: a million ids times a thousand errors. Here a table's ids are sorted once, forwards and
by their reversed spelling (a typo keeps the start or the end of an id intact), and difflib
chooses among the NEIGHBOURS ids on either side of the value in each order: a few dozen
candidates per error, whatever the size of the table. Short lists (an enum, a small table)
are searched whole, as before. Both engines word their problems with this module, from the
same ids, so their hints are the same.
"""

from __future__ import annotations

import bisect
import difflib
import weakref
from collections.abc import Iterable

NEIGHBOURS = 8  # candidates taken on each side of the value, in each of the two orders
WHOLE = 200  # lists up to this long are searched whole
CUTOFF = 0.6


def hint(value: str, choices: Iterable) -> str:
    """'; did you mean X?' for the closest of a short list of choices, or ''."""
    return _wording(
        difflib.get_close_matches(value, [c for c in choices if isinstance(c, str)], n=1, cutoff=CUTOFF)
    )


def _wording(close: list[str]) -> str:
    return f"; did you mean {close[0]!r}?" if close else ""


class Suggester:
    """Hints among the ids of one table."""

    def __init__(self, ids: Iterable):
        self.forward = sorted({i for i in ids if isinstance(i, str) and i})
        self.backward = sorted(i[::-1] for i in self.forward) if len(self.forward) > WHOLE else []

    def candidates(self, value: str) -> list[str]:
        if len(self.forward) <= WHOLE:
            return self.forward
        at = bisect.bisect_left(self.forward, value)
        near = set(self.forward[max(0, at - NEIGHBOURS) : at + NEIGHBOURS])
        at = bisect.bisect_left(self.backward, value[::-1])
        near.update(i[::-1] for i in self.backward[max(0, at - NEIGHBOURS) : at + NEIGHBOURS])
        return sorted(near)

    def hint(self, value: str) -> str:
        return _wording(difflib.get_close_matches(value, self.candidates(value), n=1, cutoff=CUTOFF))


# One Suggester per table object and column, for as long as the table lives (tables are
# dataclasses, not hashable: they are told apart by identity).
_CACHE: dict[int, tuple[weakref.ref, dict[str, Suggester]]] = {}


def column_values(table, name: str) -> list:
    """The values of a column of a csvio.CsvTable, or of a fast engine's table (polars)."""
    df = getattr(table, "df", None)
    if df is not None:
        return df.get_column(name).drop_nulls().to_list() if name in df.columns else []
    return [row.get(name, "") for row in table.rows]


def id_hint(value: str, table, name: str = "id") -> str:
    """The hint for a value that no row of ``table`` has in column ``name``."""
    key = id(table)
    entry = _CACHE.get(key)
    if entry is None or entry[0]() is not table:

        def forget(_: object, key: int = key) -> None:  # the table is gone: so is its entry
            _CACHE.pop(key, None)

        entry = _CACHE[key] = (weakref.ref(table, forget), {})
    per_table = entry[1]
    if name not in per_table:
        per_table[name] = Suggester(column_values(table, name))
    return per_table[name].hint(value)
