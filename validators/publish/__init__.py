"""Publishing: what a release is built from a valid package.

Owns the release zip and Python distributions (release), byte-for-byte reproducibility
(reproducible), the SQLite copy (sqlite_export), the typed Parquet copies (parquet), the xlsx
workbook (xlsx), spreadsheet-safe CSVs (spreadsheet), the provenance site (site/), the
comparison of two releases (diff) and the README's data figures (readme_figures). It may import
every part but the command line.
"""
