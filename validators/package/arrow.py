"""A table as an Apache Arrow table typed by the Table Schema, for Parquet and pandas.

Arrow carries the types every reader understands: ``string``, ``int64``, ``float64``,
``bool`` and ``date32``, each column nullable. pandas, though, turns an ``int64`` column
with nulls into floats and a ``bool`` column with nulls into objects unless the file says
which pandas types to use; the ``pandas`` schema metadata (the format pyarrow's own
``to_pandas`` reads, as pandas writes it) says ``Int64`` and ``boolean``, so that
``pandas.read_parquet`` and ``Dataset.frame(..., library="pandas")`` give the same frame
with no option. pyarrow is imported on first use (it comes with the ``release`` and ``pandas`` extras).
"""

from __future__ import annotations

import json
from typing import Any

from claimtrail.package.typed import TableType

# Table Schema type -> (pyarrow type name, pandas_type and numpy_type of the pandas metadata)
ARROW_TYPES = {
    "string": ("string", "unicode", "object"),
    "integer": ("int64", "int64", "Int64"),
    "number": ("float64", "float64", "float64"),
    "boolean": ("bool_", "boolean", "boolean"),
    "date": ("date32", "date", "object"),
}


class ArrowMissing(ImportError):
    """pyarrow is not installed; the message says how to install it."""


def import_pyarrow():
    try:
        import pyarrow
    except ImportError:
        raise ArrowMissing(
            "the Parquet copies and pandas frames need pyarrow: pip install 'claimtrail[release]' "
            "to build a release, 'claimtrail[pandas]' for frames"
        ) from None
    return pyarrow


def pandas_metadata(types: TableType) -> dict[str, Any]:
    """The ``pandas`` schema metadata: no index, each column's pandas dtype."""
    return {
        "index_columns": [],
        "column_indexes": [],
        "columns": [
            {
                "name": f.name,
                "field_name": f.name,
                "pandas_type": ARROW_TYPES[f.type][1],
                "numpy_type": ARROW_TYPES[f.type][2],
                "metadata": None,
            }
            for f in types.fields
        ],
    }


def arrow_table(types: TableType, columns: dict[str, list[Any]]):
    """A ``pyarrow.Table`` of the typed columns (typed.typed_columns), metadata included."""
    pa = import_pyarrow()
    schema = pa.schema(
        [pa.field(f.name, getattr(pa, ARROW_TYPES[f.type][0])(), nullable=True) for f in types.fields],
        metadata={"pandas": json.dumps(pandas_metadata(types), sort_keys=True, separators=(",", ":"))},
    )
    return pa.table({f.name: columns[f.name] for f in types.fields}, schema=schema)
