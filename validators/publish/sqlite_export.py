"""The package as one SQLite database: a table per CSV table, keys declared, columns typed.

Types follow the Table Schemas: integers are INTEGER, booleans INTEGER 0/1, everything else
TEXT (dates as ISO 8601 text); CHECK constraints hold each column to its type and enum, so
the declared types mean something in a database engine that otherwise accepts anything.
Primary keys and foreign keys are those of the descriptor; pointer columns reference
``pointers(id)``. Views answer the common questions (see VIEWS).

The file is built in one transaction into a fresh database with a fixed page size, so the
same tables give the same bytes with the same SQLite library (the header records the library
version that wrote it).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from claimtrail.contract.layout import Column, Layout, Table
from claimtrail.package.csvio import CsvTable
from claimtrail.package.records import parse_cell

PAGE_SIZE = 4096

VIEWS = {
    "claims_with_quotes": (
        "Each claim once per attribution: who made it, which outlet reports it, how, and the words quoted.",
        """
SELECT c.id AS claim, c.content AS content, c.stance AS stance,
       c.claimant AS claimant, claimant.name AS claimant_name, c.claimant_as_reported AS claimant_as_reported,
       a.ord AS attribution, a.kind AS kind, a.reported_by AS outlet_id, outlet.name AS outlet,
       via.name AS via, p.quote AS quote, p.source AS source, s.path AS source_path,
       p.start AS start, p."end" AS "end"
FROM claims AS c
JOIN claim_attributions AS a ON a.claim = c.id
JOIN pointers AS p ON p.id = a.pointer
LEFT JOIN sources AS s ON s.id = p.source
LEFT JOIN actors AS claimant ON claimant.id = c.claimant
LEFT JOIN actors AS outlet ON outlet.id = a.reported_by
LEFT JOIN actors AS via ON via.id = a.via""",
    ),
    "events_with_participants": (
        "Each event once per participant: the event, its type and dates, the actor and its role.",
        """
SELECT e.id AS event, e.type AS type, e.summary AS summary,
       e.date_earliest AS date_earliest, e.date_latest AS date_latest, e.date_precision AS date_precision,
       pa.ord AS participant, pa.actor AS actor, ac.name AS actor_name, ac.kind AS actor_kind, pa.role AS role,
       p.quote AS quote, p.source AS source
FROM events AS e
JOIN event_participants AS pa ON pa.event = e.id
JOIN actors AS ac ON ac.id = pa.actor
JOIN pointers AS p ON p.id = pa.pointer""",
    ),
    "actor_names_with_quotes": (
        "Every name an actor goes by in the sources, with the words and source it appears in.",
        """
SELECT ac.id AS actor, ac.name AS name, ac.kind AS kind, n.ord AS name_ord, n.name AS as_written,
       n.form AS form, n.misspelled AS misspelled, p.quote AS quote, p.source AS source
FROM actors AS ac
JOIN actor_names AS n ON n.actor = ac.id
JOIN pointers AS p ON p.id = n.pointer""",
    ),
    "discrepancy_versions_with_quotes": (
        "Each version of each discrepancy with the words and source that give it.",
        """
SELECT d.id AS discrepancy, d.aspect AS aspect, d.summary AS summary, v.ord AS version,
       v.value AS value, p.quote AS quote, p.source AS source
FROM discrepancies AS d
JOIN discrepancy_versions AS v ON v.discrepancy = d.id
JOIN pointers AS p ON p.id = v.pointer""",
    ),
}


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_type(column: Column) -> str:
    return (
        "INTEGER" if column.kind == "ord" or column.schema.get("type") in ("integer", "boolean") else "TEXT"
    )


def column_sql(column: Column) -> str:
    name = quote(column.name)
    kind = column.schema.get("type") if column.kind in ("value", "ord") else "string"
    checks = []
    if kind == "boolean":
        checks.append(f"{name} IN (0, 1)")
    elif column.kind == "ord" or kind == "integer":
        checks.append(f"typeof({name}) = 'integer'")
    else:
        checks.append(f"typeof({name}) = 'text'")
    if column.schema.get("enum") and column.kind == "value":
        checks.append(f"{name} IN ({', '.join(_literal(v) for v in column.schema['enum'])})")
    if "minimum" in column.schema and column.kind in ("value", "ord") and kind == "integer":
        checks.append(f"{name} >= {int(column.schema['minimum'])}")
    condition = " AND ".join(checks)
    if column.nullable:
        condition = f"{name} IS NULL OR ({condition})"
    null = "" if column.nullable else " NOT NULL"
    return f"{name} {sql_type(column)}{null} CHECK ({condition})"


def table_sql(table: Table) -> str:
    lines = [column_sql(c) for c in table.columns]
    lines.append(f"PRIMARY KEY ({', '.join(quote(k) for k in table.primary_key)})")
    for c in table.columns:
        if c.references:
            lines.append(f'FOREIGN KEY ({quote(c.name)}) REFERENCES {quote(c.references)} ("id")')
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {quote(table.name)} (\n  {body}\n)"


def sql_value(raw: str | None, column: Column):
    value = parse_cell(raw, column)
    if isinstance(value, bool):
        return int(value)
    return value


def build_sqlite(path: Path, layout: Layout, tables: dict[str, CsvTable], metadata: dict[str, str]) -> None:
    """Write the database to ``path`` (which must not exist yet)."""
    if path.exists():
        raise FileExistsError(path)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        db.execute("PRAGMA journal_mode = OFF")  # a fresh file built once: nothing to roll back to
        db.execute("PRAGMA foreign_keys = OFF")  # pointers and sources reference each other
        db.execute("BEGIN")
        db.execute(
            "CREATE TABLE package_metadata (\n  key TEXT NOT NULL PRIMARY KEY,\n  value TEXT NOT NULL\n)"
        )
        db.executemany("INSERT INTO package_metadata VALUES (?, ?)", sorted(metadata.items()))
        for spec in layout.tables:
            db.execute(table_sql(spec))
            names = [c.name for c in spec.columns]
            insert = f"INSERT INTO {quote(spec.name)} VALUES ({', '.join('?' * len(names))})"
            table = tables[spec.name]
            db.executemany(
                insert, ([sql_value(row.get(c.name), c) for c in spec.columns] for row in table.rows)
            )
        for name, (_, select) in VIEWS.items():
            if all(t in {s.name for s in layout.tables} for t in _tables_of(select)):
                db.execute(f"CREATE VIEW {quote(name)} AS{select}")
        db.execute("COMMIT")
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ValueError(f"foreign keys broken in the database: {broken[:5]}")
    finally:
        db.close()


def _tables_of(select: str) -> list[str]:
    words = select.replace("\n", " ").split()
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("FROM", "JOIN")]
