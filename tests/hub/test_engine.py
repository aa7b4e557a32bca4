"""The queue engine's rules, one table per rule: each success path and each refusal
(with its error class and an unchanged state)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest

from hall import errors
from hall.config import SlotCap, Staff
from hall.errors import ProtocolError
from hall.protocol import (
    Announce,
    CallNext,
    CallNumber,
    CloseDay,
    Finish,
    Pause,
    Rate,
    Recall,
    Reinstate,
    Resume,
    SignIn,
    SignOut,
    Skip,
    Status,
    TakeTicket,
    TicketInfo,
    Transfer,
)
from hall.state import TicketStatus
from hub.engine import Engine
from tests.hub.engine_helpers import (
    MORNING,
    at,
    call,
    hall,
    kinds,
    refused,
    service,
    span,
    take,
    window,
)

# -- take a ticket ------------------------------------------------------------------------


def test_numbering_is_per_service_and_ids_are_global() -> None:
    engine = Engine(hall())
    taken = [take(engine, s) for s in "AABAC"]
    assert [t.number for t in taken] == ["A001", "A002", "B001", "A003", "C001"]
    assert [t.id for t in taken] == [1, 2, 3, 4, 5]
    assert [t.order for t in taken] == [1, 2, 3, 4, 5]
    assert all(t.status is TicketStatus.WAITING for t in taken)
    assert engine.state.day == "2026-11-02"
    assert engine.state.issued == {"A": 3, "B": 1, "C": 1}


def test_take_ticket_answers_ahead_and_wait() -> None:
    engine = Engine(hall(services=[service("A", typical_minutes=4)], windows=[window(1, "A")]))
    out = engine.execute(TakeTicket(id=1, service="A"), MORNING)
    assert kinds(out) == ["ticket_issued"]
    # the window is free: no wait
    assert out.data["ahead"] == 0 and out.data["estimated_wait_min"] == 0
    assert out.data["wait_range_min"] == [0, 0]
    out = engine.execute(TakeTicket(id=1, service="A"), MORNING)
    # the one ahead is called at once; this one waits one service of about 4 minutes
    low, high = out.data["wait_range_min"]
    assert out.data["ahead"] == 1 and low <= out.data["estimated_wait_min"] <= high
    assert 2 <= out.data["estimated_wait_min"] <= 4 and low <= 4 <= high
    assert "booking" not in out.data["ticket"]


@pytest.mark.parametrize(
    ("hours", "moment", "ok"),
    [
        ((), at(3), True),
        ((span("08:30", "12:00"), span("13:30", "17:00")), at(8, 29), False),
        ((span("08:30", "12:00"), span("13:30", "17:00")), at(8, 30), True),
        ((span("08:30", "12:00"), span("13:30", "17:00")), at(11, 59, 59), True),
        ((span("08:30", "12:00"), span("13:30", "17:00")), at(12, 0), False),  # lunch
        ((span("08:30", "12:00"), span("13:30", "17:00")), at(13, 0), False),  # lunch
        ((span("08:30", "12:00"), span("13:30", "17:00")), at(13, 30), True),
        ((span("08:30", "12:00"), span("13:30", "17:00")), at(17, 0), False),
    ],
)
def test_service_hours(hours: tuple[Any, ...], moment: Any, ok: bool) -> None:
    engine = Engine(hall(services=[service("A", hours=hours)], windows=[window(1, "A")]))
    if ok:
        assert take(engine, "A", moment).number == "A001"
    else:
        refused(engine, TakeTicket(id=1, service="A"), errors.OutsideHours, moment)


def test_hours_are_read_in_the_hall_time_zone() -> None:
    engine = Engine(hall(services=[service("A", hours=(span("08:30", "12:00"),))],
                         windows=[window(1, "A")]))
    utc = at(9).astimezone(UTC)  # 01:00 UTC = 09:00 local
    assert take(engine, "A", utc).issued_at.startswith("2026-11-02T09:00")


def test_unknown_service_is_refused() -> None:
    engine = Engine(hall())
    take(engine, "A")
    refused(engine, TakeTicket(id=1, service="Q"), errors.UnknownService)


def test_daily_cap() -> None:
    engine = Engine(hall(services=[service("A", daily_cap=2), service("B")],
                         windows=[window(1, "A", "B")]))
    take(engine, "A")
    take(engine, "A")
    refused(engine, TakeTicket(id=1, service="A"), errors.DailyCapReached)
    assert take(engine, "B").number == "B001"  # other services are not capped
    engine.execute(CloseDay(id=1), at(18))
    assert take(engine, "A", at(9, day=3)).number == "A001"  # a new day, a new cap


def test_slot_caps() -> None:
    caps = (SlotCap(span("08:30", "10:00"), 2), SlotCap(span("10:00", "12:00"), 1))
    engine = Engine(hall(services=[service("A", slot_caps=caps)], windows=[window(1, "A")]))
    take(engine, "A", at(8, 30))
    take(engine, "A", at(9, 59))
    refused(engine, TakeTicket(id=1, service="A"), errors.SlotCapReached, at(9, 0))
    assert take(engine, "A", at(10)).number == "A003"
    refused(engine, TakeTicket(id=1, service="A"), errors.SlotCapReached, at(11))
    assert take(engine, "A", at(14)).number == "A004"  # outside every slot: uncapped
    assert engine.state.slot_issued == {"A@08:30-10:00": 2, "A@10:00-12:00": 1}


def test_priority_flag_and_booking() -> None:
    engine = Engine(hall())
    assert take(engine, "A").priority is False
    assert take(engine, "A", priority=True).priority is True
    booked = take(engine, "A", booking="WX-20261102-0007")
    assert booked.priority is True and booked.booking == "WX-20261102-0007"
    refused(engine, TakeTicket(id=1, service="B", booking="WX-20261102-0007"), errors.BookingUsed)


def test_booking_is_refused_after_day_close_within_memory() -> None:
    engine = Engine(hall(booking_memory_days=3))
    take(engine, "A", booking="BK1")
    for day in (3, 4):  # refused on the day it was used and the two after it
        assert engine.tick(at(7, day=day))
        refused(engine, TakeTicket(id=1, service="A", booking="BK1"), errors.BookingUsed,
                at(9, day=day))
    engine.tick(at(7, day=5))  # three days on, the code is forgotten
    assert take(engine, "A", at(9, day=5), booking="BK1").priority is True
    refused(engine, TakeTicket(id=1, service="A", booking="BK1"), errors.BookingUsed,
            at(9, day=5))  # and then remembered again from its new use


# -- call next ----------------------------------------------------------------------------


def test_call_next_follows_the_window_tiers() -> None:
    engine = Engine(hall())
    for sid in "BBA":
        take(engine, sid)
    # window 1: A first, then B; the A ticket was issued last but wins its tier
    assert [call(engine, 1) for _ in range(4)] == ["A001", "B001", "B002", None]


def test_call_next_oldest_across_a_tier_of_equals() -> None:
    engine = Engine(hall())
    for sid in "CACA":
        take(engine, sid)
    assert [call(engine, 4) for _ in range(5)] == ["C001", "A001", "C002", "A002", None]


def test_call_next_only_the_window_services() -> None:
    engine = Engine(hall())
    take(engine, "C")
    assert call(engine, 1) is None
    assert call(engine, 2) is None
    assert call(engine, 3) == "C001"


def test_call_next_finishes_the_current_ticket() -> None:
    engine = Engine(hall())
    take(engine, "A", at(9))
    take(engine, "A", at(9))
    call(engine, 1, at(9, 1))
    out = engine.execute(CallNext(id=1, window=1), at(9, 4))
    assert kinds(out) == ["ticket_finished", "ticket_called"]
    assert out.events[0].data["duration_s"] == 180.0
    assert engine.state.tickets[1].status is TicketStatus.FINISHED
    out = engine.execute(CallNext(id=1, window=1), at(9, 5))  # nobody left: still finishes
    assert kinds(out) == ["ticket_finished"] and out.data == {"ticket": None}
    assert engine.state.windows[1].ticket is None and engine.state.windows[1].served == 2


def test_call_next_unknown_window() -> None:
    engine = Engine(hall())
    refused(engine, CallNext(id=1, window=99), errors.UnknownWindow)


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        ((2, 1), "PPNPPNPPNP"),
        ((1, 1), "PNPNPNPPPP"),
        ((3, 2), "PPPNNPPPNP"),
        ((1, 0), "PPPPPPPNNN"),  # no normal share: priority always first
    ],
)
def test_priority_ratio_gives_exact_sequences(ratio: tuple[int, int], expected: str) -> None:
    engine = Engine(hall(services=[service("A")], windows=[window(1, "A")],
                         priority_ratio=ratio))
    for _ in range(3):
        take(engine, "A")  # normals issued first
    for _ in range(7):
        take(engine, "A", priority=True)
    seq = ""
    for _ in range(10):
        out = engine.execute(CallNext(id=1, window=1), MORNING)
        seq += "P" if out.data["ticket"]["priority"] else "N"
    assert seq == expected[: len(seq)]
    assert engine.state.queues["A"].priority == [] and engine.state.queues["A"].normal == []


def test_priority_ratio_holds_within_a_tier_of_equals() -> None:
    engine = Engine(hall(priority_ratio=(2, 1)))
    take(engine, "A")
    take(engine, "C", priority=True)
    take(engine, "A", priority=True)
    take(engine, "C", priority=True)
    take(engine, "C")
    assert [call(engine, 4) for _ in range(6)] == ["C001", "A002", "A001", "C002", "C003", None]


def test_priority_only_counts_within_the_first_tier() -> None:
    engine = Engine(hall())
    take(engine, "A")
    take(engine, "B", priority=True)
    assert [call(engine, 1) for _ in range(2)] == ["A001", "B001"]


def test_calls_from_a_higher_tier_do_not_restart_the_ratio() -> None:
    """A lone ticket of tier A between calls must not let tier B's priority tickets
    pass B's waiting normal ticket again and again."""
    engine = Engine(hall(services=[service("A"), service("B")], windows=[window(1, "A", "B")],
                         priority_ratio=(2, 1)))
    for _ in range(4):
        take(engine, "B", priority=True)
    take(engine, "B")  # B005, normal
    calls = []
    for _ in range(3):
        calls.append(call(engine, 1))
        take(engine, "A", priority=True)
        calls.append(call(engine, 1))
    assert calls == ["B001", "A001", "B002", "A002", "B005", "A003"]


