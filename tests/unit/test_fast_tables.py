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


def _fields_one_by_one(data: bytes):
    """The counts of the quoted fields, one field at a time over the whole file: what the
    chunked scan must give, or None where it must refuse the file."""
    import re

    ends = b",\n\r"
    counts = [0, 0, 0, 0]
    for m in re.finditer(rb'"[^"]*(?:""[^"]*)*"', data):
        start, end = m.span()
        if start and not (data[start - 1] in ends or (data.startswith(b"\xef\xbb\xbf") and start == 3)):
            return None
        if end < len(data) and data[end] not in ends:
            return None
        text = m.group()
        counts = [
            counts[0] + 1,
            counts[1] + text.count(b","),
            counts[2] + tables._breaks(text),
            counts[3] + text.count(b'"'),
        ]
    return counts


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 23])
def test_the_chunked_scan_counts_as_one_pass_over_the_file(tmp_path, monkeypatch, chunk):
    # Random files of quoted and plain cells, with now and then a quote out of place: the
    # scan, whatever its chunks, counts and refuses what one pass field by field does.
    import random

    monkeypatch.setattr(tables, "CHUNK", chunk)
    rng = random.Random(chunk)
    pieces = ['"a,b"', '"x""y"', '"line\nbreak"', '"cr\r\nlf"', "plain", "", '""', 'a"b', '"c"d', '"e" ']
    for trial in range(60):
        rows = [
            ",".join(rng.choice(pieces[: 7 if trial % 3 else 10]) for _ in range(3))
            for _ in range(rng.randint(1, 12))
        ]
        # A byte-order mark is looked for in the first chunk: at least its three bytes.
        bom = "\ufeff" if trial % 7 == 0 and chunk >= 3 else ""
        data = (bom + '"h",b,c\n' + "\n".join(rows) + "\n").encode()
        expected = _fields_one_by_one(data)
        path = tmp_path / f"{trial}.csv"
        path.write_bytes(data)
        if expected is None:
            with pytest.raises(Fallback):
                scan_file(path, "t.csv")
            continue
        scan = scan_file(path, "t.csv")
        found = [scan.quoted_fields, scan.quoted_commas, scan.quoted_breaks, scan.quoted_quotes]
        assert found == expected, data


@pytest.mark.parametrize("chunk", [1, 2, 5])
def test_a_quote_out_of_place_just_after_a_chunk_without_quotes(tmp_path, monkeypatch, chunk):
    # "ab" ends a chunk with no quote in it; the quote that follows starts no field.
    monkeypatch.setattr(tables, "CHUNK", chunk)
    with pytest.raises(Fallback, match="a double quote inside an unquoted field"):
        _scan(tmp_path, b'id,t\n1,ab"c"\n')


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 64, 1 << 20])
def test_a_table_read_again_in_pieces_is_the_table_read_whole(tmp_path, size):
    """Each piece is cut after a line break outside quoted fields, whatever the piece's size:
    a cell holding a line break, a doubled quote or a comma is never split."""
    import polars as pl

    data = (
        "id,quote,note\r\n"
        'p1,"two\nlines","say ""hi"""\r\n'
        "p2,,\r\n"
        'p3,"""quoted""\n, and more","a,b"\r\n'
        'p4,plain,"\r\n"\r\n'
        'p5,"last",end'
    )
    path = tmp_path / "t.csv"
    path.write_bytes(data.encode())
    whole = pl.read_csv(path, infer_schema=False)
    parts = list(tables.pieces(path, "t.csv", ["id", "quote", "note"], size))
    assert [first for first, _ in parts] == [sum(p.height for _, p in parts[:i]) for i in range(len(parts))]
    assert pl.concat([p for _, p in parts]).equals(whole)
    if size < 8:
        assert len(parts) > 1


def test_a_table_read_again_with_another_header_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,other\np1,x\n")
    with pytest.raises(Fallback, match="changed while it was validated"):
        list(tables.pieces(path, "t.csv", ["id", "quote"]))
