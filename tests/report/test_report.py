"""`jiaohao report`: the scripted day of tests/ledger/test_stats.py as XLSX (read back with
openpyxl and checked against the statistics), CSV and a PDF whose pages carry the
Chinese text (read back with Qt's PDF reader) and render."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hall.protocol import CallNext, Finish, Recall, TakeTicket
from ledger.stats import hall_stats
from ledger.store import Store
from report.cli import main as report_main
from report.cli import write_report
from tests.hub.engine_helpers import at, hall
from tests.ledger.test_stats import SCRIPT, STAFF, play

DAY = date(2026, 11, 2)


def run_report(tmp_path: Path, db: Path, day: date, out: Path, formats: str) -> int:
    """`jiaohao report` of ``day`` from ``db`` on the hall of :data:`HALL_TOML`."""
    config = tmp_path / "hall.toml"
    config.write_text(HALL_TOML, encoding="utf-8")
    return report_main(["--config", str(config), "--db", str(db), "--day", day.isoformat(),
                        "--out", str(out), "--formats", formats])


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "queue.db"
    store = Store.open(str(path))
    store.write(play(hall(staff=STAFF), SCRIPT))
    store.close()
    return path


def test_the_workbook_holds_the_statistics(store_file: Path, tmp_path: Path) -> None:
    config = hall(staff=STAFF)
    store = Store.open(str(store_file))
    stats = hall_stats(store.db, config, DAY, DAY)
    store.close()
    written = write_report(stats, "测试大厅", tmp_path / "out", ("xlsx", "csv"))
    book = load_workbook(next(p for p in written if p.suffix == ".xlsx"))
    assert book.sheetnames == ["全厅合计", "按时段", "按区域", "按业务", "按窗口", "按人员",
                               "等候预估准确度（按日）", "等候预估准确度（按业务）"]
    accuracy = book["等候预估准确度（按业务）"]
    assert [c.value for c in accuracy[2]] == ["业务", "预估票数", "平均误差(分)",
                                              "落在范围内(%)", "低估超1分钟(%)"]
    services = book["按业务"]
    header = [c.value for c in services[2]]
    rows = {r[0]: dict(zip(header, r, strict=True))
            for r in services.iter_rows(min_row=3, values_only=True)}
    a = next(s for s in stats["by_service"] if s["key"] == "A")
    assert rows["业务A"]["取号"] == a["issued"] == 2
    assert rows["业务A"]["平均等候(分)"] == round(a["wait_s"]["mean"] / 60, 1) == 15.5
    assert rows["业务C"]["过号"] == 1 and rows["业务C"]["未办结"] == 1
    clerks = book["按人员"]
    header = [c.value for c in clerks[2]]
    zhang = dict(zip(header, next(clerks.iter_rows(min_row=3, values_only=True)), strict=True))
    assert zhang["人员"] == "张三" and zhang["在岗(时)"] == round(3300 / 3600, 2)

    total_csv = next(p for p in written if p.name.endswith("-total.csv"))
    assert total_csv.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM for spreadsheets
    with total_csv.open(encoding="utf-8-sig") as f:
        table = list(csv.reader(f))
    assert table[0][:3] == ["范围", "取号", "叫号"] and table[1][1] == "4"


def test_the_pdf_carries_chinese_text_and_renders(
    store_file: Path, tmp_path: Path, qapp: object,
) -> None:
    from PySide6.QtCore import QSize
    from PySide6.QtPdf import QPdfDocument

    assert run_report(tmp_path, store_file, DAY, tmp_path / "out", "pdf") == 0
    document = QPdfDocument()
    document.load(str(tmp_path / "out" / f"report-{DAY}.pdf"))
    assert document.pageCount() >= 2
    text = document.getAllText(0).text()
    # Glyphs the CJK font shares with radicals read back as the radicals (民 as ⺠):
    # Qt's text map, not what is drawn; check words without such glyphs.
    assert "测试便" in text and "统计范围：2026-11-02" in text and "取号与办结" in text
    image = document.render(0, QSize(400, 566))
    colours = {image.pixel(x, y) for x in range(0, 400, 7) for y in range(0, 566, 7)}
    assert len(colours) > 5  # drawn, not a blank page


def test_bad_arguments_are_refused_plainly(store_file: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "hall.toml"
    config.write_text(HALL_TOML, encoding="utf-8")
    assert report_main(["--config", str(config), "--db", str(tmp_path / "none.db"),
                        "--day", "2026-11-02", "--out", str(tmp_path)]) == 2
    assert "no database" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        report_main(["--config", str(config), "--db", str(store_file), "--from",
                     "2026-11-05", "--to", "2026-11-01", "--out", str(tmp_path)])
    with pytest.raises(SystemExit):
        report_main(["--config", str(config), "--db", str(store_file), "--day", "11/02",
                     "--out", str(tmp_path)])


HALL_TOML = """
[hall]
name = "测试便民服务室"