def test_each_tier_keeps_its_place_in_the_cycle() -> None:
    engine = Engine(hall(services=[service("A"), service("B")], windows=[window(1, "A", "B")],
                         priority_ratio=(2, 1)))
    for sid in "BBAA":
        take(engine, sid, priority=True)
    take(engine, "B")  # B003
    take(engine, "A")  # A003
    calls = [call(engine, 1) for _ in range(6)]
    # tier A: P P N; then tier B starts its own cycle: P P N
    assert calls == ["A001", "A002", "A003", "B001", "B002", "B003"]


# -- recall, skip, finish -----------------------------------------------------------------


@pytest.mark.parametrize("limit", [5, 2, 0])
def test_recall_limit(limit: int) -> None:
    engine = Engine(hall(recall_limit=limit))
    take(engine, "A")
    call(engine, 1)
    for n in range(1, limit + 1):
        out = engine.execute(Recall(id=1, window=1), MORNING)
        assert kinds(out) == ["ticket_called"] and out.events[0].data["recall"] == n
        assert out.data["ticket"]["recalls"] == n
    refused(engine, Recall(id=1, window=1), errors.RecallLimit)
    assert len(engine.state.tickets[1].visits) == 1  # a recall is not a new service


def test_recall_default_limit_is_five() -> None:
    assert Engine(hall()).config.policy.recall_limit == 5


