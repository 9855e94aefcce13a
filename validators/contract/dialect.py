"""The CSV dialect of the package's tables, declared once.

``TABLE_DIALECT`` is the Table Dialect (Data Package v2) that every table resource of the
descriptor declares; ``csv_options`` gives the same dialect as options of Python's csv
module, with which csvio writes (and reads) the tables. Both come from this one definition,
so the descriptor says what the writer really does: other people's readers follow the
declared dialect instead of guessing it (a guessed space delimiter or ``'`` quote
character misreads whole tables).
"""

from __future__ import annotations

import csv
from typing import Any

DIALECT_PROFILE = "https://datapackage.org/profiles/2.0/tabledialect.json"

TABLE_DIALECT: dict[str, Any] = {
    "$schema": DIALECT_PROFILE,
    "header": True,  # one header row, the table schema's field names in order
    "delimiter": ",",
    "lineTerminator": "\n",
    "quoteChar": '"',
    "doubleQuote": True,  # a quote character inside a quoted cell is doubled; no escape character
    "skipInitialSpace": False,  # a space after a delimiter belongs to the cell
}


def csv_options() -> dict[str, Any]:
    """TABLE_DIALECT as keyword arguments of csv.writer and csv.reader.

    A Table Dialect has no quoting mode: cells are quoted only when they must be (holding the
    delimiter, the quote character or a line break), which every reader of the dialect reads.
    """
    return {
        "delimiter": TABLE_DIALECT["delimiter"],
        "lineterminator": TABLE_DIALECT["lineTerminator"],
        "quotechar": TABLE_DIALECT["quoteChar"],
        "doublequote": TABLE_DIALECT["doubleQuote"],
        "skipinitialspace": TABLE_DIALECT["skipInitialSpace"],
        "escapechar": None,
        "quoting": csv.QUOTE_MINIMAL,
    }
