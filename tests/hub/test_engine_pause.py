"""A window paused while it serves keeps its citizen and can finish them (issue: pausing
mid-service hid the citizen); resuming calls nobody again."""

from __future__ import annotations

from hall import errors
from hall.protocol import CallNext, Finish, Pause, Recall, Resume, Skip, Transfer
from hub.engine import Engine
from tests.hub.engine_helpers import MORNING, call, hall, kinds, refused, take


def paused_while_serving() -> Engine:
    engine = Engine(hall())
    take(engine, "A")
    take(engine, "A")
    assert call(engine, 1) == "A001"
    engine.execute(Pause(id=1, window=1, reason="离开一会"), MORNING)
    return engine


def test_the_ticket_stays_with_the_paused_window() -> None:
    engine = paused_while_serving()
    ws = engine.state.windows[1]
    assert ws.paused and ws.ticket is not None
    assert engine.state.tickets[ws.ticket].number == "A001"
    assert engine.state.tickets[ws.ticket].status == "called"


def test_a_paused_window_finishes_skips_or_transfers_its_citizen_but_calls_nobody() -> None:
    engine = paused_while_serving()
    refused(engine, CallNext(id=1, window=1), errors.WindowPaused)
    refused(engine, Recall(id=1, window=1), errors.WindowPaused)
    assert kinds(engine.execute(Finish(id=1, window=1), MORNING)) == ["ticket_finished"]
    assert engine.state.windows[1].paused and engine.state.windows[1].ticket is None
    for request in (Skip(id=1, window=1), Transfer(id=1, window=1, service="B")):
        other = paused_while_serving()
        assert kinds(other.execute(request, MORNING))[0] in ("ticket_skipped",
                                                             "ticket_transferred")


def test_resume_does_not_call_the_citizen_again() -> None:
    engine = paused_while_serving()
    out = engine.execute(Resume(id=1, window=1), MORNING)
    assert kinds(out) == ["window_resumed"]
    ws = engine.state.windows[1]
    assert engine.state.tickets[ws.ticket].recalls == 0  # type: ignore[index]