@pytest.mark.parametrize("request_type", [Recall, Skip, Finish])
def test_window_idle(request_type: type[Any]) -> None:
    engine = Engine(hall())
    take(engine, "A")
    refused(engine, request_type(id=1, window=1), errors.WindowIdle)
    refused(engine, request_type(id=1, window=42), errors.UnknownWindow)


def test_skip_and_finish() -> None:
    engine = Engine(hall())
    take(engine, "A")
    take(engine, "A")
    call(engine, 1, at(9))
    out = engine.execute(Skip(id=1, window=1), at(9, 2))
    assert kinds(out) == ["ticket_skipped"]
    assert engine.state.tickets[1].status is TicketStatus.SKIPPED
    assert engine.state.windows[1].ticket is None
    call(engine, 1, at(9, 3))
    out = engine.execute(Finish(id=1, window=1), at(9, 10, 30))
    assert kinds(out) == ["ticket_finished"]
    assert out.events[0].data["duration_s"] == 450.0
    assert engine.state.tickets[2].status is TicketStatus.FINISHED
    assert engine.state.windows[1].served == 1


# -- reinstate ----------------------------------------------------------------------------


def test_reinstate_waits_between_earlier_and_later_tickets() -> None:
    engine = Engine(hall())
    take(engine, "A")  # A001
    take(engine, "A")  # A002
    call(engine, 1)
    engine.execute(Skip(id=1, window=1), MORNING)
    out = engine.execute(Reinstate(id=1, window=1, ticket=1), MORNING)
    assert kinds(out) == ["ticket_reinstated"]
    assert out.data["ahead"] == 1  # A002 was issued before the reinstatement
    take(engine, "A")  # A003, after the reinstatement
    assert engine.state.tickets[1].order > engine.state.tickets[2].order
    assert engine.state.tickets[1].order < engine.state.tickets[3].order
    assert [call(engine, 1) for _ in range(4)] == ["A002", "A001", "A003", None]


