"""The fast validation engine: the Table Schema checks of every table, with polars.

It makes the same checks as frictionless, with frictionless' semantics (how a cell is read
as an integer or a date, which constraints are tried and in what order, which row a primary
or foreign key error is reported on, at most 1000 errors per table), and reports them as
frictionless error objects turned into problems by the same code as the reference engine,
so that both say the same thing at the same line. Record schemas are in records.py, the
package's own checks in checks.py; run.py runs the three, table by table.

Anything the engine was not written for (a dialect other than the package's own, a field
type or constraint it does not know, a file whose structure it cannot prove it reads as
Python's csv does) raises Fallback, and the reference engine validates the package instead.
"""

from __future__ import annotations

import functools
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from claimtrail.contract.descriptor import PATTERN_END, TABLE_RESOURCE_KEYS, TEXT_RESOURCE_KEYS
from claimtrail.contract.problems import Problem
from claimtrail.files.limits import MAX_PROBLEMS, MAX_TABLE_BYTES
from claimtrail.validation.fast.tables import (
    ONE_QUERY_ROWS,
    Fallback,
    FastTable,
    by_value,
    distinct_text,
    holding,
    read_table,
)

LIMIT_ERRORS = MAX_PROBLEMS  # frictionless' default per table: later rows are not checked
_TABLE_KEYS = TABLE_RESOURCE_KEYS
_TEXT_KEYS = TEXT_RESOURCE_KEYS
_CONSTRAINT_ORDER = {  # frictionless' supported_constraints, in the order it tries them
    "string": ("required", "minLength", "pattern", "enum"),
    "integer": ("required", "minimum", "enum"),
    "date": ("required", "enum"),
    "boolean": ("required", "enum"),
}
_PLAIN_INT = r"^-?[0-9]{1,18}$"


def _typed(name: str) -> str:
    """The column beside ``name`` holding its integers (no field of a table is named so)."""
    return f"{name}\x00integers"


