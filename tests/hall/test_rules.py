"""One rulebook (hall/rules.py): the engine and the kiosk give the same answer to "can
service S be taken at t, and if not, why"."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from hall import errors
from hall.config import SlotCap
from hall.protocol import TakeTicket
from hall.rules import Closed, Period, refusal, taking
from hall.state import HallState
from hub.engine import Engine
from kiosk.model import CAP_REACHED, CLOSED_HOURS, NOT_SERVED, SLOT_FULL, service_views
from tests.hub.engine_helpers import at, hall, service, span, window


def rule_hall():  # type: ignore[no-untyped-def]
    """A: mornings and afternoons; B: 2 a day; C: slots of 1 ticket; D: no window."""
    return hall(
        services=(
            service("A", hours=(span("08:30", "12:00"), span("13:30", "17:00"))),
            service("B", daily_cap=2),
            service("C", slot_caps=(SlotCap(span("09:00", "10:00"), 1),
                                    SlotCap(span("10:00", "11:00"), 1))),
            service("D"),
        ),
        windows=(window(1, "A", "B", "C"),),
    )


def test_each_reason_in_its_order() -> None:
    config, state = rule_hall(), HallState()
    a, b, c, d = config.services
    outside = refusal(config, state, a, at(12, 30).time())
    assert outside is not None and outside.why is Closed.OUTSIDE_HOURS
    assert outside.hours == "08:30-12:00、13:30-17:00"
    assert refusal(config, state, a, at(13, 30).time()) is None
    state.issued["B"] = 2
    assert refusal(config, state, b, at(9).time()).why is Closed.DAILY_CAP  # type: ignore[union-attr]
    assert refusal(config, state, d, at(9).time()).why is Closed.NO_WINDOW  # type: ignore[union-attr]
    state.slot_issued["C@09:00-10:00"] = 1
    full = refusal(config, state, c, at(9, 59).time())
    assert full is not None and full.why is Closed.SLOT_CAP and full.hours == "09:00-10:00"
    assert refusal(config, state, c, at(10).time()) is None  # the next slot is open


def test_taking_gives_the_period_or_the_refusal() -> None:
    """The engine's one call: the period a ticket is taken in, or why it cannot be."""
    config, state = rule_hall(), HallState()
    a, d = config.services[0], config.services[3]
    assert taking(config, state, a, at(9).time()) is Period.REGULAR
    assert taking(config, state, d, at(9).time()) == refusal(config, state, d, at(9).time())
    closed = taking(config, state, a, at(12, 30).time())
    assert closed == refusal(config, state, a, at(12, 30).time())
    assert closed is not None and closed.why is Closed.OUTSIDE_HOURS


@pytest.mark.parametrize("why, error", [
    (Closed.OUTSIDE_HOURS, errors.OutsideHours), (Closed.DAILY_CAP, errors.DailyCapReached),
    (Closed.NO_WINDOW, errors.NoWindow), (Closed.SLOT_CAP, errors.SlotCapReached),
])
def test_each_reason_is_the_hubs_refusal_code(why: Closed, error: type) -> None:
    assert why.value == error.code


def test_the_engine_and_the_kiosk_agree_at_every_moment() -> None:
    """Random takes through a day: whenever the engine refuses, the kiosk had the service
    greyed out for the same reason; whenever it issues, the kiosk offered it."""
    rng = random.Random(23)
    config = rule_hall()
    engine = Engine(config)
    words = {Closed.OUTSIDE_HOURS: CLOSED_HOURS, Closed.DAILY_CAP: CAP_REACHED,
             Closed.NO_WINDOW: NOT_SERVED, Closed.SLOT_CAP: SLOT_FULL}
    moment, checked = at(7, 50), 0
    while moment < at(18):
        moment += timedelta(minutes=rng.choice((1, 3, 7)))
        local = moment.time()
        views = {v.id: v for v in service_views(config, engine.state, local)}
        for sid in "ABCD":
            try:
                engine.execute(TakeTicket(id=1, service=sid), moment)
            except errors.QueueError as exc:
                view = views[sid]
                assert view.why is not None, (sid, local, exc.code)
                assert view.why.template == words[Closed(exc.code)], (sid, local)
            else:
                assert views[sid].available, (sid, local)
            checked += 1
    assert checked > 400
