"""The Parquet copies of a release: one file per table, typed by the Table Schema.

``parquet/<table>.parquet`` holds the rows of ``<table>.csv`` with the types the release's
descriptor declares (package/typed.py, package/arrow.py): strings stay strings, integers are
``int64``, booleans ``bool``, dates ``date32``, empty cells null. pandas, polars and DuckDB
read them with no option. The bytes depend only on the rows and the pyarrow version: one row
group, zstd compression at a fixed level, no timestamp.
"""

from __future__ import annotations

from typing import Any

from claimtrail.package.arrow import arrow_table, import_pyarrow
from claimtrail.package.csvio import CsvTable
from claimtrail.package.typed import table_types, typed_columns

FOLDER = "parquet"
COMPRESSION, LEVEL = "zstd", 9


def parquet_file(table, pa) -> bytes:
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(
        table,
        sink,
        compression=COMPRESSION,
        compression_level=LEVEL,
        row_group_size=max(table.num_rows, 1),
    )
    return sink.getvalue().to_pybytes()


def parquet_members(descriptor: dict[str, Any], tables: dict[str, CsvTable]) -> dict[str, bytes]:
    """``parquet/<table>.parquet`` for every tabular resource of ``descriptor``, by member name.

    Raises ArrowMissing without pyarrow and TypingError for a cell its field cannot hold."""
    pa = import_pyarrow()
    members = {}
    for name, types in table_types(descriptor).items():
        members[f"{FOLDER}/{name}.parquet"] = parquet_file(
            arrow_table(types, typed_columns(tables[name], types)), pa
        )
    return members
