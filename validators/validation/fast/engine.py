"""The fast validation engine: the Table Schema checks of every table, with polars.

It makes the same checks as frictionless, with frictionless' semantics (how a cell is read
as an integer or a date, which constraints are tried and in what order, which row a primary
or foreign key error is reported on, at most 1000 errors per table), and reports them as
frictionless error objects turned into problems by the same code as the reference engine,
so that both say the same thing at the same line. Record schemas are in fast_records.py, the
package's own checks in fast_checks.py; fast_run.py runs the three, table by table.

Anything the engine was not written for (a dialect other than the package's own, a field
type or constraint it does not know, a file whose structure it cannot prove it reads as
Python's csv does) raises Fallback, and the reference engine validates the package instead.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from claimtrail.contract.descriptor import PATTERN_END, TABLE_RESOURCE_KEYS, TEXT_RESOURCE_KEYS
from claimtrail.contract.problems import Problem
from claimtrail.files.limits import MAX_PROBLEMS
from claimtrail.validation.fast.tables import Fallback, FastTable, read_table

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


def check_resources(root: Path, resources: list[dict[str, Any]], layout) -> None:
    """Raise Fallback for any resource the fast engine does not read the way frictionless does."""
    names = {t.name for t in layout.tables}
    for r in resources:
        if r.get("type") == "table" or r.get("name") in names:
            if r.get("name") not in names or set(r) - _TABLE_KEYS - {"dialect"}:
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
            raise Fallback(f"resource {r.get('name')!r}: no file at {r['path']}")


def file_errors(resource: dict[str, Any], sha256: str, size: int) -> list:
    """frictionless' hash-count and byte-count errors of one file."""
    from frictionless import errors

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
            out.append(errors.HashCountError(note=f'expected is "{value}" and actual is "{sha256}"'))
    if resource.get("bytes") and resource["bytes"] != size:
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


def typed_integer(df: pl.DataFrame, name: str) -> pl.Series:
    """The integer each cell reads as under frictionless (null when empty or not an integer)."""
    col = pl.col(name)
    plain = col.str.contains(_PLAIN_INT)
    fast = pl.when(plain).then(col.cast(pl.Int64, strict=False))
    odd = ~_missing(name) & ~plain.fill_null(False)
    if df.select(odd.any()).item():
        values = df.filter(odd).get_column(name).unique().to_list()
        slow = {v: _python_int(v) for v in values}
        if any(v is not None and not -(2**63) <= v < 2**63 for v in slow.values()):
            raise Fallback(f"{name}: an integer beyond 64 bits")
        mapped = pl.col(name).replace_strict(
            list(slow), [slow[k] for k in slow], default=None, return_dtype=pl.Int64
        )
        return df.select(pl.coalesce(fast, mapped).alias(name)).to_series()
    return df.select(fast.alias(name)).to_series()


def typed_date_ok(df: pl.DataFrame, name: str) -> pl.Series:
    """Whether each non-empty cell reads as a date under frictionless ("%Y-%m-%d" via strptime)."""
    values = df.get_column(name).drop_nulls().unique().to_list()
    good = [v for v in values if v != "" and _python_date(v) is not None]
    return df.get_column(name).is_in(good)


_PY_ONLY_CLASSES = re.compile(r"\\[wWdDbB]|\(\?[a-zA-Z]")


def pattern_fails(df: pl.DataFrame, name: str, pattern: str) -> pl.Series:
    """Cells (not empty) that frictionless' re.match('^{pattern}$') rejects.

    polars' regex engine decides where it agrees with Python's re: cells without a line break
    (Python's '$' also matches before a final one) or \\x1c-\\x1f (which Python's \\s counts
    as space); plain ASCII cells only when the pattern uses \\w, \\d or \\b, whose Unicode
    meaning differs. Python's re decides for the other distinct values.
    """
    anchored = f"^{pattern}$"
    # Where polars decides (no line break in the cell) the end lookahead means '$'; polars'
    # engine has no lookaround.
    polars_anchored = f"^{pattern.removesuffix(PATTERN_END)}$"
    col = pl.col(name)
    present = ~_missing(name)
    simple = ~col.str.contains(r"[\n\r\x1c-\x1f]")
    if _PY_ONLY_CLASSES.search(pattern):
        simple = simple & (col.str.len_bytes() == col.str.len_chars())
    try:
        fast_ok = col.str.contains(polars_anchored)
        df.head(1).select(fast_ok)
    except Exception:  # a pattern polars' engine does not take: Python's re for every value
        simple, fast_ok = pl.lit(False), pl.lit(True)
    compiled = re.compile(anchored)
    slow_rows = present & ~simple.fill_null(False)
    slow_bad = []
    if df.select(slow_rows.any()).item():
        values = df.filter(slow_rows).get_column(name).unique().to_list()
        slow_bad = [v for v in values if not compiled.match(v)]
    fails = present & ((simple & ~fast_ok) | col.is_in(slow_bad))
    return df.select(fails.fill_null(False).alias(name)).to_series()


