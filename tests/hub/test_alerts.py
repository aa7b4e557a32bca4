"""Alerts for managers (hub/alerts.py, Engine.tick): each raised once when its rule is
broken and cleared once when it no longer is, with an injected clock; in the welcome
of every replica; and the ``[alerts]`` config checked."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings

from hall import errors
from hall.config import AlertRules, ConfigError, HallConfig, Limits, parse_config
from hall.protocol import DeviceStatus, Event, Finish, Pause, Request, Resume
from hall.state import TicketStatus
from hub import alerts
from hub.engine import Engine
from hub.server import Hub
from hub.settings import HubSettings
from tests.hub.conftest import ClientFactory, Clock
from tests.hub.engine_helpers import (
    at,
    call,
    hall,
    random_commands,
    random_halls,
    service,
    take,
)


def alerting(rules: AlertRules, **kw: object) -> HallConfig:
    return dataclasses.replace(hall(**kw), alerts=rules)  # type: ignore[arg-type]


def alert_events(events: list[Event]) -> list[tuple[str, str]]:
    return [(str(e.kind), e.data["alert"]) for e in events
            if str(e.kind) in ("alert_raised", "alert_cleared")]


def test_a_long_wait_is_raised_once_and_cleared_once() -> None:
    engine = Engine(alerting(AlertRules(wait_minutes=30, queue=None, pause_minutes=None)))
    take(engine, "A", at(9))
    assert alert_events(engine.tick(at(9, 30))) == []  # 30 minutes is not over 30
    raised = engine.tick(at(9, 31))
    assert alert_events(raised) == [("alert_raised", "wait:zone:Z1")]
    alert = raised[0].data
    assert alert["category"] == "wait" and alert["scope"] == "zone:Z1"
    assert alert["value"] == 31.0 and alert["limit"] == 30.0 and "一区" in alert["message"]
    assert alert_events(engine.tick(at(9, 45))) == []  # still true: not raised again
    assert set(engine.state.alerts) == {"wait:zone:Z1"}
    call(engine, 1, at(9, 46))
    assert alert_events(engine.tick(at(9, 47))) == [("alert_cleared", "wait:zone:Z1")]
    assert engine.state.alerts == {}


def test_queue_limits_per_zone_and_per_service() -> None:
    rules = AlertRules(wait_minutes=None, queue=10, pause_minutes=None,
                       zones={"Z2": Limits(queue=1)}, services={"B": Limits(queue=2)})
    engine = Engine(alerting(rules))
    for sid in "CCBBB":
        take(engine, sid, at(9))
    raised = alert_events(engine.tick(at(9, 1)))
    assert sorted(raised) == [("alert_raised", "queue:service:B"),
                              ("alert_raised", "queue:zone:Z2")]  # Z1 has 3 of its 10


def test_the_alerts_are_evaluated_at_most_every_five_seconds() -> None:
    engine = Engine(alerting(AlertRules(wait_minutes=None, queue=0.5, pause_minutes=None)))  # type: ignore[arg-type]
    assert engine.tick(at(9)) == []
    take(engine, "A", at(9))
    assert engine.tick(at(9, 0, 4)) == []  # looked at 4 s ago
    assert alert_events(engine.tick(at(9, 0, 5))) == [("alert_raised", "queue:zone:Z1")]


def test_a_long_pause_and_a_citizen_served_past_the_service_time() -> None:
    rules = AlertRules(wait_minutes=None, queue=None, pause_minutes=20)
    config = alerting(rules, services=(service("A", max_minutes=15), service("B"),
                                       service("C", zone="Z2")))
    engine = Engine(config)
    take(engine, "A", at(9))
    call(engine, 1, at(9))
    engine.execute(Pause(id=1, window=3, reason="会议"), at(9))
    assert alert_events(engine.tick(at(9, 15))) == []
    events = engine.tick(at(9, 21))
    assert sorted(alert_events(events)) == [("alert_raised", "overdue:window:1"),
                                            ("alert_raised", "pause:window:3")]
    messages = {e.data["alert"]: e.data["message"] for e in events}
    assert "A001" in messages["overdue:window:1"] and "会议" in messages["pause:window:3"]
    engine.execute(Finish(id=1, window=1), at(9, 22))
    engine.execute(Resume(id=1, window=3), at(9, 22))
    assert sorted(alert_events(engine.tick(at(9, 23)))) == [
        ("alert_cleared", "overdue:window:1"), ("alert_cleared", "pause:window:3")]


@pytest.mark.parametrize("devices", [True, False])
def test_a_device_fault_is_an_alert_until_it_reports_ok(devices: bool) -> None:
    engine = Engine(alerting(AlertRules(devices=devices)))
    out = engine.execute(DeviceStatus(id=1, device="kiosk-1", device_kind="printer",
                                      status="paper_out", detail="纸卷用完"), at(9))
    assert out.events
    raised = alert_events(engine.tick(at(9, 0, 1)))
    assert raised == ([("alert_raised", "device:device:kiosk-1")] if devices else [])
    engine.execute(DeviceStatus(id=2, device="kiosk-1", device_kind="printer", status="ok"),
                   at(9, 1))
    cleared = alert_events(engine.tick(at(9, 1, 1)))
    assert cleared == ([("alert_cleared", "device:device:kiosk-1")] if devices else [])


def test_the_day_close_leaves_no_alert_open() -> None:
    engine = Engine(alerting(AlertRules(wait_minutes=10)))
    take(engine, "A", at(9))
    engine.tick(at(9, 11))
    assert engine.state.alerts
    engine.tick(at(7, 0, day=3))  # the next hall day: closed, the waiting ticket with it
    assert engine.state.alerts == {}


async def test_a_replica_sees_open_alerts_from_its_welcome_on(
    hub: Hub, client: ClientFactory, clock: Clock,
) -> None:
    kiosk, admin = await client("kiosk-1"), await client("admin-1")
    await kiosk.ok("take_ticket", service="A")
    clock.advance(minutes=45)  # the default limit is 30 minutes
    await admin.ok("status")  # any batch runs the engine's tick first
    raised = await admin.events.get()
    while raised["kind"] != "alert_raised":
        raised = await admin.events.get()
    assert raised["alert"] == "wait:zone:tax" and raised["category"] == "wait"
    late = await client()
    welcome = await late.hello("display-1", "display-secret")
    assert [a["alert"] for a in welcome["state"]["alerts"]] == ["wait:zone:tax"]


@pytest.mark.parametrize(("text", "key"), [
    ("[alerts]\nwait_minutes = 0\n", "alerts.wait_minutes"),
    ("[alerts]\nqueue = 1e9\n", "alerts.queue"),
    ("[alerts]\noverdue = 1\n", "alerts.overdue"),
    ("[alerts.zone.nowhere]\nqueue = 3\n", "alerts.zone.nowhere"),
    ("[alerts.service.A]\nwait = 3\n", "alerts.service.A"),
    ("[followup]\ndeadline_workdays = 0\n", "followup.deadline_workdays"),
    ('[followup]\nholidays = ["2026-02-30"]\n', "followup.holidays[0]"),
    ('[followup]\nholidays = ["2026-10-01"]\nworkdays = ["2026-10-01"]\n',
     "followup.workdays"),
])
def test_bad_alert_and_followup_settings_are_refused_by_key(text: str, key: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config(BASE + text)
    assert any(p.key.startswith(key) for p in refused.value.problems), refused.value


def test_alert_settings_are_read() -> None:
    config = parse_config(BASE + "[alerts]\nwait_minutes = 20\nqueue = false\n"
                          "[alerts.zone.room]\nqueue = 8\n"
                          '[followup]\nholidays = [2026-10-01, "2026-10-02"]\n'
                          'workdays = ["2026-10-10"]\n')
    assert config.alerts.wait_minutes == 20 and config.alerts.queue is None
    assert config.alerts.zone_limits("room") == Limits(20, 8)
    assert len(config.followup.holidays) == 2 and config.followup.is_workday(
        datetime(2026, 10, 10).date())


BASE = """
[hall]
name = "测试便民服务室"

