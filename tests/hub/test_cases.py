"""差评 follow-up cases (hub/cases.py): opened by a rating of 1 or 2, deadlines in working
days across a weekend, a holiday and a make-up working day (调休), every transition an
event, refusals, the extension limit, the overdue flag; over the wire the admin role
alone may act, and a hub restart keeps every case."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date
from pathlib import Path

import pytest

from hall import errors
from hall.client import HubClient
from hall.config import FollowUp, HallConfig
from hall.protocol import Cases, CaseUpdate, Event, EventKind, Finish, Rate
from hub.engine import Engine
from hub.server import Hub
from tests.hub.conftest import ClientFactory, Clock
from tests.hub.engine_helpers import at, call, hall, take

#: Thursday 5 November 2026; Monday the 9th a holiday, Sunday the 8th worked (调休).
FOLLOWUP = FollowUp(deadline_workdays=3, extension_workdays=2, max_extensions=1,
                    holidays=frozenset({date(2026, 11, 9)}),
                    workdays=frozenset({date(2026, 11, 8)}))


def config() -> HallConfig:
    return dataclasses.replace(hall(), followup=FOLLOWUP)


def kinds(events: list[Event]) -> list[str]:
    return [str(e.kind) for e in events]


def served(engine: Engine, day: int = 5) -> int:
    """A001 taken, called and finished at window 1 that morning; its ticket id."""
    ticket = take(engine, "A", at(9, day=day))
    call(engine, 1, at(9, 5, day=day))
    engine.execute(Finish(id=1, window=1), at(9, 20, day=day))
    return ticket.id


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days() -> None:
    thursday = date(2026, 11, 5)
    assert [FOLLOWUP.add_workdays(thursday, n) for n in (1, 2, 3, 4)] == [
        date(2026, 11, 6), date(2026, 11, 8), date(2026, 11, 10), date(2026, 11, 11)]
    assert not FOLLOWUP.is_workday(date(2026, 11, 7)) and FOLLOWUP.is_workday(date(2026, 11, 8))


@pytest.mark.parametrize(("score", "opens"), [(1, True), (2, True), (3, False), (5, False)])
def test_only_a_bad_rating_opens_a_case(score: int, opens: bool) -> None:
    engine = Engine(config())
    ticket = served(engine)
    out = engine.execute(Rate(id=1, window=1, ticket=ticket, score=score), at(9, 21, day=5))
    assert ("case_opened" in kinds(out.events)) is opens


def test_a_case_from_opening_to_fixed_with_every_step_an_event() -> None:
    engine = Engine(config())
    ticket = served(engine)
    out = engine.execute(Rate(id=1, window=1, ticket=ticket, score=1, reason="等候时间长"),
                         at(9, 21, day=5))
    assert kinds(out.events) == ["rating_recorded", "case_opened"]
    case = out.events[1].data["case"]
    assert (case["id"], case["number"], case["state"], case["deadline"], case["reason"]) == (
        1, "A001", "open", "2026-11-10", "等候时间长")

    def update(action: str, day: int, **kw: object) -> dict[str, object]:
        out = engine.execute(CaseUpdate(id=1, case=1, action=action, by="admin-1", **kw),
                             at(10, day=day))
        assert kinds(out.events) == ["case_updated"]
        assert out.events[0].data["action"] == action and out.events[0].data["by"] == "admin-1"
        return dict(out.result.to_json()["case"])

    assert update("start", 6)["state"] == "in_progress"
    extended = update("extend", 6, text="需要协调业务科室")
    assert extended["deadline"] == "2026-11-12" and extended["extensions"] == 1
    with pytest.raises(errors.CaseRefused, match="at most 1"):
        engine.execute(CaseUpdate(id=1, case=1, action="extend", text="再延"), at(10, day=6))
    called = update("callback", 11, reached=True, satisfied=False, text="群众仍不满意")
    assert called["callbacks"][0]["reached"] is True
    with pytest.raises(errors.CaseRefused, match="text"):
        engine.execute(CaseUpdate(id=1, case=1, action="fix"), at(10, day=12))
    fixed = update("fix", 12, text="已调整窗口排班")
    assert fixed["state"] == "fixed" and fixed["overdue"] is False
    with pytest.raises(errors.CaseRefused):
        engine.execute(CaseUpdate(id=1, case=1, action="start"), at(10, day=12))
    note = update("note", 13, text="复核通过")  # notes stay possible when closed
    assert [n["text"] for n in note["notes"]][-1] == "复核通过"
    with pytest.raises(errors.UnknownCase):
        engine.execute(CaseUpdate(id=1, case=9, action="start"), at(10, day=13))


def test_an_open_case_past_its_deadline_is_overdue() -> None:
    engine = Engine(config())
    ticket = served(engine)
    engine.execute(Rate(id=1, window=1, ticket=ticket, score=2), at(9, 21, day=5))

    def overdue(day: int, **kw: object) -> list[int]:
        out = engine.execute(Cases(id=1, **kw), at(12, day=day))  # type: ignore[arg-type]
        return [c["id"] for c in out.result.to_json()["cases"] if c["overdue"]]

    assert overdue(10) == []  # the deadline day itself is still in time
    assert overdue(11) == [1]
    assert overdue(11, overdue=False) == [] and overdue(11, state="fixed") == []


async def test_only_admins_act_on_cases_and_a_restart_keeps_them(
    hub: Hub, client: ClientFactory, clock: Clock, tmp_path: Path,
) -> None:
    kiosk, caller, admin = (await client("kiosk-1"), await client("caller-1"),
                            await client("admin-1"))
    ticket = (await kiosk.ok("take_ticket", service="A"))["ticket"]
    await caller.ok("call_next", window=1)
    await caller.ok("finish", window=1)
    await caller.ok("rate", window=1, ticket=ticket["id"], score=1, reason="态度不好")
    [case] = (await admin.ok("cases"))["cases"]
    assert case["state"] == "open" and case["reason"] == "态度不好"
    for device in (kiosk, caller):
        refused = await device.request("case_update", case=case["id"], action="start")
        assert refused["error"]["code"] == "forbidden"
    started = await admin.ok("case_update", case=case["id"], action="start",
                             by="someone-else")
    assert started["case"]["state"] == "in_progress"
    assert started["case"]["notes"] == []

    await hub.stop()
    again = Hub(hub.config, hub.db_path, port=0, clock=clock)
    await again.start()
    try:
        admin2 = await client("admin-1", hub_=again)
        [kept] = (await admin2.ok("cases"))["cases"]
        assert kept["state"] == "in_progress"
        fixed = await admin2.ok("case_update", case=kept["id"], action="fix", text="已整改")
        assert fixed["case"]["state"] == "fixed"
        assert again.engine.cases[kept["id"]]["notes"][0]["by"] == "admin-1"
    finally:
        await again.stop()


def test_a_case_holds_a_bounded_number_of_notes_gained_at_a_bounded_pace() -> None:
    """600 notes of 500 characters in 10 s grew the database by 285 MB: a case now takes
    at most MAX_PER_MINUTE entries a minute and MAX_NOTES in all."""
    from hub import cases as rules

    engine = Engine(config())
    ticket = served(engine)
    engine.execute(Rate(id=1, window=1, ticket=ticket, score=1), at(9, 21, day=5))
    text = "很" * 500
    for _ in range(rules.MAX_PER_MINUTE):
        engine.execute(CaseUpdate(id=1, case=1, action="note", text=text), at(10, day=5))
    with pytest.raises(errors.CaseRefused, match="last minute"):
        engine.execute(CaseUpdate(id=1, case=1, action="note", text=text), at(10, day=5))
    minute = 1
    while len(engine.cases[1]["notes"]) < rules.MAX_NOTES:
        for _ in range(rules.MAX_PER_MINUTE):
            if len(engine.cases[1]["notes"]) < rules.MAX_NOTES:
                engine.execute(CaseUpdate(id=1, case=1, action="note", text="进展"),
                               at(10, minute, day=5))
        minute += 1
    with pytest.raises(errors.CaseRefused, match="100 notes"):
        engine.execute(CaseUpdate(id=1, case=1, action="note", text="再记"), at(12, day=5))
    for i in range(rules.MAX_CALLBACKS):
        engine.execute(CaseUpdate(id=1, case=1, action="callback", reached=False),
                       at(13 + i // 10, i % 10, day=5))
    with pytest.raises(errors.CaseRefused, match="callbacks"):
        engine.execute(CaseUpdate(id=1, case=1, action="callback", reached=False),
                       at(17, day=5))


def test_an_update_event_carries_the_change_not_the_whole_case() -> None:
    engine = Engine(config())
    ticket = served(engine)
    engine.execute(Rate(id=1, window=1, ticket=ticket, score=1), at(9, 21, day=5))
    for minute in range(50):
        engine.execute(CaseUpdate(id=1, case=1, action="note", text="很" * 500),
                       at(10, minute, day=5))
    out = engine.execute(CaseUpdate(id=1, case=1, action="note", text="最后一条"),
                         at(11, day=5))
    data = out.events[0].data
    assert data["note"]["text"] == "最后一条" and "notes" not in data["case"]
    assert data["case"]["state"] == "open" and data["case"]["id"] == 1
    assert len(out.events[0].to_json()["case"]) < 20  # a head, not 51 notes
    assert len(engine.cases[1]["notes"]) == 51


async def test_case_events_go_to_admins_only_and_the_store_rebuilds_the_case(
    hub: Hub, client: ClientFactory, clock: Clock,
) -> None:
    kiosk, caller, admin = (await client("kiosk-1"), await client("caller-1"),
                            await client("admin-1"))
    display = await client("display-1")
    ticket = (await kiosk.ok("take_ticket", service="A"))["ticket"]
    await caller.ok("call_next", window=1)
    await caller.ok("finish", window=1)
    await caller.ok("rate", window=1, ticket=ticket["id"], score=1, reason="态度不好")
    await admin.ok("case_update", case=1, action="note", text="已约谈")
    await admin.ok("case_update", case=1, action="callback", reached=True, satisfied=True,
                   text="群众表示满意")
    marker = await kiosk.ok("take_ticket", service="A")  # an event everyone gets, after
    seen: dict[str, list[str]] = {}
    for name, device in (("display", display), ("caller", caller), ("kiosk", kiosk),
                         ("admin", admin)):
        events = [await device.event()]
        while events[-1]["kind"] != "ticket_issued" or \
                events[-1]["ticket"]["id"] != marker["ticket"]["id"]:
            events.append(await device.event())
        seen[name] = [e["kind"] for e in events]
    for name in ("display", "caller", "kiosk"):
        assert not {"case_opened", "case_updated"} & set(seen[name]), (name, seen[name])
    assert seen["admin"].count("case_updated") == 2 and "case_opened" in seen["admin"]
    store = hub._store
    assert store is not None
    [stored] = (await hub._db(store.load_cases)).values()
    assert [n["text"] for n in stored["notes"]] == ["已约谈"]
    assert stored["callbacks"][0]["text"] == "群众表示满意" and stored["reason"] == "态度不好"
    assert stored == hub.engine.cases[1]


async def test_a_case_never_breaks_the_sequence_of_those_who_may_not_see_it(
    hub: Hub, client: ClientFactory,
) -> None:
    """Every device keeping a replica needs every seq: a 差评 case is for admins only, so
    the others get a ``withheld`` event in its place (its seq and time, nothing of the
    case); without it each display, kiosk and terminal of the hall saw a gap at every
    差评 and resumed, and the resume's replay had the same gap, forever."""
    caller, admin = await client("caller-1"), await client("admin-1")
    async with HubClient(hub.url, "display-1", "display-secret", keep_events=True) as display, \
            HubClient(hub.url, "kiosk-1", "kiosk-secret") as kiosk:
        ticket = (await kiosk.request("take_ticket", service="A"))["ticket"]
        await caller.ok("call_next", window=1)
        await caller.ok("finish", window=1)
        await caller.ok("rate", window=1, ticket=ticket["id"], score=1, reason="态度不好")
        await admin.ok("case_update", case=1, action="note", text="已约谈")
        later = (await kiosk.request("take_ticket", service="A"))["ticket"]
        events = [await asyncio.wait_for(display.events.get(), 10)]
        while events[-1].kind is not EventKind.TICKET_ISSUED or events[-1].seq == 1:
            events.append(await asyncio.wait_for(display.events.get(), 10))
        assert (display.reconnects, kiosk.reconnects) == (0, 0)
        seen = [e for e in events if e.kind is EventKind.WITHHELD]
        assert len(seen) == 2 and all(dict(e.data) == {} for e in seen)
        assert later["number"] == "A002"
    # a device that comes back resumes across the cases too
    async with HubClient(hub.url, "display-1", "display-secret") as again:
        assert again.state is not None and again.state.seq == hub.engine.state.seq
