"""Seeing the link: the hall dashboard's county line (from the hub's /healthz) and the
county dashboard (`jiaohao supervisor --county`), models without a window, then the
real windows against a real county and a real shipping hub."""

from __future__ import annotations

import signal
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from county.dashboard import snapshot
from county.ship import Link
from ledger.outbox import EventOutbox
from supervisor.model_county import CountyBoard, link_text
from tests.conftest import TIMEOUT_S, RunningClock
from tests.county.conftest import County
from tests.county.halls import FIRST_DAY, hall_config, hall_file, play_days, write_hall
from tests.county.test_durability import start_hub
from tests.county.test_shipping import ship_all

WAIT_MS = int(TIMEOUT_S * 1000)
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("link", "text", "tone"), [
    (None, "未接入县级平台", "info"),
    ({"state": "caught_up", "behind": 0, "last_error": None}, "县级平台：已同步", "ok"),
    ({"state": "shipping", "behind": 120, "last_error": None},
     "县级平台：正在上传（待上传 120 条）", "info"),
    ({"state": "down", "behind": 40, "last_error": "OperationalError: timeout"},
     "县级平台：连接中断（待上传 40 条）：OperationalError: timeout", "error"),
    ({"state": "diverged", "behind": None, "last_error": "restored"},
     "县级平台：数据不一致（需技术人员处理）：restored", "error"),
])
def test_the_link_line(link: dict[str, Any] | None, text: str, tone: str) -> None:
    assert link_text(link) == (text, tone)


@pytest.fixture
def two_halls(county: County, tmp_path: Path) -> County:
    for hall_id, seed in (("dongxiang", 3), ("xixiang", 4)):
        path = tmp_path / f"{hall_id}.db"
        config = hall_config(name=f"{hall_id}大厅")
        write_hall(path, play_days(config, days=1, seed=seed))
        link = Link(county.add_hall(hall_id), EventOutbox(path), config.public())
        ship_all(link)
        link.close()
    county.add_hall("beixiang")  # registered, never shipped
    return county


def test_the_county_board_from_a_real_county(two_halls: County) -> None:
    reported = two_halls.query("SELECT max(updated_at) FROM county_links")[0][0]
    later = reported + timedelta(minutes=10)  # type: ignore[operator]
    with psycopg.connect(two_halls.reader_url()) as conn:
        snap = snapshot(conn, FIRST_DAY, later)
    board = CountyBoard(lambda: date(2026, 11, 20), silent_after_s=3600)
    board.show(snap)
    assert [row[:3] for row in board.links] == [
        ["beixiang大厅", "已登记，尚未连接", "0"], ["dongxiang大厅", "已同步", "0"],
        ["xixiang大厅", "已同步", "0"]]
    issued = {row[0]: int(row[1]) for row in board.today}
    assert issued["beixiang大厅"] == 0 and issued["dongxiang大厅"] > 0
    open_cases = two_halls.query(
        "SELECT count(*) FROM county_cases WHERE state IN ('open', 'in_progress')")[0][0]
    assert len(board.cases) == open_cases > 0
    assert board.overdue_rows == set(range(len(board.cases)))  # all past on the 20th
    assert f"差评整改未结 {open_cases} 件，其中逾期 {open_cases} 件" in board.summary
    # A silent shipper is shown as such; a failed read keeps the data, marked stale.
    quiet = CountyBoard(lambda: FIRST_DAY, silent_after_s=300)
    quiet.show(snap)
    assert quiet.links[1][1] == "无响应（10 分钟未报告）"
    quiet.failed("connection refused")
    assert quiet.stale and quiet.links and "connection refused" in quiet.message


def test_the_county_dashboard_window(two_halls: County, qtbot: Any) -> None:
    from supervisor.app_county import CountyApp

    url = two_halls.reader_url()

    def fetch() -> dict[str, Any]:
        with psycopg.connect(url) as conn:
            return snapshot(conn, FIRST_DAY, NOW)

    app = CountyApp(fetch, lambda: FIRST_DAY, every_s=60)
    qtbot.addWidget(app.window)
    app.start()
    try:
        qtbot.waitUntil(lambda: not app.model.stale, timeout=WAIT_MS)
        assert app.window.links.rowCount() == 3 and app.window.today.rowCount() == 3
        assert app.window.links.item(1, 0).text() == "dongxiang大厅"
        assert "3 个大厅" in app.window.summary.text()
        two_halls.cluster.stop()
        app.refresh()
        qtbot.waitUntil(lambda: app.model.stale, timeout=WAIT_MS)
        assert "读取县级数据库失败" in app.window.status.text()
        assert app.window.links.rowCount() == 3  # the last data stay
        two_halls.cluster.start()
    finally:
        app.stop()


def test_the_hall_dashboard_shows_its_county_link(county: County, tmp_path: Path,
                                                  qtbot: Any) -> None:
    from qtkit.bridge import HubBridge
    from supervisor.app import SupervisorApp

    db = hall_file(tmp_path, days=1, seed=9)
    link = county.add_hall("dongxiang", batch=100)
    proc, port = start_hub(db, link)
    app = SupervisorApp(HubBridge(f"ws://127.0.0.1:{port}", "admin-1", "not-a-device",
                                  backoff_s=(0.05, 0.2)), RunningClock())
    qtbot.addWidget(app.window)
    app.start()
    try:
        qtbot.waitUntil(lambda: (app.model.county or {}).get("state") == "caught_up",
                        timeout=WAIT_MS * 3)
        assert app.window.county.text() == "县级平台：已同步"
    finally:
        app.stop()
        proc.send_signal(signal.SIGTERM)
        proc.wait(TIMEOUT_S)