def test_reinstate_refusals() -> None:
    engine = Engine(hall())
    take(engine, "A")
    take(engine, "C")
    refused(engine, Reinstate(id=1, window=1, ticket=1), errors.NotSkipped)  # waiting
    call(engine, 1)
    refused(engine, Reinstate(id=1, window=1, ticket=1), errors.NotSkipped)  # called
    engine.execute(Skip(id=1, window=1), MORNING)
    refused(engine, Reinstate(id=1, window=2, ticket=1), errors.ServiceNotAtWindow)
    refused(engine, Reinstate(id=1, window=1, ticket=99), errors.UnknownTicket)
    refused(engine, Reinstate(id=1, window=99, ticket=1), errors.UnknownWindow)
    engine.execute(Reinstate(id=1, window=4, ticket=1), MORNING)  # any window serving A
    assert engine.state.tickets[1].status is TicketStatus.WAITING


# -- call a number ------------------------------------------------------------------------


def test_call_number_waiting_and_skipped() -> None:
    engine = Engine(hall())
    for _ in range(3):
        take(engine, "A")
    out = engine.execute(CallNumber(id=1, window=1, number="a003"), MORNING)
    assert out.data["ticket"]["number"] == "A003"
    engine.execute(Skip(id=1, window=1), MORNING)
    call(engine, 1)  # A001
    out = engine.execute(CallNumber(id=1, window=4, number="A003"), MORNING)
    assert kinds(out) == ["ticket_called"]
    assert engine.state.tickets[3].window == 4
    assert [v.window for v in engine.state.tickets[3].visits] == [1, 4]
    assert [call(engine, 1) for _ in range(2)] == ["A002", None]


def test_call_number_refusals() -> None:
    engine = Engine(hall())
    take(engine, "A")
    take(engine, "A")
    take(engine, "C")
    refused(engine, CallNumber(id=1, window=1, number="C001"), errors.ServiceNotAtWindow)
    refused(engine, CallNumber(id=1, window=1, number="A999"), errors.UnknownTicket)
    refused(engine, CallNumber(id=1, window=99, number="A001"), errors.UnknownWindow)
    call(engine, 1)
    refused(engine, CallNumber(id=1, window=4, number="A001"), errors.NotCallable)  # called
    call(engine, 1)  # finishes A001
    refused(engine, CallNumber(id=1, window=4, number="A001"), errors.NotCallable)  # finished
    engine.execute(Pause(id=1, window=4), MORNING)
    refused(engine, CallNumber(id=1, window=4, number="C001"), errors.WindowPaused)


# -- transfer -----------------------------------------------------------------------------


def test_transfer_keeps_its_place_in_time() -> None:
    engine = Engine(hall())
    take(engine, "A", at(9))  # A001, order 1
    take(engine, "B", at(9, 5))  # B001, order 2
    call(engine, 1, at(9, 10))  # A001
    out = engine.execute(Transfer(id=1, window=1, service="B"), at(9, 20))
    assert kinds(out) == ["ticket_transferred"]
    assert out.data["ahead"] == 0  # ahead of B001, issued later
    ticket = engine.state.tickets[1]
    assert (ticket.service, ticket.number, ticket.status) == ("B", "A001", TicketStatus.WAITING)
    assert engine.state.windows[1].ticket is None
    assert [call(engine, 2) for _ in range(3)] == ["A001", "B001", None]