[[zone]]
id = "Z1"
name = "一区"

[[zone]]
id = "Z2"
name = "二区"

[[service]]
id = "A"
name = "业务A"
zone = "Z1"

[[service]]
id = "B"
name = "业务B"
zone = "Z1"

[[service]]
id = "C"
name = "业务C"
zone = "Z2"

[[window]]
number = 1
name = "1号窗口"
services = ["A", "B"]

[[window]]
number = 3
name = "3号窗口"
services = ["C"]
"""


def test_ratings_export_marks_what_was_pushed(store_file: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from report.ratings import COLUMNS
    from report.ratings import main as ratings_main

    first = tmp_path / "first.csv"
    args = ["export", "--db", str(store_file), "--from", "2026-11-01", "--to", "2026-11-30"]
    assert ratings_main([*args, "--out", str(first), "--unpushed", "--mark-pushed"]) == 0
    with first.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["number"], r["score"], r["pushed"]) for r in rows] == [
        ("A002", "5", "False"), ("A001", "2", "False")]  # as they were when exported
    again = tmp_path / "again.json"
    assert ratings_main([*args, "--out", str(again), "--unpushed"]) == 0
    assert json.loads(again.read_text(encoding="utf-8")) == []
    every = tmp_path / "every.json"
    assert ratings_main([*args, "--out", str(every)]) == 0
    exported = json.loads(every.read_text(encoding="utf-8"))
    assert [r["pushed"] for r in exported] == [True, True] and exported[0]["pushed_at"]
    assert "2 rating(s) and marked them pushed" in capsys.readouterr().out
    backwards = ["export", "--db", str(store_file), "--from", "2026-11-30", "--to",
                 "2026-11-01", "--out", str(every)]
    assert ratings_main(backwards) == 2


def test_a_recalled_ticket_waited_until_its_first_call_in_every_report(
    tmp_path: Path,
) -> None:
    """A001 is issued at 9:00, called at 9:10, recalled at 9:15 and served until 9:20:
    it waited 10 minutes, whichever report is read (the demo's, `jiaohao report`'s)."""
    from jiaohao.demo.output import write_report as demo_report
    from report.markdown import markdown

    config = hall()
    path = tmp_path / "queue.db"
    store = Store.open(str(path))
    store.write(play(config, [
        (at(9, 0), TakeTicket(id=1, service="A")),
        (at(9, 10), CallNext(id=2, window=1)),
        (at(9, 15), Recall(id=3, window=1)),
        (at(9, 20), Finish(id=4, window=1)),
    ]))
    store.close()
    on = at(9, 0).date()

    demo = demo_report(tmp_path / "demo", path, config, on.isoformat())
    assert demo["total"]["wait_s"]["mean"] == 600.0  # the first call, not the recall
    assert demo["total"]["service_s"]["mean"] == 600.0  # the call that began the leg
    assert demo["total"]["recalled"] == 1
    assert "| 10.0 |" in markdown(demo, config.hall.name)  # 平均等候(分)

    assert run_report(tmp_path, path, on, tmp_path / "cli", "json,md") == 0
    written = json.loads((tmp_path / "cli" / f"report-{on}.json").read_text(encoding="utf-8"))
    assert written["total"] == demo["total"]
    assert (tmp_path / "demo" / "report.md").read_text(encoding="utf-8").count("| 10.0 |") >= 1
