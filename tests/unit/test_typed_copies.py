"""The typed copies of a release (Parquet, xlsx) and the typed frames, read by the real clients.

pandas, polars and DuckDB read every Parquet file with no option and get the CSV's cells typed
as the descriptor says; openpyxl reads the workbook's cells back as the exact CSV strings. The
expected values are typed here from the descriptor independently of claimtrail's own code.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import polars as pl
import pytest
from release_package import VERSION, write_package
from unpacked_release import members_of, unpack

import claimtrail
from claimtrail.files.bundled import data_dir
from claimtrail.package.frames import FrameError
from claimtrail.publish.release import build_release, zip_name
from claimtrail.publish.xlsx import WORKBOOK

IRAN_DEAL, CAMEO = "evt-2015-iran-nuclear-deal", "057"


def csv_tables(folder: Path) -> dict[str, tuple[list[dict], list[list[str]]]]:
    """(Table Schema fields, CSV rows without the header) of every tabular resource."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    found = {}
    for resource in descriptor["resources"]:
        if "schema" in resource:
            text = (folder / resource["path"]).read_text(encoding="utf-8")
            rows = list(csv.reader(io.StringIO(text, newline="")))
            assert rows[0] == [f["name"] for f in resource["schema"]["fields"]]
            found[resource["name"]] = (resource["schema"]["fields"], rows[1:])
    return found


def expected_rows(fields: list[dict], rows: list[list[str]]) -> list[tuple]:
    """The CSV rows typed by the Table Schema: the oracle every reader is compared with."""

    def typed(cell: str, spec: dict):
        if cell == "":
            return None
        kind = spec["type"]
        if kind == "integer":
            return int(cell)
        if kind == "boolean":
            return {"true": True, "false": False}[cell]
        if kind == "date":
            return datetime.date.fromisoformat(cell)
        assert kind == "string", kind
        return cell

    return [tuple(typed(cell, spec) for cell, spec in zip(row, fields)) for row in rows]