def test_transfer_goes_behind_older_tickets_of_the_target() -> None:
    engine = Engine(hall())
    take(engine, "B", at(8, 50))  # B001, order 1
    take(engine, "A", at(9))  # A001, order 2
    take(engine, "B", at(9, 5))  # B002, order 3
    call(engine, 1, at(9, 10))
    engine.execute(Transfer(id=1, window=1, service="B"), at(9, 20))
    assert engine.execute(TicketInfo(id=1, ticket=2), at(9, 20)).data["ahead"] == 1
    assert [call(engine, 2) for _ in range(4)] == ["B001", "A001", "B002", None]


def test_reinstated_priority_ticket_keeps_to_its_class() -> None:
    engine = Engine(hall(priority_ratio=(1, 1)))
    take(engine, "A", priority=True)  # A001
    call(engine, 1)
    engine.execute(Skip(id=1, window=1), MORNING)
    take(engine, "A", priority=True)  # A002
    engine.execute(Reinstate(id=1, window=1, ticket=1), MORNING)
    take(engine, "A", priority=True)  # A003
    take(engine, "A")  # A004
    assert [call(engine, 1) for _ in range(5)] == ["A002", "A004", "A001", "A003", None]


def test_transfer_refusals() -> None:
    engine = Engine(hall())
    take(engine, "A")
    refused(engine, Transfer(id=1, window=1, service="B"), errors.WindowIdle)
    call(engine, 1)
    refused(engine, Transfer(id=1, window=1, service="A"), errors.SameService)
    refused(engine, Transfer(id=1, window=1, service="Q"), errors.UnknownService)
    refused(engine, Transfer(id=1, window=99, service="B"), errors.UnknownWindow)


# -- pause and resume ---------------------------------------------------------------------


def test_pause_and_resume() -> None:
    engine = Engine(hall())
    take(engine, "A")
    refused(engine, Resume(id=1, window=1), errors.WindowNotPaused)
    assert kinds(engine.execute(Pause(id=1, window=1), MORNING)) == ["window_paused"]
    refused(engine, Pause(id=1, window=1), errors.WindowPaused)
    refused(engine, CallNext(id=1, window=1), errors.WindowPaused)
    assert engine.status(MORNING).wait_range_min["A"] is not None  # window 4 still serves A
    assert kinds(engine.execute(Resume(id=1, window=1), MORNING)) == ["window_resumed"]
    assert call(engine, 1) == "A001"
    refused(engine, Pause(id=1, window=99), errors.UnknownWindow)


def test_pause_with_a_reason_until_resumed() -> None:
    engine = Engine(hall())
    out = engine.execute(Pause(id=1, window=1, reason=" 午休 "), MORNING)
    assert out.events[0].data["reason"] == "午休"
    assert engine.state.windows[1].pause_reason == "午休"
    assert engine.state.windows[1].public()["pause_reason"] == "午休"
    engine.execute(Resume(id=1, window=1), MORNING)
    assert engine.state.windows[1].pause_reason is None
    out = engine.execute(Pause(id=1, window=1), MORNING)
    assert out.events[0].data["reason"] is None
    with pytest.raises(ProtocolError, match="40 characters"):
        Pause.parse({"type": "pause", "id": 1, "window": 1, "reason": "长" * 41})


# -- clerks -------------------------------------------------------------------------------

STAFF = (Staff("0101", "张敏"), Staff("0102", "李强"))


def test_sign_in_out_and_switching_clerks() -> None:
    engine = Engine(hall(staff=STAFF))
    out = engine.execute(SignIn(id=1, window=1, staff="0101"), MORNING)
    assert kinds(out) == ["clerk_signed_in"] and out.events[0].data["name"] == "张敏"
    refused(engine, SignIn(id=1, window=1, staff="0101"), errors.AlreadySignedIn)
    refused(engine, SignIn(id=1, window=1, staff="9999"), errors.UnknownStaff)
    out = engine.execute(SignIn(id=1, window=1, staff="0102"), MORNING)  # clerks switch
    assert kinds(out) == ["clerk_signed_out", "clerk_signed_in"]
    assert out.events[0].data == {"window": 1, "staff": "0101"}
    # one clerk, one window: signing in elsewhere signs out here
    out = engine.execute(SignIn(id=1, window=2, staff="0102"), MORNING)
    assert kinds(out) == ["clerk_signed_out", "clerk_signed_in"]
    assert out.events[0].data == {"window": 1, "staff": "0102"}
    assert engine.state.windows[1].staff is None and engine.state.windows[2].staff == "0102"
    assert kinds(engine.execute(SignOut(id=1, window=2), MORNING)) == ["clerk_signed_out"]
    refused(engine, SignOut(id=1, window=2), errors.NotSignedIn)
    refused(engine, SignIn(id=1, window=99, staff="0101"), errors.UnknownWindow)


