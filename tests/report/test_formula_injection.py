"""No cell any spreadsheet would evaluate, in every CSV and XLSX file `jiaohao report`
and `jiaohao ratings export` write (OWASP's CSV-injection rule, report/cells.py): a
citizen's rating reason and hall-config names beginning with ``=``, ``+``, ``-`` or
``@`` arrive as readable text."""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hall.protocol import (
    CallNext,
    CloseDay,
    Finish,
    Rate,
    Request,
    SignIn,
    TakeTicket,
)
from ledger.store import Store
from report.cells import formula_like, spreadsheet_cell
from report.cli import main as report_main
from report.ratings import main as ratings_main
from tests.hub.engine_helpers import at
from tests.ledger.test_stats import play

ROOT = Path(__file__).resolve().parents[2]

HOSTILE_REASON = "=cmd|' /C calc'!A0"
#: A citizen's comment from the phone page.
HOSTILE_COMMENT = '=HYPERLINK("http://evil.example/","<script>alert(1)</script>")'

HALL = """
[hall]
name = "=HYPERLINK(\\"http://evil.example/\\",\\"点此\\")"

[[zone]]
id = "Z1"
name = "=HYPERLINK(\\"http://evil.example/\\",\\"区\\")"

[[service]]
id = "A"
name = "+1+1"
zone = "Z1"

[[service]]
id = "B"
name = "@SUM(1,1)"
zone = "Z1"

[[window]]
number = 1
name = "-2+3"
services = ["A", "B"]

[[window]]
number = 2
name = "\\t=1+1"
services = ["B"]

[[staff]]
id = "0101"
name = "＝1+1"
"""

SCRIPT: list[tuple[datetime, Request]] = [
    (at(9, 0), TakeTicket(id=1, service="A")),
    (at(9, 1), TakeTicket(id=2, service="B")),
    (at(9, 5), SignIn(id=3, window=1, staff="0101")),
    (at(9, 10), CallNext(id=4, window=1)),
    (at(9, 20), Finish(id=5, window=1)),
    (at(9, 21), Rate(id=6, window=1, ticket=1, score=1, reason=HOSTILE_REASON)),
    (at(9, 22), CallNext(id=7, window=2)),
    (at(9, 30), Finish(id=8, window=2)),
    (at(9, 31), Rate(id=9, window=2, ticket=2, score=2, reason="+1+1",
                     comment=HOSTILE_COMMENT, channel="phone")),
    (at(12, 0), CloseDay(id=10)),
]


@pytest.mark.parametrize(("text", "risky"), [
    ("=1+1", True), ("+1", True), ("-2+3", True), ("@SUM(1,1)", True), ("\t=1", True),
    ("\r=1", True), ("  =1", True), ("＝1", True), ("－1", True), ("1+1", False),
    ("业务A", False), ("", False), ("A-1", False), ("a@b", False),
])
def test_the_rule(text: str, risky: bool) -> None:
    assert formula_like(text) is risky
    cell = spreadsheet_cell(text)
    assert cell == ("'" + text if risky else text)


def test_numbers_stay_numbers() -> None:
    assert spreadsheet_cell(-2) == -2 and spreadsheet_cell(-2.5) == -2.5
    assert spreadsheet_cell(None) == "" and spreadsheet_cell(True) is True


def evaluable(value: object) -> bool:
    return isinstance(value, str) and formula_like(value)


def hostile_day(tmp_path: Path) -> tuple[Path, Path]:
    """The hostile hall's config file and a database holding its scripted day."""
    from hall.config import load_config

    config = tmp_path / "hall.toml"
    config.write_text(HALL, encoding="utf-8")
    db = tmp_path / "queue.db"
    store = Store.open(str(db))
    store.write(play(load_config(config), SCRIPT))
    store.close()
    return config, db


def test_every_file_report_and_ratings_export_write_is_safe(tmp_path: Path) -> None:
    config, db = hostile_day(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    assert report_main(["--config", str(config), "--db", str(db), "--day", "2026-11-02",
                        "--out", str(out), "--formats", "xlsx,csv"]) == 0
    ratings = out / "ratings.csv"
    assert ratings_main(["export", "--db", str(db), "--from", "2026-11-01", "--to",
                         "2026-11-30", "--out", str(ratings)]) == 0
    files = sorted(out.iterdir())
    assert {p.suffix for p in files} == {".csv", ".xlsx"} and len(files) > 3
    texts: list[str] = []
    for path in files:
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as f:
                for row in csv.reader(f):
                    assert not any(evaluable(cell) for cell in row), (path.name, row)
                    texts += row
            continue
        book = load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, sheet.title, cell.coordinate)
                    assert not evaluable(cell.value), (sheet.title, cell.coordinate)
                    if isinstance(cell.value, str):
                        texts.append(cell.value)
    # Readable: the hostile text is there, behind one apostrophe.
    assert "'" + HOSTILE_REASON in texts and "'+1+1" in texts and "'-2+3" in texts
    assert texts.count("'" + HOSTILE_COMMENT) == 3  # report CSV, XLSX, ratings export
    assert any(t.startswith("'=HYPERLINK(") for t in texts)


def test_the_pdf_draws_a_comment_as_text(tmp_path: Path, qapp: object) -> None:
    from PySide6.QtPdf import QPdfDocument

    config, db = hostile_day(tmp_path)
    out = tmp_path / "out"
    assert report_main(["--config", str(config), "--db", str(db), "--day", "2026-11-02",
                        "--out", str(out), "--formats", "pdf"]) == 0
    document = QPdfDocument()
    document.load(str(out / "report-2026-11-02.pdf"))
    text = "".join(document.getAllText(p).text() for p in range(document.pageCount()))
    # drawn as the text it is (elided to its column), on the 评价意见 table's row
    assert '手机 — =HYPERLINK("http://evil.example/","<script>alert(' in text.replace("⼿", "手")


def test_every_spreadsheet_writer_uses_the_one_rule() -> None:
    """A module that writes CSV or XLSX cells passes them through spreadsheet_cell."""
    writers = []
    packages = [p.parent for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests"]
    for path in (f for package in packages for f in package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(Dict)?[wW]riter|openpyxl", text):
            writers.append(path.relative_to(ROOT).as_posix())
            assert "spreadsheet_cell" in text, f"{path}: cells not passed through the rule"
    assert {"report/sheets.py", "report/ratings.py"} <= set(writers)