def plain(value):
    """A pandas cell as a Python value, with every kind of missing as None."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def pandas_rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(plain(v) for v in row) for row in frame.itertuples(index=False, name=None)]


PANDAS_DTYPES = {"integer": "Int64", "boolean": "boolean"}
POLARS_DTYPES = {"string": pl.String, "integer": pl.Int64, "boolean": pl.Boolean, "date": pl.Date}
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE"}


def check_pandas_types(frame: pd.DataFrame, fields: list[dict]) -> None:
    for spec in fields:
        dtype = frame[spec["name"]].dtype
        if spec["type"] == "string":
            assert pd.api.types.is_string_dtype(dtype), (spec["name"], dtype)
        elif spec["type"] == "date":
            assert all(isinstance(v, datetime.date) for v in frame[spec["name"]].dropna()), spec["name"]
        else:
            assert str(dtype) == PANDAS_DTYPES[spec["type"]], (spec["name"], dtype)


# -- Parquet, read with no option ----------------------------------------------------------


def test_every_table_has_a_parquet_file_and_nothing_else_is_there(bundled_release):
    tables = csv_tables(bundled_release)
    assert sorted(p.stem for p in (bundled_release / "parquet").iterdir()) == sorted(tables)


def test_pandas_reads_each_parquet_file_equal_to_the_typed_csv(bundled_release):
    for name, (fields, rows) in csv_tables(bundled_release).items():
        frame = pd.read_parquet(bundled_release / "parquet" / f"{name}.parquet")
        assert list(frame.columns) == [f["name"] for f in fields], name
        check_pandas_types(frame, fields)
        assert pandas_rows(frame) == expected_rows(fields, rows), name


def test_polars_reads_each_parquet_file_equal_to_the_typed_csv(bundled_release):
    for name, (fields, rows) in csv_tables(bundled_release).items():
        frame = pl.read_parquet(bundled_release / "parquet" / f"{name}.parquet")
        assert frame.schema == {f["name"]: POLARS_DTYPES[f["type"]] for f in fields}, name
        assert frame.rows() == expected_rows(fields, rows), name


def test_duckdb_reads_each_parquet_file_equal_to_the_typed_csv(bundled_release):
    with duckdb.connect() as db:
        for name, (fields, rows) in csv_tables(bundled_release).items():
            path = str(bundled_release / "parquet" / f"{name}.parquet")
            described = db.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
            assert [(c[0], c[1]) for c in described] == [(f["name"], DUCKDB_TYPES[f["type"]]) for f in fields]
            assert db.execute("SELECT * FROM read_parquet(?)", [path]).fetchall() == expected_rows(
                fields, rows
            )


def test_the_cameo_code_keeps_its_leading_zero_in_pandas_polars_and_duckdb(bundled_release):
    path = bundled_release / "parquet" / "events.parquet"
    assert pd.read_parquet(path).set_index("id").loc[IRAN_DEAL, "codes_cameo"] == CAMEO
    assert pl.read_parquet(path).filter(pl.col("id") == IRAN_DEAL)["codes_cameo"].to_list() == [CAMEO]
    found = duckdb.execute("SELECT codes_cameo FROM read_parquet(?) WHERE id = ?", [str(path), IRAN_DEAL])
    assert found.fetchall() == [(CAMEO,)]


def test_cells_spreadsheets_would_run_are_plain_strings_in_parquet(tricky_release):
    for name, (fields, rows) in csv_tables(tricky_release).items():
        frame = pl.read_parquet(tricky_release / "parquet" / f"{name}.parquet")
        assert frame.rows() == expected_rows(fields, rows), name
    summaries = pl.read_parquet(tricky_release / "parquet" / "events.parquet")["summary"].to_list()
    assert "=SUM(1+1) was posted." in summaries


# -- the xlsx workbook ---------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_table_of_text_cells_equal_to_the_csv(tricky_release):
    tables = csv_tables(tricky_release)
    book = openpyxl.load_workbook(tricky_release / WORKBOOK)
    assert book.sheetnames == list(tables)
    for name, (fields, rows) in tables.items():
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        cells = [[cell for cell in row] for row in sheet.iter_rows()]
        got = [["" if c.value is None else c.value for c in row] for row in cells]
        width = len(fields)
        assert [row + [""] * (width - len(row)) for row in got] == [[f["name"] for f in fields]] + rows, name
        for row in cells:
            for cell in row:
                if cell.value is not None:
                    assert cell.data_type == "s" and cell.number_format == "@", (name, cell.coordinate)
    # No formula: the text is there as written, not its result.
    assert "=SUM(1+1) was posted." in [c.value for row in book["events"].iter_rows() for c in row]


def test_the_workbook_keeps_the_cameo_code_as_text(bundled_release):
    sheet = openpyxl.load_workbook(bundled_release / WORKBOOK, read_only=True)["events"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    (deal,) = [r for r in rows[1:] if r[header.index("id")] == IRAN_DEAL]
    assert deal[header.index("codes_cameo")] == CAMEO


# -- reproducible --------------------------------------------------------------------------


def test_parquet_and_xlsx_are_byte_identical_across_builds_and_dated_by_source_date_epoch(
    tmp_path, monkeypatch
):
    package = write_package(tmp_path / "pkg")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    a = members_of(build_release(package, tmp_path / "a", python_dist=False).zip_path)
    b = members_of(build_release(package, tmp_path / "b", python_dist=False).zip_path)
    typed = [n for n in a if n.startswith("parquet/") or n == WORKBOOK]
    assert len(typed) == len(csv_tables(unpack(a, tmp_path / "u"))) + 1
    assert {n: a[n] for n in typed} == {n: b[n] for n in typed}
    with zipfile.ZipFile(io.BytesIO(a[WORKBOOK])) as book:
        core = book.read("docProps/core.xml").decode()
        assert {i.date_time for i in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2023-11-14T22:13:20Z</dcterms:created>' in core
    assert zip_name(VERSION).startswith("claimtrail-data-")


# -- typed frames --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dataset():
    return claimtrail.load()


def test_pandas_frames_are_the_frames_pandas_reads_from_the_parquet_files(dataset, bundled_release):
    for name, (fields, rows) in csv_tables(data_dir()).items():
        frame = dataset.frame(name, library="pandas")
        check_pandas_types(frame, fields)
        assert pandas_rows(frame) == expected_rows(fields, rows), name
        pd.testing.assert_frame_equal(frame, pd.read_parquet(bundled_release / "parquet" / f"{name}.parquet"))


def test_polars_frames_are_the_frames_polars_reads_from_the_parquet_files(dataset, bundled_release):
    frames = dataset.frames(library="polars")
    assert list(frames) == list(csv_tables(data_dir()))
    for name, frame in frames.items():
        assert frame.equals(pl.read_parquet(bundled_release / "parquet" / f"{name}.parquet")), name
    deal = frames["events"].filter(pl.col("id") == IRAN_DEAL)
    assert deal["codes_cameo"].to_list() == [CAMEO]
    assert deal["date_earliest"].to_list() == [datetime.date(2015, 1, 1)]


def test_a_frame_keeps_na_as_a_string_and_an_empty_cell_as_null(bundled_copy):
    ds = claimtrail.load(bundled_copy)  # frames read the tables as they are now, valid or not
    events = bundled_copy / "events.csv"
    text = events.read_text(encoding="utf-8")
    events.write_text(
        text.replace(f"{IRAN_DEAL},agreement,,,", f"{IRAN_DEAL},agreement,NA,,", 1), encoding="utf-8"
    )
    for library in ("pandas", "polars"):
        frame = ds.frame("events", library=library)
        rows = pandas_rows(frame) if library == "pandas" else frame.rows()
        (deal,) = [r for r in rows if r[0] == IRAN_DEAL]
        assert deal[2:5] == ("NA", None, CAMEO), library


def test_a_frame_of_a_bad_cell_names_file_line_and_field(bundled_copy):
    ds = claimtrail.load(bundled_copy)
    pointers = bundled_copy / "pointers.csv"
    lines = pointers.read_text(encoding="utf-8").split("\n")
    cells = lines[3].split(",")
    cells[2] = "12x"  # start
    lines[3] = ",".join(cells)
    pointers.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(FrameError, match=r"pointers\.csv:4: field start: '12x' is not an integer"):
        ds.frame("pointers", library="polars")
    with pytest.raises(FrameError, match=r"no table 'claim' in .*datapackage\.json"):
        ds.frame("claim")
    with pytest.raises(FrameError, match="library must be one of pandas, polars, not 'numpy'"):
        ds.frame("claims", library="numpy")


def test_a_release_without_pyarrow_says_how_to_install_it(tmp_path, monkeypatch):
    import sys

    from claimtrail.publish.release import ReleaseError

    package = write_package(tmp_path / "pkg")
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # what importing an absent package does
    with pytest.raises(ReleaseError, match=r"need pyarrow: pip install 'claimtrail\[release\]'"):
        build_release(package, tmp_path / "dist", python_dist=False)
    assert not (tmp_path / "dist" / zip_name(VERSION)).exists()


def test_a_cell_too_long_for_a_spreadsheet_is_refused_with_its_place():
    from claimtrail.package.csvio import CsvTable
    from claimtrail.publish.xlsx import MAX_CELL, WorkbookError, workbook_bytes

    table = CsvTable(
        "claims.csv", header=["id", "content"], rows=[{"id": "clm-a", "content": "x" * (MAX_CELL + 1)}]
    )
    table.lines = [1, 2]
    with pytest.raises(WorkbookError, match=r"^claims\.csv:2: field content: 32768 characters do not fit"):
        workbook_bytes([table], ["claims"], 0, "t")
    table.rows[0]["content"] = "x" * MAX_CELL  # the longest cell that fits is kept whole
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes([table], ["claims"], 0, "t")))
    assert book["claims"]["B2"].value == "x" * MAX_CELL
