"""A table of the package as a pandas or polars DataFrame, typed by the descriptor.

``Dataset.frame("claims", library="polars")`` reads ``claims.csv`` with the types its Table
Schema in ``datapackage.json`` declares (typed.py): strings stay strings (``057`` is not
57, ``NA`` is not missing), integers are integers, booleans booleans, dates dates, and an
empty cell is null. No ``dtype=str, keep_default_na=False`` to remember.

- polars: ``String``, ``Int64``, ``Float64``, ``Boolean``, ``Date``;
- pandas: the frame ``pandas.read_parquet`` gives for the release's Parquet copy (arrow.py):
  ``str``, ``Int64``, ``float64``, ``boolean``, and ``datetime.date`` objects; needs pyarrow.

pandas, polars and pyarrow are imported on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimtrail.contract.descriptor import DESCRIPTOR
from claimtrail.files.jsonload import StrictJSONError, loads
from claimtrail.package.arrow import ArrowMissing, arrow_table
from claimtrail.package.csvio import read_csv
from claimtrail.package.typed import TableType, TypingError, table_types, typed_columns

LIBRARIES = ("pandas", "polars")
# Table Schema type -> polars dtype name
POLARS_TYPES = {
    "string": "String",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "Boolean",
    "date": "Date",
}


class FrameError(Exception):
    """A table cannot be given as a frame; the message names file, line and field."""


def package_types(root: Path) -> dict[str, TableType]:
    """The typed resources the package's own descriptor declares."""
    path = Path(root) / DESCRIPTOR
    try:
        descriptor = loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise FrameError(f"{path}: cannot read the descriptor: {e.strerror or e}") from None
    except (UnicodeDecodeError, StrictJSONError) as e:
        raise FrameError(f"{path}: not a valid JSON descriptor: {e}") from None
    try:
        return table_types(descriptor)
    except TypingError as e:
        raise FrameError(f"{path}: {e}") from None


def frame(root: Path, table: str, library: str = "pandas", types: dict[str, TableType] | None = None) -> Any:
    """The table ``table`` (a resource name, such as ``claims``) of the package at ``root``."""
    if library not in LIBRARIES:
        raise FrameError(f"library must be one of {', '.join(LIBRARIES)}, not {library!r}")
    types = types if types is not None else package_types(root)
    if table not in types:
        raise FrameError(f"no table {table!r} in {Path(root) / DESCRIPTOR}; tables: {', '.join(types)}")
    spec = types[table]
    try:
        columns = typed_columns(read_csv(Path(root) / spec.path, spec.path), spec)
    except TypingError as e:
        raise FrameError(f"{root}/{e}") from None
    if library == "polars":
        import polars as pl

        schema = {f.name: getattr(pl, POLARS_TYPES[f.type]) for f in spec.fields}
        return pl.DataFrame(columns, schema=schema)
    try:
        return arrow_table(spec, columns).to_pandas()
    except ArrowMissing as e:
        raise FrameError(str(e)) from None
    except ImportError:  # pyarrow is there, pandas is not
        raise FrameError("pandas frames need pandas and pyarrow: pip install 'claimtrail[pandas]'") from None


def frames(root: Path, library: str = "pandas") -> dict[str, Any]:
    """Every table of the package as a frame, by table name."""
    types = package_types(root)
    return {name: frame(root, name, library, types) for name in types}
