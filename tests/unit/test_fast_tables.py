"""The byte scan that proves polars reads a table as Python's csv does (fast/tables.py): what
it counts inside quoted fields, and the quotes it refuses."""

from __future__ import annotations

import pytest

from claimtrail.validation.fast import tables
from claimtrail.validation.fast.tables import Fallback, scan_file


def _scan(tmp_path, data: bytes):
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    return scan_file(path, "t.csv")


def test_counts_what_quoted_fields_hold(tmp_path):
    scan = _scan(tmp_path, b'id,text\n1,"a, b"\n2,"line\r\nbreak ""q"""\n3,plain\n4,""\n')
    assert scan.quoted_fields == 3
    assert scan.quoted_commas == 1
    assert scan.quoted_breaks == 1  # \r\n counted once
    assert scan.quoted_quotes == 2 * 3 + 4  # each field's two, and two doubled quotes
    assert scan.quotes == scan.quoted_quotes


def test_a_quoted_field_after_a_byte_order_mark(tmp_path):
    scan = _scan(tmp_path, b'\xef\xbb\xbf"id",text\n1,x\n')
    assert scan.bom and scan.quoted_fields == 1


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b'id,text\n1,a"b"\n', "a double quote inside an unquoted field"),
        (b'id,text\n1,"a"b\n', "text after a closing double quote"),
        (b'id,text\n1,"a" \n', "text after a closing double quote"),
        (b'id,text\n"1"x,b\n', "text after a closing double quote"),
    ],
)
def test_a_quoted_field_out_of_place(tmp_path, data, why):
    with pytest.raises(Fallback, match=why):
        _scan(tmp_path, data)


def test_a_stray_quote_is_left_outside_the_fields(tmp_path):
    scan = _scan(tmp_path, b'id,text\n1,"a"\n2,b"\n')
    assert scan.quoted_fields == 1 and scan.quotes - scan.quoted_quotes == 1


def test_fields_across_chunks(tmp_path, monkeypatch):
    # Chunks far shorter than the file: quoted fields with line breaks land on every cut.
    monkeypatch.setattr(tables, "CHUNK", 7)
    rows = [f'{i},"x{i}\n, ""y"""\n' for i in range(50)]
    scan = _scan(tmp_path, ("id,text\n" + "".join(rows)).encode())
    assert (scan.quoted_fields, scan.quoted_commas, scan.quoted_breaks) == (50, 50, 50)
    assert scan.quoted_quotes == 50 * 6 and scan.breaks == 1 + 100


def test_a_column_without_a_value_is_held_as_a_constant(tmp_path):
    import polars as pl

    from claimtrail.validation.fast.tables import read_table

    path = tmp_path / "t.csv"
    path.write_text("id,note,text\n" + "".join(f"{i},,x{i}\n" for i in range(1000)), encoding="utf-8")
    df, _, _ = read_table(path, "t.csv", ["id", "note", "text"])
    plain = pl.read_csv(path, infer_schema=False)
    # Held otherwise (what that saves is measured by benchmarks/run.py), read the same.
    assert df.equals(plain) and df["note"].null_count() == 1000 and df["text"].null_count() == 0