class TableChecks:
    """Table Schema checks of one table, as frictionless error objects in row order."""

    def __init__(
        self, table: FastTable, schema: dict[str, Any], sorted_ids: dict[str, pl.Series] | None = None
    ):
        self.t = table
        self.sorted_ids = sorted_ids if sorted_ids is not None else {}  # table -> its ids, sorted
        self.schema = schema
        self.fields = schema["fields"]
        self.typed: dict[str, pl.Series] = {}  # typed values (integers), for keys and checks
        self.cell_errors: list[tuple[int, int, int, Any]] = []  # (row, field number, order, error)
        self.row_errors: list[tuple[int, int, Any]] = []
        self.deferred: list[dict] = []
        self.fk_bad: dict[str, pl.Series] = {}  # column -> rows whose id is not in the table it refers to
        self.pk_dup: pl.Series | None = None  # rows whose primary key an earlier row holds
        self.total = 0  # errors found, of which run() made the first LIMIT_ERRORS

    def run(self, lookups: dict[str, pl.Series]) -> list:
        """The first LIMIT_ERRORS errors in frictionless' order (self.total says how many there
        are): the error objects are made for those only, however many rows are wrong."""
        df = self.t.df
        for number, spec in enumerate(self.fields, 1):
            self._field(df, number, spec)
        self._primary_key(df)
        self._foreign_keys(df, lookups)
        flagged = sorted({r for r, *_ in self.cell_errors})
        self.flags = pl.Series("flags", [False] * df.height, dtype=pl.Boolean)
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

    def _cell_error(self, kind: str, index: int, number: int, order: int, note: str, spec) -> None:
        self.cell_errors.append((index, number, order, (kind, number, note, spec)))

    def _flagged(self, df: pl.DataFrame, mask) -> list[int]:
        if isinstance(mask, pl.Expr):
            mask = df.select(mask.fill_null(False).alias("m")).to_series()
        return mask.fill_null(False).arg_true().to_list()

    def _field(self, df: pl.DataFrame, number: int, spec: dict[str, Any]) -> None:
        name, kind, fmt = spec["name"], spec.get("type", "string"), spec.get("format", "default")
        constraints = spec.get("constraints", {})
        if (
            kind not in _CONSTRAINT_ORDER
            or fmt != "default"
            or set(constraints) - set(_CONSTRAINT_ORDER[kind])
        ):
            raise Fallback(f"field {name}: type {kind}/{fmt} or constraints {sorted(constraints)}")
        missing = df.select(_missing(name).alias(name)).to_series()
        type_bad = pl.Series(name, [False] * df.height, dtype=pl.Boolean)
        if kind == "integer":
            value = typed_integer(df, name)
            self.typed[name] = value
            type_bad = ~missing & value.is_null()
        elif kind == "date":
            type_bad = ~missing & ~typed_date_ok(df, name)
        elif kind == "boolean":
            allowed = list(spec.get("trueValues", ["true", "True", "TRUE", "1"])) + list(
                spec.get("falseValues", ["false", "False", "FALSE", "0"])
            )
            type_bad = ~missing & ~df.get_column(name).is_in(allowed)
            if "enum" in constraints:
                raise Fallback(f"field {name}: enum on a boolean")
        for index in self._flagged(df, type_bad):
            self._cell_error("type", index, number, 0, f'type is "{kind}/{fmt}"', spec)
        ok_type = ~type_bad
        for order, cname in enumerate(_CONSTRAINT_ORDER[kind], 1):
            if cname not in constraints:
                continue
            value = constraints[cname]
            col = df.get_column(name)
            if cname == "required":
                bad = missing if value else None
            elif cname == "minLength":
                bad = ~missing & (col.str.len_chars() < value)
            elif cname == "pattern":
                bad = pattern_fails(df, name, value)
            elif cname == "enum":
                if kind != "string":
                    raise Fallback(f"field {name}: enum on a {kind}")
                bad = ~missing & ~col.is_in([v for v in value if isinstance(v, str)])
            elif cname == "minimum":
                bad = ~missing & (self.typed[name] < value)
            if bad is None:
                continue
            for index in self._flagged(df, bad & ok_type):
                self._cell_error(
                    "constraint", index, number, order, f'constraint "{cname}" is "{value}"', spec
                )

    def key_values(self, df: pl.DataFrame, names: list[str]) -> pl.DataFrame:
        """The typed values frictionless compares for keys (null when empty or unreadable)."""
        cols = {}
        for name in names:
            if name in self.typed:
                cols[name] = self.typed[name]
            else:
                cols[name] = df.select(pl.when(~_missing(name)).then(pl.col(name)).alias(name)).to_series()
        return pl.DataFrame(cols)

    def _primary_key(self, df: pl.DataFrame) -> None:

        keys = self.schema.get("primaryKey") or []
        if not keys:
            return
        kv = self.key_values(df, keys)
        all_null = kv.select(pl.all_horizontal([pl.col(k).is_null() for k in keys])).to_series()
        for index in all_null.arg_true().to_list():
            self.row_errors.append(
                (index, 0, ("primary-key", 'cells composing the primary keys are all "None"'))
            )
        if strictly_increasing(kv, keys):  # the usual order of a table: no key can repeat
            self.pk_dup = pl.Series("dup", [False] * kv.height, dtype=pl.Boolean)
            return
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
        for k, fk in enumerate(
            foreign_keys if foreign_keys is not None else self.schema.get("foreignKeys") or [], 1
        ):
            fields, ref = fk["fields"], fk["reference"]
            target, ref_fields = ref.get("resource") or self.t.name.removesuffix(".csv"), ref["fields"]
            if isinstance(fields, str):
                fields = [fields]
            if isinstance(ref_fields, str):
                ref_fields = [ref_fields]
            if len(fields) != 1 or ref_fields != ["id"]:
                raise Fallback("a foreign key on several columns")
            if target not in lookups:
                self.deferred.append(fk)  # a table read later (sources -> pointers): checked then
                continue
            values = self.key_values(df, fields).get_column(fields[0])
            if target not in self.sorted_ids:
                self.sorted_ids[target] = lookups[target].drop_nulls().sort()
            bad = (values.is_not_null() & ~contained(values, self.sorted_ids[target])).fill_null(False)
            self.fk_bad[fields[0]] = bad
            rows = bad.arg_true()
            for index, value in zip(rows.to_list(), values.gather(rows).to_list()):
                note = f'for "{fields[0]}": values "{value}" not found in the lookup table "{target}" as "id"'
                self.row_errors.append((index, k, ("foreign-key", note, fields, value, target)))


