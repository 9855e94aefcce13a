"""A problem found in a package, and the report that collects them."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from claimtrail.files.limits import MAX_PROBLEMS


@dataclass(frozen=True)
class Problem:
    path: str  # relative to the package directory, e.g. "pointers.csv"
    check: str  # stable name of the check that failed, e.g. "pointer-quote"
    message: str
    line: int | None = None  # physical line in the file (1-based); for CSV, where the row starts
    column: int | None = None  # 1-based CSV column (field position) of the offending cell
    field: str | None = None  # column (CSV) or property (JSON) name
    expected: str | None = None
    found: str | None = None
    fix: str | None = None

    @property
    def location(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def sort_key(self):
        return (self.path, self.line or 0, self.column or 0, self.check, self.message)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    package: str
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # records per table, once read
    steps: list[str] = field(default_factory=list)  # steps that ran, in order

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def valid(self) -> bool:
        return not self.problems

    def sorted_problems(self) -> list[Problem]:
        # One line per problem: the same problem seen by two layers (a dangling pointer id is a
        # foreign-key error and a record-schema error at the same cell) is reported once.
        # The record schema sees every cell again after the table checks; where a table check
        # already flagged the cell (or the whole row), its report is the precise one.
        flagged = {(p.path, p.line, p.field) for p in self.problems if p.check != "record-schema"}
        flagged |= {
            (p.path, p.line, None) for p in self.problems if p.check != "record-schema" and p.field is None
        }
        seen: set = set()
        out = []
        for p in sorted(self.problems, key=Problem.sort_key):
            key = (p.path, p.line, p.field, p.check, p.message)
            if key in seen:
                continue
            if p.check == "record-schema" and (
                (p.path, p.line, p.field) in flagged or (p.path, p.line, None) in flagged
            ):
                continue
            seen.add(key)
            out.append(p)
        return _capped(out)

    def by_check(self) -> dict[str, int]:
        return dict(sorted(Counter(p.check for p in self.sorted_problems()).items()))


def _capped(problems: list[Problem]) -> list[Problem]:
    """At most MAX_PROBLEMS problems per file (the first by line; ``problems`` are sorted), and
    after them one problem saying that the file has more."""
    out: list[Problem] = []
    listed: Counter = Counter()
    # A step that stopped at its limit says so itself: that note is always listed, and is the
    # file's only note.
    noted = {p.path for p in problems if p.check == "limit-problems"}
    for p in problems:
        if p.check == "limit-problems":
            out.append(p)
            continue
        listed[p.path] += 1
        if listed[p.path] <= MAX_PROBLEMS:
            out.append(p)
        elif listed[p.path] == MAX_PROBLEMS + 1 and p.path not in noted:
            out.append(
                Problem(
                    p.path,
                    "limit-problems",
                    f"more than {MAX_PROBLEMS:,} problems in this file: the first {MAX_PROBLEMS:,} "
                    "by line are listed above",
                    fix="fix those and validate again: the rest are reported then",
                )
            )
    return out