def _supported(spec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A field's type and constraints, or Fallback for what the engine was not written for."""
    name, kind, fmt = spec["name"], spec.get("type", "string"), spec.get("format", "default")
    constraints = spec.get("constraints", {})
    if kind not in _CONSTRAINT_ORDER or fmt != "default" or set(constraints) - set(_CONSTRAINT_ORDER[kind]):
        raise Fallback(f"field {name}: type {kind}/{fmt} or constraints {sorted(constraints)}")
    if "enum" in constraints and kind != "string":
        raise Fallback(f"field {name}: enum on a {kind}")
    minimum = constraints.get("minimum", 0)
    if isinstance(minimum, bool) or not isinstance(minimum, (int, float)):
        raise Fallback(f"field {name}: minimum {minimum!r}")
    return kind, constraints


def table_problem(path: str, table, error, schema, tables, package: str) -> Problem | None:
    """The reference engine's wording of a frictionless error, so both engines say the same."""
    from claimtrail.validation.frictionless_problems import translate

    return translate(path, table, error, schema, tables, package)


# A declared Table Dialect is read when it says what both readers of the reference engine
# (Python's csv in csvio, and frictionless) read anyway: commas, double quotes doubled inside
# quoted cells, a header row; the line terminator is not used in reading (both accept \n,
# \r\n and \r alike). Any other dialect goes to the reference engine.
_DIALECT = {
    "$schema": None,
    "delimiter": (",",),
    "quoteChar": ('"',),
    "doubleQuote": (True,),
    "header": (True,),
    "skipInitialSpace": (False,),
    "lineTerminator": ("\r\n", "\n", "\r"),
}


def plain_dialect(dialect: Any) -> bool:
    if not isinstance(dialect, dict) or set(dialect) - set(_DIALECT):
        return False
    if "$schema" in dialect and not isinstance(dialect["$schema"], str):
        return False
    return all(
        dialect[k] in allowed and type(dialect[k]) is type(allowed[0])
        for k, allowed in _DIALECT.items()
        if allowed and k in dialect
    )


def check_resources(root: Path, resources: list[dict[str, Any]], layout) -> set[str]:
    """Raise Fallback for any resource the fast engine does not read the way frictionless does;
    returns the paths of the text resources whose file does not exist."""
    names = {t.name for t in layout.tables}
    missing = set()
    for r in resources:
        if r.get("type") == "table" or r.get("name") in names:
            # _unsafe: the descriptor step's mark on a file it refused (FastRun.check_table).
            if r.get("name") not in names or set(r) - _TABLE_KEYS - {"dialect", "_unsafe"}:
                raise Fallback(f"resource {r.get('name')!r} is not a table of the layout")
            if "dialect" in r and not plain_dialect(r["dialect"]):
                raise Fallback(f"resource {r.get('name')!r}: a dialect other than the writer's")
            if (r.get("format"), r.get("encoding"), r.get("scheme", "file")) != ("csv", "utf-8", "file"):
                raise Fallback(f"resource {r.get('name')!r}: not a UTF-8 CSV file")
        elif (
            r.get("type", "text") != "text"  # v2 leaves it out; a v1 descriptor may say "text"
            or set(r) - _TEXT_KEYS
            or r.get("scheme", "file") != "file"
        ):
            raise Fallback(f"resource {r.get('name')!r} is not a plain text file")
        elif not (root / r["path"]).is_file():
            if os.path.lexists(root / r["path"]):
                raise Fallback(f"resource {r.get('name')!r}: {r['path']} is not a regular file")
            missing.add(r["path"])
    return missing


def file_errors(resource: dict[str, Any], sha256: str, size: int) -> list:
    """frictionless' hash-count and byte-count errors of one file. frictionless is imported
    only for an error: a valid package is validated without it in this process
    (frictionless_metadata.Verdict checks the descriptor in a child meanwhile)."""
    out: list[Any] = []  # frictionless error objects
    expected_hash = resource.get("hash")
    if isinstance(expected_hash, str):
        algorithm, _, value = expected_hash.rpartition(":")
        if algorithm not in ("", "sha256", "md5"):
            raise Fallback(f"resource {resource.get('name')!r}: hash algorithm {algorithm}")
        if algorithm == "md5":
            raise Fallback("md5 hashes are checked by the reference engine")
        if algorithm == "" and len(value) != 64:
            raise Fallback("a hash without its algorithm")
        if value != sha256:
            from frictionless import errors

            out.append(errors.HashCountError(note=f'expected is "{value}" and actual is "{sha256}"'))
    if resource.get("bytes") and resource["bytes"] != size:
        from frictionless import errors

        out.append(errors.ByteCountError(note=f'expected is "{resource["bytes"]}" and actual is "{size}"'))
    return out


def text_file_digest(path: Path, root: Path) -> tuple[str, int]:
    import hashlib

    from claimtrail.files.limits import MAX_SOURCE_BYTES
    from claimtrail.files.safe_open import UnsafeFile, read_regular

    try:
        data = read_regular(path, MAX_SOURCE_BYTES, root)
    except UnsafeFile as e:
        raise Fallback(f"{path.name}: {e}") from e
    return hashlib.sha256(data).hexdigest(), len(data)


# -- cells ------------------------------------------------------------------------------------


def _missing(name: str) -> pl.Expr:
    return pl.col(name).is_null() | (pl.col(name) == "")


def _python_int(cell: str):
    try:
        return int(cell.strip())  # frictionless' integer reader
    except Exception:
        return None


def _python_date(cell: str):
    try:
        return datetime.strptime(cell, "%Y-%m-%d").date()
    except Exception:
        return None


_ANY = "[\\s\\S]*"  # what descriptor._pattern pads a pattern that may match anywhere with
_ANCHORS = re.compile(r"[\^$]|\\[AbBzZ]|\(\?")  # in a pattern, what makes where it matches matter
_PY_ONLY_CLASSES = re.compile(r"\\[wWdDbB]|\(\?[a-zA-Z]")
_PLAIN_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@functools.lru_cache(maxsize=256)
def _polars_takes(pattern: str) -> bool:
    """Whether polars' regex engine compiles a pattern (it has no lookaround, for one)."""
    try:
        pl.DataFrame({"c": [""]}).select(pl.col("c").str.contains(pattern))
    except Exception:
        return False
    return True


class _Cells:
    """How the cells of one column are read, as polars expressions. Where polars' reading could
    differ from frictionless' Python (an integer with spaces or a plus sign, a date polars does
    not parse alike, a cell with a line break under a pattern), the cell is "odd": the distinct
    odd values of every column are fetched in one query and decided by Python, and the
    expressions look those decisions up."""

    def __init__(self, name: str):
        self.name = name
        self.col = pl.col(name)
        self.present = ~_missing(name)

    # integer
    def integer_odd(self) -> pl.Expr:
        return self.present & ~self.col.str.contains(_PLAIN_INT).fill_null(False)

    def integer(self, odd_values: list[str]) -> pl.Expr:
        """The integer each cell reads as under frictionless (null when empty or not one)."""
        fast = pl.when(self.col.str.contains(_PLAIN_INT)).then(self.col.cast(pl.Int64, strict=False))
        if not odd_values:
            return fast.alias(self.name)
        slow = {v: _python_int(v) for v in odd_values}
        if any(v is not None and not -(2**63) <= v < 2**63 for v in slow.values()):
            raise Fallback(f"{self.name}: an integer beyond 64 bits")
        mapped = self.col.replace_strict(list(slow), list(slow.values()), default=None, return_dtype=pl.Int64)
        return pl.coalesce(fast, mapped).alias(self.name)

    # date ("%Y-%m-%d" via strptime)
    def _plain_date(self) -> pl.Expr:
        # Year 0 is a date to polars, not to Python: it is decided by Python.
        return self.col.str.contains(_PLAIN_DATE) & ~self.col.str.starts_with("0000")

    def date_odd(self) -> pl.Expr:
        return self.present & ~self._plain_date().fill_null(False)

    def date_ok(self, odd_values: list[str]) -> pl.Expr:
        parsed = pl.when(self._plain_date()).then(self.col).str.to_date("%Y-%m-%d", strict=False)
        good = [v for v in odd_values if _python_date(v) is not None]
        return (parsed.is_not_null() | self.col.is_in(good)).fill_null(False)

    # pattern (frictionless: re.match('^{pattern}$'))
    def _simple(self, pattern: str) -> pl.Expr:
        """Cells polars decides alike Python's re: no line break (Python's '$' also matches
        before a final one) and no \\x1c-\\x1f (which Python's \\s counts as space); plain
        ASCII only when the pattern uses \\w, \\d or \\b, whose Unicode meaning differs."""
        if not _polars_takes(self._polars_pattern(pattern)):
            return pl.lit(False)
        simple = ~self.col.str.contains(r"[\n\r\x1c-\x1f]")
        if _PY_ONLY_CLASSES.search(pattern):
            simple = simple & (self.col.str.len_bytes() == self.col.str.len_chars())
        return simple

    @staticmethod
    def _polars_pattern(pattern: str) -> str:
        # A pattern padded to match anywhere (descriptor._pattern: "not blank" is "\S" padded)
        # is searched for as it is: the same cells, each decided at its first match, not by a
        # walk to its end (claims.content of a million claims: 0.02 s instead of 0.09 s).
        # Elsewhere, where polars decides (no line break in the cell), the end lookahead means '$'.
        inner = pattern.removeprefix(_ANY).removesuffix(_ANY)
        if len(inner) + 2 * len(_ANY) == len(pattern) and inner and not _ANCHORS.search(inner):
            return inner
        return f"^{pattern.removesuffix(PATTERN_END)}$"

    def pattern_odd(self, pattern: str) -> pl.Expr:
        return self.present & ~self._simple(pattern).fill_null(False)

    def pattern_fails(self, pattern: str, odd_values: list[str]) -> pl.Expr:
        compiled = re.compile(f"^{pattern}$")
        slow_bad = [v for v in odd_values if not compiled.match(v)]
        simple = self._simple(pattern)
        fast_ok = (
            self.col.str.contains(self._polars_pattern(pattern))
            if _polars_takes(self._polars_pattern(pattern))
            else pl.lit(True)
        )
        return self.present & ((simple & ~fast_ok) | self.col.is_in(slow_bad))


class TableChecks:
    """Table Schema checks of one table, as frictionless error objects in row order."""

    def __init__(
        self,
        table: FastTable,
        schema: dict[str, Any],
        sorted_ids: dict[str, pl.Series] | None = None,
    ):
        self.t = table
        self.sorted_ids = sorted_ids if sorted_ids is not None else {}  # table -> its ids, sorted
        self.schema = schema
        self.fields = schema["fields"]
        self.typed: dict[str, pl.Series] = {}  # typed values (integers), for keys and checks
        self.integers = {f["name"] for f in self.fields if f.get("type") == "integer"}
        self.cell_errors: list[tuple[int, int, int, Any]] = []  # (row, field number, order, error)
        self.row_errors: list[tuple[int, int, Any]] = []
        self.deferred: list[dict] = []
        self.fk_bad: dict[str, pl.Series] = {}  # column -> rows whose id is not in the table it refers to
        self.pk_dup: pl.Series | None = None  # rows whose primary key an earlier row holds
        # Whether the primary key is "id" and every row's is greater than the one before: the
        # id column is then its own sorted copy (none is empty or null).
        self.ids_sorted = False
        self.total = 0  # errors found, of which run() made the first LIMIT_ERRORS

    def run(self, lookups: dict[str, pl.Series]) -> list:
        """The first LIMIT_ERRORS errors in frictionless' order (self.total says how many there
        are): the error objects are made for those only, however many rows are wrong."""
        df = self.t.df
        self._fields(df)
        self._primary_key(df)
        own = self.t.name.removesuffix(".csv")
        if self.ids_sorted and own in lookups:
            # Ids in order (as a package's tables usually are): binary searches into this
            # table use its id column itself, not a sorted copy of a million ids.
            self.sorted_ids[own] = lookups[own]
        self._foreign_keys(df, lookups)
        flagged = sorted({r for r, *_ in self.cell_errors})
        self.flags = pl.zeros(df.height, pl.Boolean, eager=True).alias("flags")
        if flagged:
            self.flags = self.flags.scatter(flagged, True)
        ordered = sorted(
            [(r, 0, n, o, e) for r, n, o, e in self.cell_errors]
            + [(r, 1, k, 0, e) for r, k, e in self.row_errors],
            key=lambda t: t[:4],
        )
        self.total = len(ordered)
        return [self._error(r, e) for r, *_, e in ordered[:LIMIT_ERRORS]]

    def _error(self, index: int, what: tuple):
        """The frictionless error object of one recorded error."""
        from frictionless import errors

        kind, *rest = what
        cells = self.t.cells(index)
        if kind in ("type", "constraint"):
            number, note, spec = rest
            cls = errors.TypeError if kind == "type" else errors.ConstraintError
            return cls(
                note=note,
                cells=cells,
                row_number=index + 2,
                cell=cells[number - 1],
                field_name=spec["name"],
                field_number=number,
            )
        if kind == "primary-key":
            return errors.PrimaryKeyError(note=rest[0], cells=cells, row_number=index + 2)
        note, fields, value, target = rest
        return errors.ForeignKeyError(
            note=note,
            cells=cells,
            row_number=index + 2,
            field_names=list(fields),
            field_cells=[str(value)],
            reference_name=target,
            reference_field_names=["id"],
        )

    def _fields(self, df: pl.DataFrame) -> None:
        """The type and constraint checks of every field. Three queries whatever the number of
        fields, so that a small table costs little: one fetches the odd values Python decides,
        one reads the integers (once: several checks compare them), one finds the rows of
        every check.

        A Categorical column (compact_fields) is checked on its distinct values, each check
        deciding a cell from its value alone; its rows are then those holding a value found
        wrong. Its integers are not kept: no key is read compact."""
        fields = [(number, spec, _Cells(spec["name"])) for number, spec in enumerate(self.fields, 1)]
        compact = {
            name: distinct_text(df, name) for name, dtype in df.schema.items() if dtype == pl.Categorical
        }
        probes: dict[tuple[str, str], pl.Expr] = {}
        for _, spec, cells in fields:
            kind, constraints = _supported(spec)
            if kind in ("integer", "date"):
                probes[(cells.name, kind)] = cells.integer_odd() if kind == "integer" else cells.date_odd()
            if "pattern" in constraints:
                probes[(cells.name, "pattern")] = cells.pattern_odd(constraints["pattern"])
        odd: dict[tuple[str, str], list[str]] = {}
        plain = {key: expr for key, expr in probes.items() if key[0] not in compact}
        if plain:
            found = df.select(
                pl.col(name).filter(expr).unique().implode().alias(f"{i}")
                for i, ((name, _), expr) in enumerate(plain.items())
            ).row(0)
            odd = dict(zip(plain, found))
        for key, expr in probes.items():
            if key[0] in compact:
                odd[key] = compact[key[0]].filter(expr).get_column(key[0]).to_list()
        integers = [cells for _, spec, cells in fields if _supported(spec)[0] == "integer"]
        for c in integers:
            if c.name in compact:
                compact[c.name] = compact[c.name].with_columns(
                    c.integer(odd[(c.name, "integer")]).alias(_typed(c.name))
                )
        if any(c.name not in compact for c in integers):
            frame = df.select(c.integer(odd[(c.name, "integer")]) for c in integers if c.name not in compact)
            self.typed = {name: frame.get_column(name) for name in frame.columns}
            df = df.hstack([values.alias(_typed(name)) for name, values in self.typed.items()])
        masks: list[tuple[int, int, tuple, pl.Expr]] = []  # (field number, order, error, rows)
        for number, spec, cells in fields:
            kind, constraints = _supported(spec)
            fmt, name = spec.get("format", "default"), cells.name
            type_bad = None
            if kind == "integer":
                type_bad = cells.present & pl.col(_typed(name)).is_null()
            elif kind == "date":
                type_bad = cells.present & ~cells.date_ok(odd[(name, kind)])
            elif kind == "boolean":
                allowed = list(spec.get("trueValues", ["true", "True", "TRUE", "1"])) + list(
                    spec.get("falseValues", ["false", "False", "FALSE", "0"])
                )
                type_bad = cells.present & ~cells.col.is_in(allowed)
            checks = []  # (order, error, rows)
            if type_bad is not None:
                checks.append((0, ("type", number, f'type is "{kind}/{fmt}"', spec), type_bad))
            for order, cname in enumerate(_CONSTRAINT_ORDER[kind], 1):
                if cname not in constraints or (cname == "required" and not constraints[cname]):
                    continue
                value = constraints[cname]
                if cname == "required":
                    bad = ~cells.present
                elif cname == "minLength":
                    bad = cells.present & (cells.col.str.len_chars() < value)
                elif cname == "pattern":
                    bad = cells.pattern_fails(value, odd[(name, "pattern")])
                elif cname == "enum":
                    bad = cells.present & ~cells.col.is_in([v for v in value if isinstance(v, str)])
                else:  # minimum
                    bad = cells.present & (pl.col(_typed(name)) < value)
                if type_bad is not None:
                    bad = bad & ~type_bad  # a cell of the wrong type has no constraint error
                checks.append(
                    (order, ("constraint", number, f'constraint "{cname}" is "{value}"', spec), bad)
                )
            if name in compact and checks:
                wrong = (
                    compact[name]
                    .select(
                        pl.col(name).filter(bad.fill_null(False)).implode().alias(f"{i}")
                        for i, (*_, bad) in enumerate(checks)
                    )
                    .row(0)
                )
                checks = [(o, e, holding(name, values)) for (o, e, _), values in zip(checks, wrong)]
            masks.extend((number, order, error, bad) for order, error, bad in checks)
        if not masks:
            return
        row = pl.int_range(pl.len(), dtype=pl.UInt32)
        exprs = [
            row.filter(bad.fill_null(False)).implode().alias(f"{i}") for i, (*_, bad) in enumerate(masks)
        ]
        if df.height <= ONE_QUERY_ROWS:
            found = df.select(exprs).row(0)
        else:
            # Two checks at a time, one on each core: a check of one column runs on one thread
            # (a column read by polars is one chunk), and what each makes on the way is small.
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(2) as pool:
                found = tuple(pool.map(lambda e: df.select(e).item().to_list(), exprs))
        for (number, order, error, _), rows in zip(masks, found):
            self.cell_errors.extend((index, number, order, error) for index in rows)

    def _primary_key(self, df: pl.DataFrame) -> None:
        keys = self.schema.get("primaryKey") or []
        if not keys:
            return
        # The values frictionless compares: typed, null when empty or unreadable.
        kv = df.select(
            pl.lit(self.typed[k]).alias(k) if k in self.typed else _key_value(k).alias(k) for k in keys
        )
        null_rows, increasing = kv.select(
            pl.int_range(pl.len(), dtype=pl.UInt32)
            .filter(pl.all_horizontal(pl.col(k).is_null() for k in keys))
            .implode(),
            _strictly_increasing(keys),
        ).row(0)
        for index in null_rows:
            self.row_errors.append(
                (index, 0, ("primary-key", 'cells composing the primary keys are all "None"'))
            )
        if increasing:  # the usual order of a table: no key can repeat
            self.pk_dup = pl.zeros(kv.height, pl.Boolean, eager=True).alias("dup")
            self.ids_sorted = keys == ["id"] and "id" not in self.typed
            return
        all_null = pl.zeros(kv.height, pl.Boolean, eager=True)
        if null_rows:
            all_null = all_null.scatter(null_rows, True)
        key = kv.get_column(keys[0]) if len(keys) == 1 else kv
        duplicated = key.is_duplicated() & ~all_null
        self.pk_dup = duplicated
        if not duplicated.any():
            return
        # frictionless names the latest earlier row holding the same key.
        previous = (
            kv.with_row_index("_row")
            .filter(duplicated)
            .select("_row", pl.col("_row").shift(1).over(keys).alias("_prev"))
            .drop_nulls()
        )
        for index, prev in previous.iter_rows():
            self.row_errors.append(
                (index, 0, ("primary-key", f"the same as in the row at position {prev + 2}"))
            )

    def deferred_errors(self, lookups: dict[str, pl.Series]) -> list:
        """Errors of the foreign keys into tables read after this one, once they are read."""
        self.row_errors = []
        self._foreign_keys(self.t.df, lookups, self.deferred)
        return [self._error(r, e) for r, _, e in sorted(self.row_errors, key=lambda t: t[:2])]

    def _foreign_keys(self, df: pl.DataFrame, lookups: dict[str, pl.Series], foreign_keys=None) -> None:
        self.deferred = []
        checks = []  # (foreign key number, field, table it refers to)
        for k, fk in enumerate(
            foreign_keys if foreign_keys is not None else self.schema.get("foreignKeys") or [], 1
        ):
            fields, ref = fk["fields"], fk["reference"]
            target, ref_fields = ref.get("resource") or self.t.name.removesuffix(".csv"), ref["fields"]
            if isinstance(fields, str):
                fields = [fields]
            if isinstance(ref_fields, str):
                ref_fields = [ref_fields]
            if len(fields) != 1 or ref_fields != ["id"] or fields[0] in self.integers:
                raise Fallback("a foreign key on several columns or on a typed column")
            # A table that could not be read is looked into all the same (its stand-in holds
            # no id): frictionless counts those errors towards its 1,000 of the table, and
            # translate() drops them, as the reference does.
            if target not in lookups:
                self.deferred.append(fk)  # a table read later (sources -> pointers): checked then
                continue
            if target not in self.sorted_ids:
                self.sorted_ids[target] = lookups[target].drop_nulls().sort()
            checks.append((k, fields[0], target))
        if not checks:
            return
        exprs = []
        for i, (_, field, target) in enumerate(checks):
            known = self.sorted_ids[target]
            wrong = _dangling(_key_value(field), known, _by_hash(df, field, known))
            # A Categorical column's distinct values are looked up, then the rows found by value.
            exprs.append(by_value(df, field, wrong).fill_null(False).alias(f"{i}"))
        dangling = in_halves(df, exprs)
        for i, (k, field, target) in enumerate(checks):
            bad = dangling.get_column(f"{i}").alias(field)
            self.fk_bad[field] = bad
            rows = bad.arg_true()
            if rows.is_empty():
                continue
            for index, value in zip(rows.to_list(), df.get_column(field).gather(rows).to_list()):
                note = f'for "{field}": values "{value}" not found in the lookup table "{target}" as "id"'
                self.row_errors.append((index, k, ("foreign-key", note, [field], value, target)))


def _key_value(name: str) -> pl.Expr:
    """A cell as frictionless compares it in a key: null when empty."""
    return pl.when(~_missing(name)).then(pl.col(name))


def _by_hash(df: pl.DataFrame, field: str, known: pl.Series) -> bool | None:
    """How a foreign key's values are best looked up in the ids they refer to: None when no
    row has one, True by hashing the ids (polars' is_in), False by a binary search of each.

    A binary search costs the same whatever the number of ids, and less when the values come
    in order (the memory it reads is then read in order); hashing costs a pass over the ids,
    which is small beside the values when the ids are fewer. Measured at 1,000,000 claims:
    claim_events.claim (sorted) into 1,000,000 claim ids, 0.14 s searching and 0.38 s
    hashing; claim_events.event (not sorted) into 250,000 event ids, 0.41 s and 0.09 s;
    claims.variant_of (50,000 values) into 1,000,000 ids, 0.11 s and 0.30 s."""
    values = df.get_column(field)
    present = values.len() - values.null_count()
    if present == 0:
        return None
    if values.drop_nulls().is_sorted():
        return False
    return known.len() <= present


def _dangling(values: pl.Expr, known: pl.Series, by_hash: bool | None = False) -> pl.Expr:
    """Values (not null) that are not one of ``known`` (sorted, no null), looked up as
    ``by_hash`` says (_by_hash); both ways find the same values."""
    if by_hash is None:  # no value to look up
        return pl.repeat(False, pl.len())
    if known.is_empty():
        return values.is_not_null()
    if by_hash:
        return (values.is_not_null() & ~values.is_in(known.implode())).fill_null(False)
    ids = pl.lit(known)
    at = ids.search_sorted(values.fill_null("")).clip(0, len(known) - 1)
    return (values.is_not_null() & (ids.gather(at) != values)).fill_null(False)


_HALVES_FROM = 200_000  # rows: above this, the two halves of a table are checked at once


def in_halves(df: pl.DataFrame, exprs: list[pl.Expr]) -> pl.DataFrame:
    """``df.select(exprs)``, a long table in two halves on two threads: a binary search of one
    column runs on one thread, and polars lets go of the GIL while it searches."""
    if df.height <= _HALVES_FROM:
        return df.select(exprs)
    from concurrent.futures import ThreadPoolExecutor

    half = (df.height + 1) // 2
    with ThreadPoolExecutor(2) as pool:
        return pl.concat(pool.map(lambda part: part.select(exprs), (df.slice(0, half), df.slice(half))))


def _strictly_increasing(keys: list[str]) -> pl.Expr:
    """Whether every row's key is greater than the one before (lexicographically over the key
    columns, none null): then no two rows share a key, and no hashing is needed to say so.
    The rows are compared with the rows before through slices, which copy nothing."""
    greater, equal = pl.lit(False), pl.lit(True)
    for k in keys:
        this, prev = pl.col(k).slice(1), pl.col(k).slice(0, pl.len() - 1)
        greater = greater | (equal & (this > prev))
        equal = equal & (this == prev)
    no_null = pl.all_horizontal(pl.col(k).null_count() == 0 for k in keys)
    return (pl.len() < 2) | (no_null & greater.all())


def contained(values: pl.Series, known: pl.Series) -> pl.Series:
    """Whether each value is one of ``known`` (sorted); a null value is not."""
    v = pl.col("v")
    return (
        in_halves(values.to_frame("v"), [v.is_not_null() & ~_dangling(v, known)])
        .to_series()
        .alias(values.name)
    )


def lookup_ids(table: FastTable) -> pl.Series:
    """The ids of a table, row by row: what frictionless looks foreign keys up in (an empty
    id matches nothing, as no foreign key value is empty)."""
    return table.df.get_column("id")


# A foreign key into a table whose file is at most this long is read compact: its distinct
# values are at most that table's ids (actors.csv of 50,000 actors: 2.2 MB).
COMPACT_REFERENCE_BYTES = 8 << 20


def compact_fields(schema: dict[str, Any], file_bytes: dict[str, int]) -> tuple[str, ...]:
    """The fields of a table read as Categorical: those whose schema bounds how many distinct
    values they hold. A Categorical column holds 4 bytes a cell and each distinct value once;
    a String column a 16-byte view a cell, empty or not (claims.csv of a million claims: 16
    MiB a column). Such are the fields with an enum, the integers, dates and booleans (a
    text's offsets, a few hundred dates), and the foreign keys into a table whose file
    (``file_bytes``: table name -> its file's bytes) is at most COMPACT_REFERENCE_BYTES. Not
    a primary key's fields (their order and uniqueness are checked as text), nor free text,
    whose values are mostly distinct: there Categorical would cost more."""
    keys = set(schema.get("primaryKey") or [])
    small = set()
    for fk in schema.get("foreignKeys") or []:
        fields = fk.get("fields")
        fields = [fields] if isinstance(fields, str) else fields or []
        target = (fk.get("reference") or {}).get("resource")  # "" or none: the table itself
        if len(fields) == 1 and target and file_bytes.get(target, MAX_TABLE_BYTES) <= COMPACT_REFERENCE_BYTES:
            small.add(fields[0])
    return tuple(
        f["name"]
        for f in schema["fields"]
        if f["name"] not in keys
        and (
            f.get("type", "string") in ("integer", "date", "boolean")
            or "enum" in (f.get("constraints") or {})
            or f["name"] in small
        )
    )


def load_table(
    root: Path, resource: dict[str, Any], spec, scanning=None, compact: tuple[str, ...] = ()
) -> tuple[FastTable, list]:
    """Read one table; returns it with its file's hash and size errors. ``scanning``: the
    scan of its file, started earlier; ``compact``: the fields read as Categorical
    (read_table)."""
    labels = [f["name"] for f in resource["schema"]["fields"]]
    df, scan, offsets = read_table(root / spec.path, spec.path, labels, scanning=scanning, compact=compact)
    table = FastTable(spec.path, labels, df, offsets)
    return table, file_errors(resource, scan.sha256, scan.size)
