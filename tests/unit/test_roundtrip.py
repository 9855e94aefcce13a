"""CSV -> records -> CSV is lossless, and records follow the JSON Schemas."""

from __future__ import annotations

from conftest import DATA
from helpers import read_rows

from claimtrail.contract.layout import build_layout
from claimtrail.package.csvio import read_csv, write_csv
from claimtrail.package.records import assemble, disassemble


def roundtrip(root, out):
    layout = build_layout()
    tables = {t.name: read_csv(root / t.path, t.path) for t in layout.tables}
    records = assemble(layout, tables)
    rows = disassemble(layout, {k: [a.record for a in v] for k, v in records.items()})
    out.mkdir()
    for t in layout.tables:
        write_csv(out / t.path, [c.name for c in t.columns], rows[t.name])
    return layout


def test_small_package_round_trips_byte_for_byte(small_package, tmp_path):
    layout = roundtrip(small_package, tmp_path / "out")
    for t in layout.tables:
        assert (tmp_path / "out" / t.path).read_bytes() == (small_package / t.path).read_bytes(), t.path


def test_bundled_data_round_trips_cell_for_cell(tmp_path):
    layout = roundtrip(DATA, tmp_path / "out")
    for t in layout.tables:
        original = read_rows(DATA / t.path)
        again = read_rows(tmp_path / "out" / t.path)
        key = lambda r: r  # noqa: E731 - rows are compared as sets of cells, in canonical order
        assert original[0] == again[0], t.path
        assert sorted(original[1:], key=key) == sorted(again[1:], key=key), t.path


def test_assembled_records_keep_unicode_exactly(small_package):
    layout = build_layout()
    tables = {t.name: read_csv(small_package / t.path, t.path) for t in layout.tables}
    pointers = assemble(layout, tables)["pointer"]
    quotes = [p.record["quote"] for p in pointers]
    assert any("\u00a0" in q for q in quotes) and any("’" in q for q in quotes)
