"""Rating a ticket from its phone page (hub/engine.py, channel ``phone``): only a
finished ticket, within ``[phone] rating_hours``, once across pad and phone, the
last visit's window and clerk, a 差评 case like a pad rating; kept across the day
close and rebuilt from the store after a restart."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from hall import errors
from hall.config import Staff
from hall.config.phone import PhoneSettings
from hall.protocol import CallNext, Event, Finish, Rate, SignIn, TakeTicket
from hub.engine import Engine
from ledger.store import Store
from tests.hub.engine_helpers import MORNING, at, call, hall, refused, take


def phone(ticket: int, score: int, window: int = 1, **kw: object) -> Rate:
    return Rate(id=1, window=window, ticket=ticket, score=score, channel="phone",
                **kw)  # type: ignore[arg-type]


def served(engine: Engine, window: int = 1) -> int:
    """A ticket of service A taken, called and finished at ``window``."""
    ticket = take(engine, "A")
    call(engine, window)
    engine.execute(Finish(id=1, window=window), MORNING)
    return ticket.id


def test_only_a_finished_ticket_is_rated_from_its_page() -> None:
    engine = Engine(hall())
    ticket = take(engine, "A")
    refused(engine, phone(ticket.id, 5), errors.RatingClosed)  # waiting
    assert engine.phone_rating(ticket.id, MORNING) == {}
    call(engine, 1)
    refused(engine, phone(ticket.id, 5), errors.RatingClosed)  # being served
    engine.execute(Finish(id=1, window=1), MORNING)
    rating = engine.phone_rating(ticket.id, MORNING)
    assert rating["state"] == "open" and rating["window"] == 1
    assert rating["until"] == (MORNING + timedelta(hours=24)).isoformat()
    out = engine.execute(phone(ticket.id, 4), MORNING)
    assert out.data == {"score": 4, "points": 4}
    assert out.events[0].data["channel"] == "phone"
    assert engine.phone_rating(ticket.id, MORNING) == {"state": "done"}


def test_one_rating_per_ticket_across_pad_and_phone() -> None:
    engine = Engine(hall())
    first = served(engine)
    engine.execute(Rate(id=1, window=1, ticket=first, score=5), MORNING)  # the pad
    refused(engine, phone(first, 1), errors.AlreadyRated)
    second = served(engine)
    engine.execute(phone(second, 5), MORNING)
    refused(engine, Rate(id=1, window=1, ticket=second, score=1), errors.AlreadyRated)
    refused(engine, phone(second, 5), errors.AlreadyRated)  # replayed


def test_a_phone_rating_names_the_last_window_and_clerk_and_opens_a_case() -> None:
    config = hall(staff=(Staff("0101", "张敏"),))
    engine = Engine(config)
    engine.execute(SignIn(id=1, window=1, staff="0101"), MORNING)
    ticket = served(engine)
    refused(engine, phone(ticket, 1, window=2), errors.NotServedHere)  # another window
    out = engine.execute(phone(ticket, 1, reason="服务态度不好", comment="  <b>=1+1</b>  "),
                         MORNING)
    rated, opened = out.events
    assert (rated.data["window"], rated.data["staff"], rated.data["reason"],
            rated.data["comment"]) == (1, "0101", "服务态度不好", "<b>=1+1</b>")
    assert opened.data["case"]["staff"] == "0101" and opened.data["case"]["score"] == 1
    assert opened.data["case"]["comment"] == "<b>=1+1</b>"


def test_a_reason_not_offered_or_for_a_good_score_is_dropped() -> None:
    engine = Engine(hall())
    made_up = engine.execute(phone(served(engine), 2, reason="我编的"), MORNING)
    assert "reason" not in made_up.events[0].data
    good = engine.execute(phone(served(engine), 5, reason="等候时间长"), MORNING)
    assert "reason" not in good.events[0].data


def test_past_the_limit_or_switched_off() -> None:
    engine = Engine(hall())
    ticket = served(engine)
    late = MORNING + timedelta(hours=24, seconds=1)
    refused(engine, phone(ticket, 5), errors.RatingClosed, late)
    assert engine.phone_rating(ticket, late) == {"state": "closed"}
    off = Engine(replace(hall(), phone=PhoneSettings(rating_hours=0)))
    refused(off, phone(served(off), 5), errors.RatingClosed)


def test_rated_at_home_after_the_day_closed_and_after_a_restart(tmp_path: Path) -> None:
    config = hall()
    engine = Engine(config)
    log: list[Event] = []
    for request in (TakeTicket(id=1, service="A"), CallNext(id=1, window=1),
                    Finish(id=1, window=1), TakeTicket(id=1, service="A"),
                    CallNext(id=1, window=1), Finish(id=1, window=1), phone(2, 5)):
        log += engine.execute(request, MORNING).events
    next_morning = at(7, day=3)
    log += engine.tick(next_morning)  # the hall day closes
    assert engine.state.tickets == {}
    assert engine.phone_rating(1, next_morning)["number"] == "A001"
    assert engine.phone_rating(2, next_morning)["state"] == "done"

    # A restart the next morning: the store gives the engine the same tickets back.
    store = Store.open(str(tmp_path / "hub.db"))
    try:
        store.write(log)
        earlier = store.load_earlier(next_morning - timedelta(hours=24))
        assert sorted(earlier) == [1, 2]
        assert store.load_earlier(at(10, day=3)) == {}  # finished before: nothing kept
        restarted = Engine(config, store.load_state(), earlier=earlier)
    finally:
        store.close()
    for again in (engine, restarted):
        refused(again, phone(2, 3), errors.AlreadyRated, next_morning)
        out = again.execute(phone(1, 2, reason="等候时间长"), next_morning)
        assert out.events[0].data["number"] == "A001"
        refused(again, phone(1, 2), errors.AlreadyRated, next_morning)
        refused(again, phone(1, 2), errors.AlreadyRated, next_morning)
    # and the limit still holds a day on
    assert restarted.phone_rating(1, at(10, day=4)) == {"number": "A001", "service": "A",
                                                       "state": "done"}