def test_any_staff_number_without_a_staff_list() -> None:
    engine = Engine(hall())
    out = engine.execute(SignIn(id=1, window=1, staff=" 7777 "), MORNING)
    assert out.events[0].data == {"window": 1, "staff": "7777", "name": None}


def test_require_sign_in() -> None:
    engine = Engine(hall(staff=STAFF, require_sign_in=True))
    take(engine, "A")
    take(engine, "A")
    refused(engine, CallNext(id=1, window=1), errors.NotSignedIn)
    refused(engine, CallNumber(id=1, window=1, number="A002"), errors.NotSignedIn)
    engine.execute(SignIn(id=1, window=1, staff="0101"), MORNING)
    out = engine.execute(CallNext(id=1, window=1), MORNING)
    assert out.events[0].data["staff"] == "0101"
    assert engine.state.tickets[1].visits[0].staff == "0101"


# -- rating -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "score", "expected"),
    [
        ((5, 4, 3, 2, 1), 5, 5),
        ((5, 4, 3, 2, 1), 1, 1),
        ((10, 8, 6, 3, 0), 5, 10),
        ((10, 8, 6, 3, 0), 4, 8),
        ((10, 8, 6, 3, 0), 3, 6),
        ((10, 8, 6, 3, 0), 2, 3),
        ((10, 8, 6, 3, 0), 1, 0),
    ],
)
def test_rating_points(points: tuple[int, ...], score: int, expected: int) -> None:
    engine = Engine(hall(staff=STAFF, rating_points=points))
    engine.execute(SignIn(id=1, window=1, staff="0101"), MORNING)
    take(engine, "A")
    call(engine, 1)
    engine.execute(Finish(id=1, window=1), MORNING)
    out = engine.execute(Rate(id=1, window=1, ticket=1, score=score), MORNING)
    assert out.data == {"score": score, "points": expected}
    data = out.events[0].data
    assert (data["service"], data["zone"], data["staff"], data["channel"]) == (
        "A", "Z1", "0101", "pad")
    refused(engine, Rate(id=1, window=1, ticket=1, score=score), errors.AlreadyRated)


def test_rating_refusals() -> None:
    engine = Engine(hall())
    take(engine, "A")
    take(engine, "A")
    refused(engine, Rate(id=1, window=1, ticket=1, score=5), errors.NotServedHere)  # waiting
    call(engine, 1)
    refused(engine, Rate(id=1, window=4, ticket=1, score=5), errors.NotServedHere)  # elsewhere
    engine.execute(Skip(id=1, window=1), MORNING)
    refused(engine, Rate(id=1, window=1, ticket=1, score=5), errors.NotServedHere)  # skipped
    refused(engine, Rate(id=1, window=1, ticket=99, score=5), errors.UnknownTicket)
    refused(engine, Rate(id=1, window=99, ticket=1, score=5), errors.UnknownWindow)


def test_rating_each_service_event_after_a_transfer() -> None:
    engine = Engine(hall())
    take(engine, "A")
    call(engine, 1)
    engine.execute(Transfer(id=1, window=1, service="B"), MORNING)
    call(engine, 2)
    engine.execute(Finish(id=1, window=2), MORNING)
    assert [(v.window, v.service) for v in engine.state.tickets[1].visits] == [(1, "A"), (2, "B")]
    first = engine.execute(Rate(id=1, window=1, ticket=1, score=4), MORNING)
    second = engine.execute(Rate(id=1, window=2, ticket=1, score=2), MORNING)
    assert first.events[0].data["service"] == "A" and second.events[0].data["service"] == "B"
    refused(engine, Rate(id=1, window=1, ticket=1, score=5), errors.AlreadyRated)
    refused(engine, Rate(id=1, window=2, ticket=1, score=5), errors.AlreadyRated)