def strictly_increasing(df: pl.DataFrame, keys: list[str]) -> bool:
    """Whether every row's key is greater than the one before (lexicographically over the key
    columns, none null): then no two rows share a key, and no hashing is needed to say so."""
    if df.height < 2:
        return True
    if any(df.get_column(k).null_count() for k in keys):
        return False
    prev, this = df.slice(0, df.height - 1), df.slice(1)
    greater = pl.Series([False] * (df.height - 1), dtype=pl.Boolean)
    equal = pl.Series([True] * (df.height - 1), dtype=pl.Boolean)
    for k in keys:
        a, b = this.get_column(k), prev.get_column(k)
        greater = greater | (equal & (a > b))
        equal = equal & (a == b)
    return bool(greater.all())


_HALVES_FROM = 200_000  # values: above this, the two halves are searched on two threads


def contained(values: pl.Series, known: pl.Series) -> pl.Series:
    """Whether each value is one of ``known`` (sorted): a binary search per value, where
    is_in would hash every id of the table it refers to again for each foreign key. A long
    column is searched in two halves at once (polars lets go of the GIL while it searches)."""
    if known.is_empty():
        return pl.Series(values.name, [False] * len(values), dtype=pl.Boolean)
    if len(values) > _HALVES_FROM:
        from concurrent.futures import ThreadPoolExecutor

        half = (len(values) + 1) // 2
        with ThreadPoolExecutor(2) as pool:
            parts = list(pool.map(lambda v: _found(v, known), (values.slice(0, half), values.slice(half))))
        return pl.concat(parts).alias(values.name)
    return _found(values, known)


def _found(values: pl.Series, known: pl.Series) -> pl.Series:
    at = known.search_sorted(values.fill_null(""), side="left").clip(0, len(known) - 1)
    return (known.gather(at) == values).fill_null(False)


def lookup_ids(table: FastTable) -> pl.Series:
    """The ids of a table, row by row: what frictionless looks foreign keys up in (an empty
    id matches nothing, as no foreign key value is empty)."""
    return table.df.get_column("id")


def load_table(root: Path, resource: dict[str, Any], spec) -> tuple[FastTable, list]:
    """Read one table; returns it with its file's hash and size errors."""
    labels = [f["name"] for f in resource["schema"]["fields"]]
    df, scan, offsets = read_table(root / spec.path, spec.path, labels)
    table = FastTable(spec.path, labels, df, offsets)
    return table, file_errors(resource, scan.sha256, scan.size)
