"""The release's spreadsheet copies opened in a real spreadsheet program: LibreOffice Calc.

The workbook's cells come back exactly as the CSV holds them (no formula ran, no leading zero
or curly quote lost), and the README's command for the spreadsheet CSVs decodes them as
UTF-8. LibreOffice is installed by .ci/setup.d/30-libreoffice.sh; without it these tests fail.
"""

from __future__ import annotations

import csv
import io
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO

from claimtrail.publish.xlsx import WORKBOOK

# Every sheet (-1, the 12th token) as CSV: comma, double quote, UTF-8 (76), values not formulas.
EXPORT_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,false,false,false,-1"


# The three conversions run on one worker, one after the other, with one LibreOffice profile:
# a profile's first start costs seconds, a lock keeps two processes from sharing it at once.
pytestmark = pytest.mark.xdist_group("libreoffice")


@pytest.fixture(scope="module")
def profile(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("libreoffice-profile")


def soffice(args: list[str], profile: Path, cwd: Path) -> None:
    program = shutil.which("soffice")
    assert program, "LibreOffice (soffice) is not installed: run .ci/setup.d/30-libreoffice.sh"
    command = [program, f"-env:UserInstallation={profile.as_uri()}", *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_libreoffice_reads_every_sheet_of_the_workbook_as_the_csv_cells(tricky_release, tmp_path, profile):
    out = tmp_path / "out"
    soffice(
        ["--headless", "--convert-to", EXPORT_ALL_SHEETS, "--outdir", str(out), WORKBOOK],
        profile,
        tricky_release,
    )
    book = openpyxl.load_workbook(tricky_release / WORKBOOK, read_only=True)
    for sheet in book.sheetnames:
        exported = (out / f"{Path(WORKBOOK).stem}-{sheet}.csv").read_text(encoding="utf-8")
        canonical = (tricky_release / f"{sheet}.csv").read_text(encoding="utf-8")
        assert rows_of(exported) == rows_of(canonical), sheet
    events = (out / f"{Path(WORKBOOK).stem}-events.csv").read_text(encoding="utf-8")
    assert "=SUM(1+1) was posted." in events  # shown as text, not run


def test_libreoffice_keeps_the_cameo_code_and_curly_quotes_of_the_bundled_workbook(
    bundled_release, tmp_path, profile
):
    out = tmp_path / "out"
    soffice(
        ["--headless", "--convert-to", EXPORT_ALL_SHEETS, "--outdir", str(out), WORKBOOK],
        profile,
        bundled_release,
    )
    for sheet in ("events", "claims", "pointers"):
        exported = (out / f"{Path(WORKBOOK).stem}-{sheet}.csv").read_text(encoding="utf-8")
        assert rows_of(exported) == rows_of((bundled_release / f"{sheet}.csv").read_text(encoding="utf-8")), (
            sheet
        )
    events = rows_of((out / f"{Path(WORKBOOK).stem}-events.csv").read_text(encoding="utf-8"))
    (deal,) = [r for r in events if r[0] == "evt-2015-iran-nuclear-deal"]
    assert deal[events[0].index("codes_cameo")] == "057"


def test_the_readme_command_imports_the_spreadsheet_csv_as_utf8(bundled_release, tmp_path, profile):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (command,) = re.findall(r"`(soffice --headless --infilter=[^`]+)`", readme.replace("\n", " "))
    args = shlex.split(command)[1:]
    csv_file = args[-1]
    out = tmp_path / "out"
    soffice([*args[:-1], "--outdir", str(out), csv_file], profile, bundled_release)
    sheet = openpyxl.load_workbook(out / (Path(csv_file).stem + ".xlsx")).active
    cells = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    canonical = rows_of((bundled_release / csv_file.removeprefix("spreadsheet/")).read_text(encoding="utf-8"))
    assert cells[0] == canonical[0]  # "id", not "ï»¿"id""
    curly = [cell for row in canonical for cell in row if "’" in cell]
    assert curly and all(any(cell in row for row in cells) for cell in curly)
    assert not any("â€™" in cell for row in cells for cell in row)
