"""The county's figures are the halls' own: for a scripted multi-hall day, each hall's
figures in the county equal its own `jiaohao report`, the county's totals are their
sum, and the SQL views give the same headline figures."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

from county.figures import county_stats
from county.ship import Link
from hall.config import HallInfo, Service, Zone
from ledger.outbox import EventOutbox
from ledger.stats import COUNTS, stats_of_file
from tests.county.conftest import County
from tests.county.halls import FIRST_DAY, hall_config, play_days, write_hall
from tests.county.test_shipping import ship_all

HALLS = {"dongxiang": (3, 40), "xixiang": (4, 25), "nanxiang": (5, 60)}
DAYS = 2
AS_OF = date(2026, 11, 20)


@pytest.fixture
def shipped(county: County, tmp_path: Path) -> dict[str, Path]:
    files = {}
    for hall_id, (seed, tickets) in HALLS.items():
        path = tmp_path / f"{hall_id}.db"
        config = hall_config(name=f"{hall_id}大厅")
        write_hall(path, play_days(config, days=DAYS, seed=seed, tickets=tickets))
        link = Link(county.add_hall(hall_id), EventOutbox(path), config.public())
        ship_all(link)
        link.close()
        files[hall_id] = path
    return files


def own_report(path: Path, hall_id: str, start: date, end: date) -> dict[str, Any]:
    return stats_of_file(path, hall_config(name=f"{hall_id}大厅"), start, end)


@pytest.mark.parametrize(("start", "end"), [(FIRST_DAY, FIRST_DAY),
                                            (FIRST_DAY, date(2026, 11, 3))])
def test_each_halls_figures_in_the_county_are_its_own(
    county: County, shipped: dict[str, Path], start: date, end: date
) -> None:
    with psycopg.connect(county.reader_url()) as conn:
        figures = county_stats(conn, start, end, AS_OF)
    for hall_id, path in shipped.items():
        assert figures["halls"][hall_id] == own_report(path, hall_id, start, end)
    total = figures["county"]["total"]
    halls = [own_report(path, hall_id, start, end)["total"] for hall_id, path in shipped.items()]
    for name in COUNTS:
        assert total[name] == sum(h[name] for h in halls), name
    for score in "12345":
        assert total["ratings"][score] == sum(h["ratings"][score] for h in halls)
    assert total["issued"] > 100 and total["ratings"]["1"] + total["ratings"]["2"] > 0
    assert [row["key"] for row in figures["county"]["by_hall"]] == sorted(HALLS)
    by_hall = {row["key"]: row for row in figures["county"]["by_hall"]}
    assert by_hall["xixiang"]["name"] == "xixiang大厅"
    assert by_hall["xixiang"]["issued"] == figures["halls"]["xixiang"]["total"]["issued"]


def test_figures_are_refreshed_only_when_events_arrive(county: County,
                                                      shipped: dict[str, Path]) -> None:
    with psycopg.connect(county.owner_url) as conn:
        county_stats(conn, FIRST_DAY, FIRST_DAY, AS_OF)
        from county.figures import refresh

        assert refresh(conn, FIRST_DAY, FIRST_DAY) == 0
        conn.execute("UPDATE county_day_figures SET upto_seq = 0 WHERE hall_id = 'xixiang'"
                     " AND day = '2026-11-02'")
        assert refresh(conn, FIRST_DAY, FIRST_DAY) == 1


def test_the_sql_views_give_the_halls_own_figures(county: County,
                                                  shipped: dict[str, Path]) -> None:
    rows = county.query(
        "SELECT hall_id, day, issued, called, recalled, finished, skipped, transferred,"
        " bookings_kept, ratings, satisfaction, wait_mean, wait_median, wait_p90, wait_max"
        " FROM county_day_summary ORDER BY hall_id, day")
    assert len(rows) == len(HALLS) * DAYS
    for (hall_id, day, issued, called, recalled, finished, skipped, transferred, booked,
         ratings, satisfaction, mean, median, p90, top) in rows:
        own = own_report(shipped[str(hall_id)], str(hall_id), date.fromisoformat(str(day)),
                         date.fromisoformat(str(day)))["total"]
        assert (issued, called, recalled, finished, skipped, transferred, booked) == (
            own["issued"], own["called"], own["recalled"], own["finished"], own["skipped"],
            own["transferred"], own["bookings_kept"])
        assert ratings == sum(own["ratings"].values())
        assert math.isclose(float(satisfaction), own["satisfaction"], abs_tol=5e-5)  # type: ignore[arg-type]
        wait = own["wait_s"]
        assert (round(float(p90), 1), round(float(top), 1)) == (wait["p90"], wait["max"])  # type: ignore[arg-type]
        # The hall rounds to 0.1 s (Python rounds halves to even): compare unrounded.
        assert abs(float(mean) - wait["mean"]) <= 0.05 + 1e-9  # type: ignore[arg-type]
        assert abs(float(median) - wait["median"]) <= 0.05 + 1e-9  # type: ignore[arg-type]


def test_jiaohao_county_report_writes_the_figures(county: County, shipped: dict[str, Path],
                                                  tmp_path: Path, qapp: object) -> None:
    from openpyxl import load_workbook
    from PySide6.QtPdf import QPdfDocument

    from jiaohao.cli import main

    out = tmp_path / "county-report"
    url = county.reader_url()
    assert main(["county", "report", "--url", url, "--day", FIRST_DAY.isoformat(),
                 "--out", str(out), "--name", "东乡区政务服务"]) == 0
    with psycopg.connect(url) as conn:
        figures = county_stats(conn, FIRST_DAY, FIRST_DAY, AS_OF)["county"]
    book = load_workbook(out / f"report-{FIRST_DAY}.xlsx")
    assert book.sheetnames[:2] == ["全县合计", "按大厅"] and "差评整改（按大厅）" in book.sheetnames
    assert "按窗口" not in book.sheetnames
    sheet = book["按大厅"]
    header = [c.value for c in sheet[2]]
    rows = {r[0]: dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=3, values_only=True)}
    for row in figures["by_hall"]:
        assert rows[row["name"]]["取号"] == row["issued"]
        assert rows[row["name"]]["办结"] == row["finished"]
    total = dict(zip(header[1:], [c.value for c in book["全县合计"][3]][1:], strict=True))
    assert total["取号"] == sum(r["issued"] for r in figures["by_hall"])
    cases = book["差评整改（按大厅）"]
    assert [c.value for c in cases[2]] == ["大厅", "期内差评", "待整改", "整改中", "逾期"]
    opened = {r[0]: r[1] for r in cases.iter_rows(min_row=3, values_only=True)}
    assert sum(opened.values()) == county.query(
        "SELECT count(*) FROM county_cases WHERE day LIKE %s", f"{FIRST_DAY}%")[0][0]
    assert (out / f"report-{FIRST_DAY}-by_hall.csv").exists()
    document = QPdfDocument()
    document.load(str(out / f"report-{FIRST_DAY}.pdf"))
    assert document.pageCount() >= 2
    text = "".join(document.getAllText(page).text() for page in range(document.pageCount()))
    # 大 reads back as its radical (⼤) from Qt's text map: check words without it.
    assert "期内差评" in text and "差评整改" in text and "nanxiang" in text
    # A password in the address is refused before anything is tried.
    assert main(["county", "report", "--url", "postgresql://a:b@127.0.0.1/x", "--day",
                 FIRST_DAY.isoformat(), "--out", str(out)]) == 2


def test_the_figures_view_gives_each_dimension_in_sql(county: County,
                                                      shipped: dict[str, Path]) -> None:
    with psycopg.connect(county.owner_url) as conn:
        county_stats(conn, FIRST_DAY, FIRST_DAY, AS_OF)
    own = own_report(shipped["nanxiang"], "nanxiang", FIRST_DAY, FIRST_DAY)
    for dimension in ("by_zone", "by_service", "by_window", "by_clerk", "by_hour"):
        rows = county.query(
            "SELECT key, sum(issued), sum(finished), sum(skipped), sum(rated_1 + rated_2),"
            " max(wait_max) FROM county_figures WHERE hall_id = 'nanxiang' AND day = %s"
            " AND dimension = %s GROUP BY key ORDER BY key", FIRST_DAY.isoformat(), dimension)
        theirs = sorted((r["key"], r["issued"], r["finished"], r["skipped"],
                         r["ratings"]["1"] + r["ratings"]["2"], r["wait_s"]["max"])
                        for r in own[dimension])
        assert [(k, i, f, s, b, None if m is None else round(float(m), 1))  # type: ignore[arg-type]
                for k, i, f, s, b, m in rows] == theirs, dimension


def test_zones_and_services_add_up_across_halls_by_name(county: County,
                                                          tmp_path: Path) -> None:
    """Ids are each hall's own: in the village room service A is 社保服务, in the town
    hall 办税服务. The county adds up what is called the same, never what has the
    same id."""
    town = hall_config(name="镇大厅")
    village = replace(
        town, hall=HallInfo(name="村服务室"),
        zones=(Zone("z1", "社保服务区"), Zone("z2", "办税服务区")),
        services=(Service("A", "社保服务", "z1"), Service("B", "办税服务", "z2"),
                  Service("C", "不动产登记", "z1")))
    own = {}
    for hall_id, config, seed in (("town", town, 3), ("village", village, 4)):
        path = tmp_path / f"{hall_id}.db"
        write_hall(path, play_days(config, days=1, seed=seed, tickets=30))
        link = Link(county.add_hall(hall_id), EventOutbox(path), config.public())
        ship_all(link)
        link.close()
        own[hall_id] = stats_of_file(path, config, FIRST_DAY, FIRST_DAY)
    with psycopg.connect(county.reader_url()) as conn:
        figures = county_stats(conn, FIRST_DAY, FIRST_DAY, AS_OF)["county"]
    for dimension in ("by_service", "by_zone"):
        expected: dict[str, int] = {}
        for stats in own.values():
            for row in stats[dimension]:
                expected[row["name"]] = expected.get(row["name"], 0) + row["issued"]
        assert {r["name"]: r["issued"] for r in figures[dimension]} == expected, dimension
        assert len({r["name"] for r in figures[dimension]}) == len(figures[dimension])
    assert {r["name"] for r in figures["by_service"]} == {"办税服务", "社保服务", "不动产登记"}
    assert {r["name"] for r in figures["by_zone"]} == {"办税服务区", "社保服务区"}
