"""The dashboard's model without a window or a hub: live rows from a replica, figures
fetched only when stale and never more often than allowed, case actions and ticket
history through the requests, refusals and the offline state in plain words."""

from __future__ import annotations

from datetime import datetime, timedelta

from hall.protocol import AlertRaised
from hall.state import HallState
from hub.engine import Engine
from qtkit.results import FakeRequester, Reply
from supervisor.model import Dashboard
from tests.hub.engine_helpers import at, call, hall, take


class Clock:
    def __init__(self) -> None:
        self.now = at(10)

    def __call__(self) -> datetime:
        return self.now


def dashboard() -> tuple[Dashboard, FakeRequester, Clock]:
    fake, clock = FakeRequester(), Clock()
    model = Dashboard(fake, clock, figures_every_s=10)
    return model, fake, clock


def test_live_rows_from_the_replica() -> None:
    config = hall()
    engine = Engine(config)
    take(engine, "A", at(9, 30))
    take(engine, "A", at(9, 40))
    call(engine, 1, at(9, 50))
    state: HallState = engine.state
    state.alerts["wait:zone:Z1"] = AlertRaised(alert="wait:zone:Z1", category="wait",
                                               level="critical", message="一区 最长等候 40 分钟",
                                               since="2026-11-02T10:00:00+08:00")
    model, _, _ = dashboard()
    model.refresh_live(config, state)
    z1 = next(z for z in model.zones if z.zone == "Z1")
    assert (z1.waiting, z1.longest_min) == (1, 20)  # A002 since 9:40
    w1 = next(w for w in model.windows if w.number == 1)
    assert (w1.state, w1.ticket, w1.minutes) == ("办理中", "A001", 10)
    assert next(w for w in model.windows if w.number == 2).state == "未签到"
    assert [a.message for a in model.alerts] == ["一区 最长等候 40 分钟"]


def test_figures_are_fetched_when_stale_and_at_most_every_ten_seconds() -> None:
    model, fake, clock = dashboard()
    model.tick()
    assert fake.sent == []  # offline: nothing is asked
    model.set_connected(True)
    assert [t for t, _ in fake.sent] == ["stats", "cases"]
    fake.answer(Reply(True, data={"total": {}}))
    fake.answer(Reply(True, data={"cases": [{"id": 1}]}))
    for _ in range(50):  # a burst of calls
        model.event("ticket_called")
        model.tick()
    assert [t for t, _ in fake.sent] == ["stats", "cases"]
    clock.now += timedelta(seconds=10)
    model.tick()
    assert [t for t, _ in fake.sent][-1] == "stats" and model.refreshes == 2
    model.event("announcement")  # not counted: no refresh
    clock.now += timedelta(seconds=30)
    fake.answer(Reply(True, data={"total": {}}))
    model.tick()
    assert model.refreshes == 2


def test_case_actions_and_refusals_in_plain_words() -> None:
    model, fake, _ = dashboard()
    model.act(1, "start")
    assert "未连接" in model.message and fake.sent == []
    model.set_connected(True)
    fake.answer(Reply(True, data={"total": {}}))
    fake.answer(Reply(True, data={"cases": [{"id": 1, "number": "A001", "state": "open"}]}))
    model.act(1, "callback", "已电话联系", reached=True, satisfied=False)
    assert fake.sent[-1] == ("case_update", {"case": 1, "action": "callback",
                                             "text": "已电话联系", "reached": True,
                                             "satisfied": False})
    fake.answer(Reply(True, data={"case": {"id": 1, "number": "A001", "state": "open"}}))
    assert "记录回访" in model.message and model.tone == "ok"
    model.act(1, "fix")
    fake.answer(Reply.failure("case_refused", "fix: say what was done (text)"))
    assert model.tone == "error" and "不能这样操作" in model.message


def test_ticket_history_search() -> None:
    model, fake, _ = dashboard()
    model.search("  ")
    assert fake.sent == [] and model.tone == "error"
    model.search("a012", "2026-11-20")
    assert fake.sent == [("ticket_history", {"number": "A012", "day": "2026-11-20"})]
    fake.answer(Reply(True, data={"tickets": [{"number": "A012", "day": "2026-11-20",
                                               "events": []}]}))
    assert model.history[0]["number"] == "A012" and "找到 1 张" in model.message


def test_going_offline_keeps_the_data_and_says_so() -> None:
    model, fake, _ = dashboard()
    model.set_connected(True)
    fake.answer(Reply(True, data={"total": {"issued": 3}}))
    model.set_connected(False)
    assert model.figures == {"total": {"issued": 3}} and "断开" in model.message


def test_todays_forecast_accuracy_in_one_line() -> None:
    from supervisor.model import forecast_line

    row = {"forecast": {"tickets": 4, "mae_min": 3.4, "in_range": 0.75, "under": 0.5}}
    assert forecast_line(row) == ("等候预估（4 张）：平均误差 3.4 分钟　落在范围内 75%　"
                                  "低估超 1 分钟 50%")
    assert "尚无" in forecast_line({"forecast": {"tickets": 0}})


PLAN = {"weekday": 1, "weeks": 6, "days": 5, "target_min": 15, "target_percent": 80,
        "rows": [{"zone": "Z1", "zone_name": "一区", "slot": "09:00",
                  "arrivals_per_hour": 20.0, "mean_min": 6.0, "windows": 3,
                  "service_level": 0.8312, "mean_wait_min": 4.04, "p90_wait_min": 12.71}]}


def test_the_staffing_plan_is_asked_once_and_shown_as_a_table() -> None:
    model, fake, _ = dashboard()
    model.ask_plan()
    assert fake.sent == [] and "未连接" in model.message  # offline: nothing is asked
    model.set_connected(True)
    fake.answer_all(Reply(True, data={}))
    fake.sent.clear()
    model.ask_plan(weeks=4, weekday=1, target_min=15, target_percent=80)
    model.ask_plan(weeks=4, weekday=1)  # one at a time
    assert fake.sent == [("plan", {"weeks": 4, "weekday": 1, "target_min": 15,
                                   "target_percent": 80})]
    assert model.plan_line == "正在生成排班建议…"
    fake.answer(Reply(True, data=PLAN))
    assert [(r.zone, r.slot, r.windows, r.service_level, r.mean_wait_min, r.p90_wait_min)
            for r in model.plan] == [("一区", "09:00", 3, "83%", 4.0, 12.7)]
    assert model.plan_line == "周一，近 6 周（其中 5 天有数据），目标：80% 的群众等候不超过 15 分钟"
    model.ask_plan()  # today's weekday: not named
    assert fake.sent[-1] == ("plan", {"weeks": 6, "target_min": 15, "target_percent": 80})
    fake.answer(Reply(True, data={**PLAN, "rows": [], "days": 0}))
    assert model.plan == [] and model.plan_line.endswith("没有可用的历史数据")
    model.ask_plan()
    fake.answer(Reply(False, code="busy", message="plan: one read at a time"))
    assert model.plan_line == "排班建议未生成" and model.tone == "error"
    assert model.message.startswith("排班建议未成功")