def test_rating_a_second_call_at_the_same_window_after_a_skip() -> None:
    engine = Engine(hall())
    take(engine, "A")
    call(engine, 1)
    engine.execute(Skip(id=1, window=1), MORNING)
    engine.execute(CallNumber(id=1, window=1, number="A001"), MORNING)
    engine.execute(Finish(id=1, window=1), MORNING)
    assert engine.execute(Rate(id=1, window=1, ticket=1, score=5), MORNING).data["points"] == 5


# -- the hall day -------------------------------------------------------------------------


def test_tick_closes_the_day_at_day_starts() -> None:
    engine = Engine(hall(staff=STAFF, day_starts=time(6, 0)))
    engine.execute(SignIn(id=1, window=1, staff="0101"), at(8))
    engine.execute(Pause(id=1, window=2), at(8))
    for sid in "AAB":
        take(engine, sid, at(9))
    call(engine, 1, at(9))  # A001 called
    call(engine, 1, at(9, 5))  # A001 finished, A002 called
    engine.execute(Skip(id=1, window=1), at(9, 6))  # A002 skipped; B001 waits
    # (the ticks raise alerts now: B001 waits and window 2 is paused for hours)
    assert "day_closed" not in kinds(engine.tick(at(23, 59)))
    assert "day_closed" not in kinds(engine.tick(at(5, 59, day=3)))  # still the 2nd's day
    events = engine.tick(at(6, 0, day=3))
    assert kinds(events) == ["day_closed"]
    assert events[0].data == {"day": "2026-11-02", "next_day": "2026-11-03", "closed": [2, 3],
                              "reason": "day_end", "next_id": 4,
                              "forget_before": "2026-10-04"}
    assert engine.tick(at(6, 1, day=3)) == []
    state = engine.state
    assert state.day == "2026-11-03" and state.tickets == {} and state.issued == {}
    assert state.windows[1].staff == "0101" and state.windows[2].paused
    ticket = take(engine, "A", at(9, day=3))
    assert (ticket.number, ticket.id) == ("A001", 4)


def test_tick_skips_days_the_hall_was_silent() -> None:
    engine = Engine(hall())
    take(engine, "A", at(9))
    events = engine.tick(at(9, day=9))
    assert events[0].data["next_day"] == "2026-11-09"
    assert events[0].data["closed"] == [1]


def test_tick_before_anything_happened_does_nothing() -> None:
    assert Engine(hall()).tick(at(9, day=9)) == []


def test_manual_close_day() -> None:
    engine = Engine(hall())
    take(engine, "A", at(9))
    out = engine.execute(CloseDay(id=1, reason="停电"), at(16))
    # A close within the hall day opens a second numbering session of the same day.
    assert out.data == {"day": "2026-11-02", "next_day": "2026-11-02#2", "closed": [1]}
    assert out.events[0].data["reason"] == "停电"
    again = engine.execute(CloseDay(id=2), at(17))
    assert again.data["next_day"] == "2026-11-02#3"
    assert kinds(engine.tick(at(6, day=3))) == ["day_closed"]
    ticket = take(engine, "A", at(9, day=3))
    assert (ticket.number, ticket.id) == ("A001", 2)
    assert engine.state.day == "2026-11-03"


def test_numbering_restarts_at_day_starts_after_a_manual_close() -> None:
    engine = Engine(hall())
    take(engine, "A", at(9))
    engine.execute(CloseDay(id=1, reason="停电"), at(16))
    evening = take(engine, "A", at(16, 30))  # the hall reopened after the outage
    assert evening.number == "A001"
    assert kinds(engine.tick(at(6, day=3))) == ["day_closed"]  # DESIGN: day_starts
    assert take(engine, "A", at(9, day=3)).number == "A001"


def test_day_starts_late_keeps_the_night_in_the_day_before() -> None:
    engine = Engine(hall(day_starts=time(4, 30)))
    take(engine, "A", at(23))
    assert engine.hall_day(at(4, 29, day=3)) == "2026-11-02"
    assert engine.hall_day(at(4, 30, day=3)) == "2026-11-03"


def test_naive_datetimes_are_refused() -> None:
    engine = Engine(hall())
    with pytest.raises(ValueError):
        engine.execute(TakeTicket(id=1, service="A"), at(9).replace(tzinfo=None))


# -- queries ------------------------------------------------------------------------------


