"""The fast validation engine: the Table Schema checks of every table, with polars.

It makes the same checks as frictionless, with frictionless' semantics (how a cell is read
as an integer or a date, which constraints are tried and in what order, which row a primary
or foreign key error is reported on, at most 1000 errors per table), and reports them as
frictionless error objects turned into problems by the same code as the reference engine,
so that both say the same thing at the same line. Record schemas are in fast_records.py, the
package's own checks in fast_checks.py; validate_fast() runs the three, table by table.

Anything the engine was not written for (a dialect, a field type or constraint it does not
know, a file whose structure it cannot prove it reads as Python's csv does) raises Fallback,
and the reference engine validates the package instead.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import polars as pl

from .fast_tables import Fallback, FastTable, read_table
from .problems import Problem

LIMIT_ERRORS = 1000  # frictionless' default per table: later rows are not checked
_TABLE_KEYS = {"name", "type", "path", "scheme", "format", "mediatype", "encoding", "hash", "bytes", "description",
               "licenses", "schema", "title"}
_TEXT_KEYS = _TABLE_KEYS - {"schema"}
_CONSTRAINT_ORDER = {  # frictionless' supported_constraints, in the order it tries them
    "string": ("required", "minLength", "pattern", "enum"),
    "integer": ("required", "minimum", "enum"),
    "date": ("required", "enum"),
    "boolean": ("required", "enum"),
}
_PLAIN_INT = r"^-?[0-9]{1,18}$"


def table_problem(path: str, table, error, schema, tables, package: str) -> Problem | None:
    """The reference engine's wording of a frictionless error, so both engines say the same."""
    from . import validate

    translate = getattr(validate, "translate", None)
    if translate is not None:
        return translate(path, table, error, schema, tables, package)
    return validate._from_frictionless(path, table, error)


def check_resources(root: Path, resources: list[dict[str, Any]], layout) -> None:
    """Raise Fallback for any resource the fast engine does not read the way frictionless does."""
    names = {t.name for t in layout.tables}
    for r in resources:
        if r.get("type") == "table" or r.get("name") in names:
            if r.get("name") not in names or set(r) - _TABLE_KEYS:
                raise Fallback(f"resource {r.get('name')!r} is not a table of the layout, or has a dialect")
            if (r.get("format"), r.get("encoding"), r.get("scheme", "file")) != ("csv", "utf-8", "file"):
                raise Fallback(f"resource {r.get('name')!r}: not a UTF-8 CSV file")
        elif r.get("type") != "text" or set(r) - _TEXT_KEYS or r.get("scheme", "file") != "file":
            raise Fallback(f"resource {r.get('name')!r} is not a plain text file")
        elif not (root / r["path"]).is_file():
            raise Fallback(f"resource {r.get('name')!r}: no file at {r['path']}")


def file_errors(resource: dict[str, Any], sha256: str, size: int) -> list:
    """frictionless' hash-count and byte-count errors of one file."""
    from frictionless import errors

    out = []
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


def text_file_digest(path: Path) -> tuple[str, int]:
    import hashlib

    data = path.read_bytes()
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
        if any(v is not None and not -(2 ** 63) <= v < 2 ** 63 for v in slow.values()):
            raise Fallback(f"{name}: an integer beyond 64 bits")
        mapped = pl.col(name).replace_strict(list(slow), [slow[k] for k in slow], default=None, return_dtype=pl.Int64)
        return df.select(pl.coalesce(fast, mapped).alias(name)).to_series()
    return df.select(fast.alias(name)).to_series()


def typed_date_ok(df: pl.DataFrame, name: str) -> pl.Series:
    """Whether each non-empty cell reads as a date under frictionless ("%Y-%m-%d" via strptime)."""
    values = df.get_column(name).drop_nulls().unique().to_list()
    good = [v for v in values if v != "" and _python_date(v) is not None]
    return df.get_column(name).is_in(good)


