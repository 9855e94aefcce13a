"""Columns the fast engine reads compact (Categorical): which ones, and that every check of
such a column finds what it finds in the same column read as text."""

from __future__ import annotations

import json

import polars as pl
import pytest

from claimtrail.files.bundled import data_dir as bundled_data_dir
from claimtrail.validation.fast.engine import COMPACT_REFERENCE_BYTES, TableChecks, compact_fields
from claimtrail.validation.fast.tables import FastTable, by_value, read_table


def _schema(name: str) -> dict:
    descriptor = json.loads((bundled_data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    return next(r["schema"] for r in descriptor["resources"] if r["name"] == name)


def test_the_fields_read_compact_are_those_the_schema_bounds():
    small, large = COMPACT_REFERENCE_BYTES, COMPACT_REFERENCE_BYTES + 1
    claims = _schema("claims")
    # Enums and dates; the claimant (into actors, a small file); not the id, the content, the
    # note, nor the keys into a large pointers.csv and claims.csv (variant_of).
    assert compact_fields(claims, {"actors": small, "pointers": large, "claims": large}) == (
        "claimant",
        "stance",
        "said_earliest",
        "said_latest",
        "said_precision",
        "said_basis",
    )
    assert "said_pointer" in compact_fields(claims, {"actors": small, "pointers": small})
    assert "variant_of" in compact_fields(claims, {"claims": small})
    assert "claimant" not in compact_fields(claims, {"actors": large})
    assert "claimant" not in compact_fields(claims, {})  # a file not there: read as text
    # An item table: its parent and ord (the primary key) stay text, its integers do not.
    casualties = compact_fields(_schema("event_casualties"), {"events": small, "pointers": small})
    assert "event" not in casualties and "ord" not in casualties
    assert {"kind", "low", "best", "high", "status", "pointer"} <= set(casualties)


FIELDS = [
    {"name": "id", "type": "string", "constraints": {"required": True}},
    {"name": "kind", "type": "string", "constraints": {"required": True, "enum": ["a", "b"]}},
    {"name": "count", "type": "integer", "constraints": {"minimum": 0}},
    {"name": "day", "type": "date"},
    {"name": "flag", "type": "boolean", "constraints": {"required": True}},
    {
        "name": "code",
        "type": "string",
        "constraints": {"pattern": "[A-Z]{2}", "minLength": 2, "enum": ["AB", "a"]},
    },
    {"name": "other", "type": "string"},
    {"name": "note", "type": "string"},
]
SCHEMA = {
    "fields": FIELDS,
    "primaryKey": ["id"],
    "foreignKeys": [{"fields": ["other"], "reference": {"resource": "others", "fields": ["id"]}}],
}
ROWS = [
    "r1,a,5,2021-06-07,true,AB,o1,fine",
    'r2,,-1,2021-02-30,yes,a,o9,"a note\nover two lines"',
    "r3,c,+5,0000-01-01,,AB,,",
    'r4,"b\nb", 7,2021-6-7,false,ab,o1,',
    'r5,a,x,,1,"",o9,',
    'r6,b,12,2021-06-07,TRUE,A,"",',
    'r7,"",,,0,AB,o2,',
]


def _errors(tmp_path, compact: bool) -> tuple[pl.DataFrame, list]:
    path = tmp_path / "things.csv"
    path.write_text("id,kind,count,day,flag,code,other,note\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    labels = [f["name"] for f in FIELDS]
    chosen = compact_fields(SCHEMA, {"others": 10}) if compact else ()
    df, _, offsets = read_table(path, "things.csv", labels, compact=chosen)
    checks = TableChecks(FastTable("things.csv", labels, df, offsets), SCHEMA)
    errors = checks.run({"others": pl.Series("id", ["o1", "o2"])})
    found = [
        (type(e).__name__, e.row_number, getattr(e, "field_number", None), e.note, list(e.cells))
        for e in errors
    ]
    return df, found


def test_a_compact_table_has_the_errors_of_the_same_table_read_as_text(tmp_path):
    compact, found = _errors(tmp_path, compact=True)
    text, expected = _errors(tmp_path, compact=False)
    assert {n for n, t in compact.schema.items() if t == pl.Categorical} == {
        "kind",
        "count",
        "day",
        "flag",
        "code",
        "other",
    }
    assert set(text.schema.values()) == {pl.String}
    assert found == expected
    kinds = {(name, row, field) for name, row, field, *_ in found}
    # Each kind of error is there, at the row it is on (r2 spans two lines: rows stay rows).
    assert ("ConstraintError", 3, 2) in kinds  # a required enum left empty
    assert ("ConstraintError", 4, 2) in kinds  # a value outside the enum
    assert ("ConstraintError", 3, 3) in kinds  # below the minimum
    assert ("TypeError", 6, 3) in kinds  # not an integer
    assert ("TypeError", 3, 4) in kinds and ("TypeError", 4, 4) in kinds  # not dates
    assert ("TypeError", 3, 5) in kinds  # not a boolean
    assert ("ConstraintError", 4, 5) in kinds  # a required boolean left empty
    assert ("ForeignKeyError", 3, None) in kinds  # a dangling reference
    assert len(found) >= 14


def test_a_condition_on_a_compact_column_holds_for_the_rows_of_its_values():
    df = pl.DataFrame({"c": ["x", None, "y", "", "x"]}).with_columns(pl.col("c").cast(pl.Categorical))

    def rows(condition: pl.Expr) -> list[int]:
        return df.with_row_index().filter(by_value(df, "c", condition).fill_null(False))["index"].to_list()

    assert rows(pl.col("c") == "x") == [0, 4]
    assert rows(pl.col("c").is_null() | (pl.col("c") == "")) == [1, 3]  # empty cells as text reads them
    assert rows(pl.col("c").str.len_chars() == 1) == [0, 2, 4]  # a string expression, on its values
    assert rows(pl.lit(True)) == [0, 1, 2, 3, 4]  # a literal spreads to every value, null included
    assert rows(pl.lit(False)) == []


@pytest.mark.parametrize("name", ["claims", "pointers", "event_casualties"])
def test_the_bundled_tables_are_read_compact_by_the_run(name):
    """The run reads the columns compact_fields chooses, as Categorical."""
    from claimtrail.contract.layout import build_layout
    from claimtrail.validation.fast.run import _Reader

    root = bundled_data_dir()
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"] if r.get("type") == "table"}
    sizes = {n: (root / r["path"]).stat().st_size for n, r in resources.items()}
    spec = next(t for t in build_layout().tables if t.name == name)
    chosen = compact_fields(resources[name]["schema"], sizes)
    reader = _Reader(root, resources, [spec], ahead=False, compact={name: chosen})
    try:
        table, _ = reader.load(spec)
    finally:
        reader.close()
    assert chosen
    held = {n for n, t in table.df.schema.items() if t == pl.Categorical}
    # A column no row fills is held as a constant null instead (_without_empty_columns).
    assert held == {n for n in chosen if table.df.get_column(n).null_count() < table.height}


def test_the_run_reads_compact_from_a_size_of_tables_on(monkeypatch):
    """A small package's cells are text (faster to read); from COMPACT_FROM bytes of tables,
    the columns compact_fields chooses are Categorical."""
    from claimtrail.validation.fast import run
    from claimtrail.validation.validate import validate_package

    def categorical(limit: int) -> set[tuple[str, str]]:
        seen: set[tuple[str, str]] = set()
        load = run._Reader._load

        def spy(self, spec, scanning=None):
            table, errors = load(self, spec, scanning)
            seen.update((spec.name, n) for n, t in table.df.schema.items() if t == pl.Categorical)
            return table, errors

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(run, "COMPACT_FROM", limit)
            mp.setattr(run._Reader, "_load", spy)
            assert validate_package(bundled_data_dir()).valid
        return seen

    assert categorical(run.COMPACT_FROM) == set()
    assert {("claims", "stance"), ("pointers", "start"), ("pointers", "source")} <= categorical(0)