[[zone]]
id = "room"
name = "便民服务室"

[[service]]
id = "A"
name = "综合受理"
zone = "room"

[[window]]
number = 1
name = "1号窗口"
services = ["A"]
"""


async def test_a_device_silent_too_long_is_reported_offline_by_the_hub_and_back_when_it_returns(
    config: HallConfig, tmp_path: object, clock: Clock, client: ClientFactory,
) -> None:
    hub = Hub(config, str(tmp_path / "q.db"), port=0, clock=clock,  # type: ignore[operator]
              settings=HubSettings(offline_after_s=0.05))
    await hub.start()
    try:
        admin = await client("admin-1", hub_=hub)
        kiosk = await client("kiosk-1", hub_=hub)
        await kiosk.close()

        async def next_kind(kind: str) -> dict[str, object]:
            while True:
                event = await admin.events.get()
                if event["kind"] == kind:
                    return event

        gone = await next_kind("device_status_reported")
        assert (gone["device"], gone["status"], gone["device_kind"]) == (
            "kiosk-1", "offline", "kiosk")
        clock.advance(seconds=10)
        await admin.ok("status")  # the engine looks at alerts before each batch
        raised = await next_kind("alert_raised")
        assert raised["alert"] == "device:device:kiosk-1" and raised["level"] == "critical"
        await client("kiosk-1", hub_=hub)  # back
        back = await next_kind("device_status_reported")
        assert (back["device"], back["status"]) == ("kiosk-1", "ok")
        clock.advance(seconds=10)
        await admin.ok("status")
        cleared = await next_kind("alert_cleared")
        assert cleared["alert"] == "device:device:kiosk-1"
        await admin.close()  # an admin leaving is never reported
    finally:
        await hub.stop()


def _walked(engine: Engine) -> tuple[dict[str, datetime], dict[str, int]]:
    """Who waits, by scope, found the long way: every ticket of the day looked at."""
    oldest: dict[str, datetime] = {}
    count: dict[str, int] = {}
    for ticket in engine.state.tickets.values():
        if ticket.status is not TicketStatus.WAITING:
            continue
        service = engine.config.service(ticket.service)
        scopes = [f"service:{ticket.service}"] + ([f"zone:{service.zone}"] if service else [])
        for scope in scopes:
            count[scope] = count.get(scope, 0) + 1
            issued = datetime.fromisoformat(ticket.issued_at)
            oldest[scope] = min(oldest.get(scope, issued), issued)
    return oldest, count


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=random_halls(), commands=random_commands)
def test_who_waits_is_read_from_the_queues_as_from_every_ticket(
    config: HallConfig, commands: list[tuple[int, Request]]
) -> None:
    """The queues hold exactly the waiting tickets: the alerts' count and longest wait
    per scope, read from them, are those of a walk over every ticket of the day, after
    any run of takes, calls, skips, transfers, reinstatements and day closes."""
    engine = Engine(config)
    now = at(8)
    for step, request in commands:
        now += timedelta(seconds=step)
        engine.tick(now)
        with contextlib.suppress(errors.QueueError):
            engine.execute(request, now)
        assert alerts._waiting(engine.state, engine.config) == _walked(engine)