def pattern_fails(df: pl.DataFrame, name: str, pattern: str) -> pl.Series:
    """Cells (not empty) that frictionless' re.match('^{pattern}$') rejects.

    polars' regex engine decides for plain ASCII cells, where it agrees with Python's re
    (no line break, whose '$' Python matches before, no \\x1c-\\x1f, which Python's \\s
    counts as space); Python's re decides for the other distinct values.
    """
    anchored = f"^{pattern}$"
    col = pl.col(name)
    present = ~_missing(name)
    simple = (col.str.len_bytes() == col.str.len_chars()) & ~col.str.contains(r"[\n\r\x1c-\x1f]")
    try:
        fast_ok = col.str.contains(anchored)
        df.head(1).select(fast_ok)
    except Exception:
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

    def __init__(self, table: FastTable, schema: dict[str, Any]):
        self.t = table
        self.schema = schema
        self.fields = schema["fields"]
        self.typed: dict[str, pl.Series] = {}  # typed values (integers), for keys and checks
        self.cell_errors: list[tuple[int, int, int, Any]] = []  # (row, field number, order, error)
        self.row_errors: list[tuple[int, int, Any]] = []
        self.deferred: list[dict] = []

    def run(self, lookups: dict[str, pl.Series]) -> list:
        df = self.t.df
        for number, spec in enumerate(self.fields, 1):
            self._field(df, number, spec)
        self._primary_key(df)
        self._foreign_keys(df, lookups)
        ordered = sorted([(r, 0, n, o, e) for r, n, o, e in self.cell_errors] + [(r, 1, k, 0, e) for r, k, e in self.row_errors],
                         key=lambda t: t[:4])
        return [e for *_, e in ordered]

    def _cell_error(self, kind: str, index: int, number: int, order: int, note: str, spec) -> None:
        from frictionless import errors

        cells = self.t.cells(index)
        cls = errors.TypeError if kind == "type" else errors.ConstraintError
        self.cell_errors.append((index, number, order, cls(note=note, cells=cells, row_number=index + 2,
                                                           cell=cells[number - 1], field_name=spec["name"],
                                                           field_number=number)))

    def _flagged(self, df: pl.DataFrame, mask) -> list[int]:
        if isinstance(mask, pl.Expr):
            mask = df.select(mask.fill_null(False).alias("m")).to_series()
        return mask.fill_null(False).arg_true().to_list()

    def _field(self, df: pl.DataFrame, number: int, spec: dict[str, Any]) -> None:
        name, kind, fmt = spec["name"], spec.get("type", "string"), spec.get("format", "default")
        constraints = spec.get("constraints", {})
        if kind not in _CONSTRAINT_ORDER or fmt != "default" or set(constraints) - set(_CONSTRAINT_ORDER[kind]):
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
                spec.get("falseValues", ["false", "False", "FALSE", "0"]))
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
                self._cell_error("constraint", index, number, order, f'constraint "{cname}" is "{value}"', spec)

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
        from frictionless import errors

        keys = self.schema.get("primaryKey") or []
        if not keys:
            return
        kv = self.key_values(df, keys)
        all_null = kv.select(pl.all_horizontal([pl.col(k).is_null() for k in keys])).to_series()
        for index in all_null.arg_true().to_list():
            self.row_errors.append((index, 0, errors.PrimaryKeyError(
                note='cells composing the primary keys are all "None"', cells=self.t.cells(index), row_number=index + 2)))
        duplicated = kv.select(pl.struct(keys).is_duplicated().alias("d")).to_series() & ~all_null
        if not duplicated.any():
            return
        # frictionless names the latest earlier row holding the same key.
        previous = kv.with_row_index("_row").filter(duplicated) \
            .select("_row", pl.col("_row").shift(1).over(keys).alias("_prev")).drop_nulls()
        for index, prev in previous.iter_rows():
            self.row_errors.append((index, 0, errors.PrimaryKeyError(
                note=f"the same as in the row at position {prev + 2}", cells=self.t.cells(index), row_number=index + 2)))

    def deferred_errors(self, lookups: dict[str, pl.Series]) -> list:
        """Errors of the foreign keys into tables read after this one, once they are read."""
        self.row_errors = []
        self._foreign_keys(self.t.df, lookups, self.deferred)
        return [e for *_, e in sorted(self.row_errors, key=lambda t: t[:2])]

    def _foreign_keys(self, df: pl.DataFrame, lookups: dict[str, pl.Series], foreign_keys=None) -> None:
        from frictionless import errors

        self.deferred = []
        for k, fk in enumerate(foreign_keys if foreign_keys is not None else self.schema.get("foreignKeys") or [], 1):
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
            bad = values.is_not_null() & ~values.is_in(lookups[target].implode())
            for index in bad.arg_true().to_list():
                value = values[index]
                note = f'for "{fields[0]}": values "{value}" not found in the lookup table "{target}" as "id"'
                self.row_errors.append((index, k, errors.ForeignKeyError(
                    note=note, cells=self.t.cells(index), row_number=index + 2, field_names=list(fields),
                    field_cells=[str(value)], reference_name=target, reference_field_names=["id"])))