def test_people_ahead_counts_priority_first() -> None:
    engine = Engine(hall())
    normal = take(engine, "A")
    take(engine, "A")
    take(engine, "B")
    prio = take(engine, "A", priority=True)
    info = engine.execute(TicketInfo(id=1, ticket=normal.id), MORNING).data
    assert info["ahead"] == 1  # the priority ticket
    assert engine.execute(TicketInfo(id=1, ticket=prio.id), MORNING).data["ahead"] == 0
    assert engine.execute(TicketInfo(id=1, ticket=2), MORNING).data["ahead"] == 2
    call(engine, 1)
    assert engine.execute(TicketInfo(id=1, ticket=prio.id), MORNING).data["ahead"] == 0
    refused(engine, TicketInfo(id=1, ticket=42), errors.UnknownTicket)


def test_status_counts_per_service_zone_window() -> None:
    engine = Engine(hall())
    for sid in "AABCC":
        take(engine, sid)
    out = engine.execute(Status(id=1), MORNING)
    assert out.events == []
    waiting = out.data["waiting"]
    assert waiting["by_service"] == {"A": 2, "B": 1, "C": 2}
    assert waiting["by_zone"] == {"Z1": 3, "Z2": 2}
    assert waiting["by_window"] == {"1": 3, "2": 1, "3": 2, "4": 4}


def test_estimated_wait_from_typical_then_recent_times() -> None:
    config = hall(services=[service("A", typical_minutes=6)],
                  windows=[window(1, "A"), window(2, "A")])
    engine = Engine(config)
    for _ in range(5):
        take(engine, "A", at(9))

    def wait(now: datetime) -> tuple[int, list[int]]:
        status = engine.status(now)
        return status.estimated_wait_min["A"], status.wait_range_min["A"]

    # nothing timed yet: typical 6 min; 5 ahead, 2 free windows: two are called at
    # once, two more after ~6 min, the fifth and the newcomer after ~12
    first, (low, high) = wait(at(9))
    assert low <= 12 <= high and 9 <= first <= 13
    engine.execute(Pause(id=1, window=2), at(9))
    paused, _ = wait(at(9))
    assert paused > first  # one window fewer
    call(engine, 1, at(9))
    for minute in range(1, 12):  # services of a minute each: learned
        call(engine, 1, at(9, minute))
        take(engine, "A", at(9, minute))
    quick, _ = wait(at(9, 11))
    assert quick < paused
    engine.execute(Resume(id=1, window=2), at(9, 11))
    assert wait(at(9, 11))[0] <= quick
    engine.execute(Pause(id=1, window=1), at(9, 11))
    engine.execute(Pause(id=1, window=2), at(9, 11))
    assert wait(at(9, 11))[1] is None  # nobody serves A: no estimate


def test_refused_query_and_unknown_request() -> None:
    engine = Engine(hall())

    class Odd(Status):
        type = "odd"

    refused(engine, Odd(id=1), errors.UnknownType)


def test_outcome_events_are_numbered_in_sequence() -> None:
    engine = Engine(hall())
    seqs = []
    for sid in "AB":
        seqs += [e.seq for e in engine.execute(TakeTicket(id=1, service=sid), MORNING).events]
    seqs += [e.seq for e in engine.execute(CallNext(id=1, window=1), MORNING).events]
    seqs += [e.seq for e in engine.execute(CallNext(id=1, window=1), MORNING).events]
    assert seqs == [1, 2, 3, 4, 5]
    assert engine.state.seq == 5




def test_special_calls_are_announced_and_change_nothing() -> None:
    engine = Engine(hall())
    before = engine.state.public()
    out = engine.execute(Announce(id=1, window=3, call="manager"), MORNING)
    assert kinds(out) == ["announcement"]
    assert out.events[0].data["text"] == "请大堂经理到3号窗口"
    assert engine.execute(Announce(id=1, window=3, call="rating"), MORNING).events[0].data[
        "text"] == "请对本次服务进行评价"
    assert {k: v for k, v in engine.state.public().items() if k != "seq"} == \
        {k: v for k, v in before.items() if k != "seq"}
    refused(engine, Announce(id=1, window=99, call="rating"), errors.UnknownWindow)
    with pytest.raises(ProtocolError, match="call must be one of"):
        Announce.parse({"type": "announce", "id": 1, "window": 1, "call": "sing"})
