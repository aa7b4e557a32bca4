"""The dashboard against a real hub on port 0: real bridge, replica, model and window."""

from __future__ import annotations

from typing import Any

from hall.client import HubClient
from supervisor.app import SupervisorApp
from tests.conftest import TIMEOUT_S
from tests.qtkit.conftest import ThreadedHub

WAIT_MS = int(TIMEOUT_S * 1000)


#: A citizen's comment as the phone page may send it: shown as the text it is.
COMMENT = '<script>alert(1)</script>=HYPERLINK("http://evil.example/","点我")'


def serve_and_rate(hub: ThreadedHub, score: int, **extra: Any) -> None:
    async def go() -> None:
        async with HubClient(hub.url, "kiosk-1", "kiosk-secret") as kiosk, \
                HubClient(hub.url, "caller-1", "caller-1-secret") as caller:
            await kiosk.request("take_ticket", service="A")
            called = await caller.request("call_next", window=1)
            await caller.request("finish", window=1)
            await caller.request("rate", window=1, ticket=called["ticket"]["id"], score=score,
                                 **extra)

    hub.run(go())


def test_the_dashboard_shows_the_hall_figures_and_cases_and_acts(
    qtbot: Any, hall_hub: ThreadedHub, make_bridge: Any,
) -> None:
    serve_and_rate(hall_hub, 1, comment=COMMENT)
    hall_hub.issue(2)
    app = SupervisorApp(make_bridge("admin-1", "admin-secret"), hall_hub.clock,
                        figures_every_s=0.1)
    qtbot.addWidget(app.window)
    app.start()
    try:
        qtbot.waitUntil(lambda: app.model.figures is not None and bool(app.model.cases),
                        timeout=WAIT_MS)
        assert app.model.figures["total"]["issued"] == 3
        assert app.window.zones.item(0, 1).text() == "2"  # tax: two waiting
        [case] = app.model.cases
        assert case["score"] == 1 and case["state"] == "open"
        shown = app.window.case_table.item(0, 6)
        assert shown.text() == COMMENT  # a table item is plain text: no markup runs
        app.window.case_table.selectRow(0)
        app.window.case_text.setText("已约谈窗口人员")
        app.window.case_buttons["start"].click()
        qtbot.waitUntil(lambda: app.model.cases[0]["state"] == "in_progress", timeout=WAIT_MS)
        app.window.number.setText(case["number"])
        app.window.search.click()
        qtbot.waitUntil(lambda: bool(app.model.history), timeout=WAIT_MS)
        kinds = [app.window.events.item(r, 2).text() for r in range(app.window.events.rowCount())]
        assert kinds[:3] == ["ticket_issued", "ticket_called", "ticket_finished"]
        assert "case_opened" in kinds and "case_updated" in kinds

        app.window.plan_day.setCurrentIndex(1)  # Monday
        app.window.plan_ask.click()
        qtbot.waitUntil(lambda: app.model.plan_line.startswith("周一"), timeout=WAIT_MS)
        assert app.window.plan_head.text().endswith("没有可用的历史数据")  # no weeks before
        assert app.window.plan_table.rowCount() == 0

        serve_and_rate(hall_hub, 5)  # figures follow the hall by themselves
        hall_hub.clock.advance(seconds=1)  # once figures_every_s has passed
        qtbot.waitUntil(lambda: app.model.figures["total"]["finished"] == 2, timeout=WAIT_MS)

        hall_hub.stop()
        qtbot.waitUntil(lambda: not app.model.connected, timeout=WAIT_MS)
        assert not app.window.case_buttons["start"].isEnabled()
        assert "离线" in app.window.status.text()
        hall_hub.start()
        qtbot.waitUntil(lambda: app.model.connected, timeout=WAIT_MS)
        assert app.window.case_buttons["start"].isEnabled()
    finally:
        app.stop()