def lookup_ids(table: FastTable) -> pl.Series:
    """The non-empty ids of a table: what frictionless looks foreign keys up in."""
    col = table.df.get_column("id")
    return col.filter(col.is_not_null() & (col != "")).unique()


def load_table(root: Path, resource: dict[str, Any], spec) -> tuple[FastTable, list]:
    """Read one table; returns it with its file's hash and size errors."""
    labels = [f["name"] for f in resource["schema"]["fields"]]
    df, scan, offsets = read_table(root / spec.path, spec.path, labels)
    table = FastTable(spec.path, labels, df, offsets)
    return table, file_errors(resource, scan.sha256, scan.size)


# -- the run ----------------------------------------------------------------------------------

def validate_fast(root: Path, descriptor: dict[str, Any], layout, report, progress=None) -> None:
    """Steps 2-4 of validate_package (tables, records, own checks) into ``report``.

    Raises Fallback when the package holds something the engine cannot vouch for; run_fast()
    then takes back what was reported and the reference steps run.
    """
    FastRun(root, descriptor, layout, report, progress).run()


class FastRun:
    """One validation, record type by record type (RECORD_TYPES order: a type's tables only
    refer to types read before it, except sources -> pointers, handled by waiting)."""

    def __init__(self, root: Path, descriptor: dict[str, Any], layout, report, progress=None):
        from . import checks, fast_records as fr
        from .schemas import load_schemas

        self.root, self.layout, self.report = root, layout, report
        self.step = progress or (lambda name: None)
        self.schemas = load_schemas()
        fr.check_keywords(self.schemas)
        from . import fast_checks as fc

        fc.require_known(checks.CHECKS)
        self.resources = [r for r in descriptor["resources"] if isinstance(r, dict) and not r.get("_unsafe")]
        check_resources(root, self.resources, layout)
        self.by_name = {r.get("name"): r for r in self.resources}
        self.leaves = fr.LeafValidators(self.schemas)
        self.facades: dict[str, FastTable] = {}
        self.lookups: dict[str, pl.Series] = {}
        self.ids: dict[str, pl.DataFrame] = {}  # record type -> (id, line, path) of every root row
        self.subsets: dict[str, list] = {}  # record type -> records a check may report on
        self.pointers: FastTable | None = None
        self.valid_pointers: pl.Series | None = None
        self.overlap = pl.Series("id", [], dtype=pl.String)
        self.texts: dict[str, str] = {}
        self.sources: list = []
        self.stones: list = []
        self.own: list[Problem] = []
        self.counts: dict[str, int] = {}
        self.pending: list = []  # tables with foreign keys into tables not read yet

    # -- steps --------------------------------------------------------------------------------

    def run(self) -> None:
        waiting: list[tuple[str, dict]] = []
        for record_type in self.layout.root:
            group = self.read_group(record_type)
            if group is None:
                continue
            if self.pointers is None and record_type != "pointer" and self._has_pointers(record_type):
                waiting.append((record_type, group))  # its records embed pointers: after pointers.csv
                continue
            self.records(record_type, group)
            if record_type == "pointer":
                for other, other_group in waiting:
                    self.records(other, other_group)
                    self.release(other_group)
                waiting = []
                self.pointer_texts()
            self.release(group)
        for other, other_group in waiting:
            self.records(other, other_group)
        if self.pending:
            raise Fallback("foreign keys into tables that are not in the package")
        self.text_files()
        self.finish()

    def _has_pointers(self, record_type: str) -> bool:
        specs = [self.layout.root[record_type]] + self.layout.children(record_type)
        return any(c.kind == "pointer" for s in specs for c in s.columns)

    def add(self, path: str, table, error, schema) -> None:
        problem = table_problem(path, table, error, schema, self.facades, self.report.package)
        if problem is not None:
            self.report.add(problem)

    def read_group(self, record_type: str) -> dict[str, FastTable] | None:
        """Read a record type's tables and run their Table Schema checks."""
        root_spec = self.layout.root[record_type]
        specs = [s for s in [root_spec] + self.layout.children(record_type) if s.name in self.by_name]
        group: dict[str, FastTable] = {}
        for spec in specs:
            self.step(f"tables: {spec.path}")
            resource = self.by_name[spec.name]
            table, file_errs = load_table(self.root, resource, spec)
            group[spec.name] = self.facades[spec.name] = table
            if spec is root_spec:
                self.lookups[spec.name] = lookup_ids(table)
            checks = TableChecks(table, resource["schema"])
            errs = checks.run(self.lookups)
            if checks.deferred:
                self.pending.append((spec, checks, resource))
            # frictionless stops at LIMIT_ERRORS, before its file checks.
            errs = errs[:LIMIT_ERRORS] if len(errs) >= LIMIT_ERRORS else errs + file_errs
            for error in errs:
                self.add(spec.path, table, error, resource["schema"])
        for spec, checks, resource in list(self.pending):
            if all((fk["reference"].get("resource") or "") in self.lookups for fk in checks.deferred):
                self.pending.remove((spec, checks, resource))
                for error in checks.deferred_errors(self.lookups):
                    self.add(spec.path, checks.t, error, resource["schema"])
        return group if root_spec.name in group else None

    def release(self, group: dict[str, FastTable]) -> None:
        """Keep only what later tables and messages need of a record type's tables: ids."""
        waiting = {spec.name for spec, _, _ in self.pending}
        for name, t in group.items():
            if t is not self.pointers and name not in waiting:
                kept = t.df.select("id") if name in self.lookups else t.df.clear()
                self.facades[name] = FastTable(t.name, t.header, kept, None)

    def records(self, record_type: str, group: dict[str, FastTable]) -> None:
        """Find the records the record schema or a per-record check may reject; assemble them."""
        from . import checks, fast_checks as fc, fast_records as fr

        self.step(f"records: {record_type}")
        root_spec = self.layout.root[record_type]
        rtable = group[root_spec.name]
        rdf = rtable.df
        self.counts[record_type] = rtable.height
        self.ids[record_type] = rdf.select(pl.col("id"), pl.int_range(pl.len(), dtype=pl.Int64).alias("_i")) \
            .with_columns(rtable.lines_of(pl.col("_i")).alias("line"), pl.lit(rtable.name).alias("path")) \
            .filter(~fc.empty("id")).select("id", "line", "path")
        root_ids = self.lookups[root_spec.name]
        bad_root = self.bad_rows(rdf, root_spec)
        if record_type == "pointer":
            # The pointer embedded for an id is its first row; valid when that row is.
            first = rdf.select(pl.col("id"), bad_root.alias("bad")).filter(~fc.empty("id")).unique("id", keep="first")
            self.valid_pointers = first.filter(~pl.col("bad"))["id"]
            self.pointers = rtable
        dup = rdf.get_column("id").is_duplicated() & ~rdf.select(fc.empty("id")).to_series()
        cand_rows = (bad_root | dup).arg_true()
        cand_ids = set(rdf.get_column("id").gather(cand_rows).drop_nulls().to_list()) - {""}
        for spec in [s for s in self.layout.children(record_type) if s.name in group]:
            t = group[spec.name]
            items = t.df.filter(pl.col(record_type).is_in(root_ids.implode()))
            cand_ids.update(items.get_column(record_type).filter(self.bad_rows(items, spec)).to_list())
            need = max(fr.min_items(self.schemas, spec),
                       1 if checks.POINTER_PROPERTIES.get(record_type) == spec.prop else 0)
            if need:
                enough = items.group_by(record_type).len().filter(pl.col("len") >= need)[record_type]
                cand_ids.update(root_ids.filter(~root_ids.is_in(enough.implode())).to_list())
            parents = fc.order_parents(t.df, record_type)  # check_order reads the table itself
            if not parents.is_empty():
                mini = fc.mini_table(t, fc.rows_where(t.df, pl.col(record_type).fill_null("").is_in(parents.implode())))
                self.own += list(checks.check_order(fc.package(self.root, self.layout, {spec.name: mini}, {})))
        null_id_rows = cand_rows.filter(rdf.get_column("id").gather(cand_rows).fill_null("") == "")
        self.subsets[record_type] = fc.assemble_subset(self.layout, record_type, group, cand_ids, null_id_rows,
                                                       self.pointers)
        if record_type in ("source", "tombstone"):
            # Small tables whose checks read every record.
            every = fc.assemble_subset(self.layout, record_type, group, set(root_ids.to_list()),
                                       fc.rows_where(rdf, fc.empty("id")), self.pointers)
            if record_type == "source":
                self.step("sources: hashes and texts")
                pkg = fc.package(self.root, self.layout, self.facades, {"source": every})
                self.own += list(checks.check_sources(pkg))
                self.texts, self.sources = pkg.texts, every
            else:
                self.stones = every

    def bad_rows(self, df: pl.DataFrame, spec) -> pl.Series:
        """Rows the record schema may reject, or a per-record check may report on."""
        from . import fast_checks as fc, fast_records as fr

        bad = fr.table_bad_rows(df, spec, self.leaves, self.valid_pointers)
        dates = fc.date_rows(df, spec)
        if dates is not None:
            bad = bad | df.select(dates.fill_null(False).alias("d")).to_series()
        if spec.name == "event_casualties":
            bad = bad | df.select(fc.casualty_rows(df).alias("c")).to_series()
        for c in spec.columns:
            if c.kind == "pointer" and not self.overlap.is_empty():
                bad = bad | df.get_column(c.name).is_in(self.overlap.implode()).fill_null(False)
        return bad

    def pointer_texts(self) -> None:
        """check_pointers on the pointers whose span, quote, prefix or suffix may be wrong."""
        from . import checks, fast_checks as fc

        if self.pointers is None:
            return
        self.step("pointers: quotes against the texts")
        rows = pl.Series(fc.pointer_rows(self.pointers.df, self.texts), dtype=pl.UInt32)
        records = fc.assemble_subset(self.layout, "pointer", {"pointers": self.pointers}, set(), rows, None)
        self.own += list(checks.check_pointers(fc.package(self.root, self.layout, self.facades, {"pointer": records},
                                                          self.texts)))
        self.overlap = fc.overlapping_pointers(self.pointers, fc.boilerplate_spans(self.sources))

    def text_files(self) -> None:
        """frictionless' hash and size checks of the non-table resources (the source texts)."""
        self.step("source texts: hashes")
        tables = {t.name for t in self.layout.tables}
        for r in self.resources:
            if r.get("name") not in tables and r.get("type") == "text":
                sha, size = text_file_digest(self.root / r["path"])
                for error in file_errors(r, sha, size):
                    self.add(r["path"], None, error, None)

    def finish(self) -> None:
        from . import checks, fast_checks as fc
        from .validate import _check_records

        self.step("records and checks")
        root, layout, facades = self.root, self.layout, self.facades
        _check_records(self.subsets, facades, self.report)
        names = {c.__name__ for c in checks.CHECKS}
        per_record = fc.package(root, layout, facades, {**self.subsets, "source": self.sources}, self.texts)
        for check in checks.CHECKS:
            if check.__name__ in fc.PER_RECORD:
                self.own += list(check(per_record))
        if self.ids and "check_ids" in names:
            owners = pl.concat([f.select("id", pl.lit(t).alias("t")) for t, f in self.ids.items()]).unique()
            shared = owners.group_by("id").len().filter(pl.col("len") > 1)["id"]
            if not shared.is_empty():
                self.own += list(checks.check_ids(fc.package(root, layout, facades, fc.id_stubs(self.ids, shared))))
        if self.stones and "check_tombstones" in names:
            wanted = {t.record.get("id") for t in self.stones} | {t.record.get("merged_into") for t in self.stones}
            wanted = pl.Series([w for w in wanted if isinstance(w, str)], dtype=pl.String)
            live = fc.id_stubs({t: f for t, f in self.ids.items() if t != "tombstone"}, wanted)
            self.own += list(checks.check_tombstones(fc.package(root, layout, facades, {**live, "tombstone": self.stones})))
        for problem in self.own:
            self.report.add(problem)
        self.report.counts = {t: self.counts.get(t, 0) for t in layout.root}
        self.report.steps += ["tables", "records", "references"]


def run_fast(root: Path, descriptor: dict[str, Any], layout, report, progress=None) -> str | None:
    """Run the fast engine into ``report``; on Fallback, undo its problems and return why."""
    kept, steps = list(report.problems), list(report.steps)
    try:
        validate_fast(root, descriptor, layout, report, progress)
    except Fallback as e:
        report.problems[:] = kept
        report.steps[:] = steps
        return str(e) or "fallback"
    return None
