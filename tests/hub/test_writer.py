"""The hub's sans-I/O pieces (hub/writer.py, hub/presence.py, hub/resume.py) without a
loop or a socket: the order jobs are taken up in, a batch through the engine, who gets
what, offline timers, resumes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from hall.config import Device, Role
from hall.protocol import CallNext, DeviceStatus, Event, Hello, TakeTicket
from hall.state import HallState
from hub.connections import Conn, HelloJob, RequestJob, Stop, Tick
from hub.engine import Engine
from hub.fanout import text_frame
from hub.presence import Presence
from hub.resume import complete, events_to_replay, resumed_texts
from hub.welcome import WelcomeCache
from hub.writer import Backlog, deliveries, execute
from tests.hub.engine_helpers import MORNING, hall

KIOSK = Device(id="kiosk-1", role=Role.KIOSK, token="t" * 16)
CALLER = Device(id="caller-1", role=Role.CALLER, token="c" * 16, window=1)
DISPLAY = Device(id="display-1", role=Role.DISPLAY, token="d" * 16)


def conn(name: str, device: Device | None = KIOSK) -> Conn:
    return Conn(ws=name, bucket=None, device=device)  # type: ignore[arg-type]


def test_a_batch_runs_every_request_and_refusals_do_not_stop_it() -> None:
    engine = Engine(hall())
    kiosk = conn("k")
    jobs = [RequestJob(kiosk, TakeTicket(id=1, service="A")),
            RequestJob(kiosk, TakeTicket(id=2, service="nope")),
            RequestJob(kiosk, TakeTicket(id=3, service="B"))]
    run = execute(engine, jobs, MORNING)
    assert run.failed is None and not run.tick_failed
    assert [r.ok for _, r in run.batch.results] == [True, False, True]
    assert [e.kind for e in run.batch.events] == ["ticket_issued", "ticket_issued"]
    assert engine.state.seq == 2


def test_an_unexpected_error_stops_the_batch_there(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine(hall())
    real = engine.execute

    def faulty(request: Any, now: Any) -> Any:
        if request.id == 2:
            raise RuntimeError("bug")
        return real(request, now)

    monkeypatch.setattr(engine, "execute", faulty)
    jobs = [RequestJob(None, TakeTicket(id=i, service="A")) for i in (1, 2, 3)]
    run = execute(engine, jobs, MORNING)
    assert run.failed is jobs[1] and run.rest == [jobs[2]]
    assert [r.id for _, r in run.batch.results] == [1]  # committed before the rebuild


def test_deliveries_frame_each_event_once_and_respect_subscriptions() -> None:
    engine = Engine(hall())
    kiosk, caller = conn("k"), conn("c", CALLER)
    run = execute(engine, [RequestJob(kiosk, TakeTicket(id=1, service="A")),
                           RequestJob(caller, CallNext(id=2, window=1)),
                           RequestJob(None, DeviceStatus(id="hub", device_kind="kiosk",
                                                         status="ok", device="kiosk-1"))],
                  MORNING)
    only_calls = Hello(device="x", token="y", subscribe=["ticket_called"])
    nothing = Hello(device="x", token="y", subscribe=False)
    encoded, plan = deliveries(run.batch, ["w", "k", "c"], {"k": only_calls, "c": nothing})
    assert len(encoded.texts) == len(run.batch.events) == 3
    got = {d.to: [json.loads(t) for t in d.texts] for d in plan}
    assert [m.get("kind") for m in got["w"]] == ["ticket_issued", "ticket_called",
                                                 "device_status_reported"]
    assert [m.get("kind", m["type"]) for m in got["k"]] == ["ticket_called", "result"]
    assert [m["type"] for m in got["c"]] == ["result"]
    assert all(d.frames.count(b"\x81") >= len(d.texts) for d in plan)


def test_a_batch_nobody_subscribed_to_is_encoded_only_when_a_welcome_carries_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine(hall())
    kiosks = [conn(f"k{n}") for n in range(3)]
    run = execute(engine, [RequestJob(k, TakeTicket(id=n, service="A"))
                           for n, k in enumerate(kiosks)], MORNING)
    encoded_events: list[int] = []
    real = Event.to_json
    monkeypatch.setattr(Event, "to_json",
                        lambda self: encoded_events.append(self.seq) or real(self))
    nothing = Hello(device="x", token="y", subscribe=False)
    encoded, plan = deliveries(run.batch, [k.ws for k in kiosks],
                               {k.ws: nothing for k in kiosks})
    assert encoded_events == []  # fifty kiosks taking tickets: no event is encoded
    assert [[json.loads(t)["id"] for t in d.texts] for d in plan] == [[0], [1], [2]]
    assert all(d.frames == text_frame(d.texts[0]) for d in plan)
    cache = WelcomeCache()
    cache.note(run.batch.events, encoded)
    before = HallState()  # a welcome's state from before the batch: its events follow

    def welcome_texts() -> list[str]:
        welcome = cache.full(before, DISPLAY, Hello(device="display-1", token="d"), {},
                             "2026-01-05T09:00:00+08:00")
        texts = list(welcome.texts)
        assert welcome.frames.endswith(b"".join(text_frame(t) for t in texts[1:]))
        return texts[1:]

    assert [json.loads(t)["seq"] for t in welcome_texts()] == [1, 2, 3] == encoded_events
    welcome_texts()
    assert encoded_events == [1, 2, 3]  # encoded once, kept


def test_a_connection_not_yet_live_gets_its_results_only() -> None:
    engine = Engine(hall())
    run = execute(engine, [RequestJob(conn("new"), TakeTicket(id=7, service="A"))], MORNING)
    _, plan = deliveries(run.batch, ["wall"], {})
    assert [(d.to, d.live, len(d.texts)) for d in plan] == [("wall", True, 1),
                                                           ("new", False, 1)]


class FakeTimers:
    def __init__(self) -> None:
        self.pending: list[tuple[float, Callable[[Device], None], Device, list[bool]]] = []

    def schedule(self, delay: float, callback: Callable[[Device], None],
                 device: Device) -> Any:
        cancelled = [False]
        self.pending.append((delay, callback, device, cancelled))

        class Handle:
            def cancel(self) -> None:
                cancelled[0] = True
        return Handle()

    def fire(self) -> None:
        due, self.pending = self.pending, []
        for _, callback, device, cancelled in due:
            if not cancelled[0]:
                callback(device)


def test_presence_reports_offline_after_the_delay_and_ok_when_back() -> None:
    timers, reported = FakeTimers(), []
    presence = Presence(120.0, timers.schedule, reported.append)
    presence.left(KIOSK, still_connected=True)
    assert timers.pending == []
    presence.left(KIOSK, still_connected=False)
    presence.left(Device(id="admin-1", role=Role.ADMIN, token="a" * 16), False)
    assert [p[0] for p in timers.pending] == [120.0]
    timers.fire()
    assert [(s.status, s.device) for s in reported] == [("offline", "kiosk-1")]
    presence.back(KIOSK)
    presence.back(KIOSK)  # once only
    assert [s.status for s in reported] == ["offline", "ok"]


def test_presence_back_in_time_or_stopped_reports_nothing() -> None:
    timers, reported = FakeTimers(), []
    presence = Presence(120.0, timers.schedule, reported.append)
    presence.left(KIOSK, still_connected=False)
    presence.back(KIOSK)
    timers.fire()
    presence.left(KIOSK, still_connected=False)
    presence.stop()
    timers.fire()
    assert reported == []


def test_resume_decisions() -> None:
    assert events_to_replay(None, 10, 5) is None
    assert events_to_replay(11, 10, 5) is None  # another database
    assert events_to_replay(4, 10, 5) is None  # too far behind
    assert events_to_replay(5, 10, 5) == 5
    assert events_to_replay(10, 10, 5) == 0
    engine = Engine(hall())
    run = execute(engine, [RequestJob(None, TakeTicket(id=i, service="A")) for i in (1, 2)],
                  MORNING)
    events = run.batch.events
    assert complete(events, 0, 2) and complete([], 2, 2)
    assert not complete(events[1:], 0, 2)
    texts = resumed_texts(KIOSK, Hello(device="kiosk-1", token="t", since=0,
                                       subscribe=["ticket_called"]), 2, {}, events)
    assert [json.loads(t)["type"] for t in texts] == ["welcome"]
    assert json.loads(texts[0])["resumed"] is True


DISPLAY = Device(id="display-1", role=Role.DISPLAY, token="d" * 16)


def _hello(name: str) -> HelloJob:
    return HelloJob(conn(name, DISPLAY), Hello(device="display-1", token="d" * 16))


def _take(who: Conn, rid: int) -> RequestJob:
    return RequestJob(who, TakeTicket(id=rid, service="A"))


def _ids(jobs: list[RequestJob]) -> list[object]:
    return [job.request.id for job in jobs]


def test_requests_go_before_the_welcomes_asked_earlier_one_welcome_at_a_time() -> None:
    backlog = Backlog()
    kiosk = conn("k")
    storm = [_hello(f"d{n}") for n in range(3)]
    for job in [storm[0], storm[1], _take(kiosk, 1), storm[2], _take(kiosk, 2)]:
        backlog.add(job)
    assert _ids(backlog.batch(100)) == [1, 2]  # not behind three welcomes
    assert backlog.hello() is storm[0]
    backlog.add(_take(kiosk, 3))  # asked during that welcome
    assert _ids(backlog.batch(100)) == [3]
    assert backlog.hello() is storm[1]
    assert backlog.batch(100) == [] and backlog.hello() is storm[2]
    assert backlog.hello() is None and not backlog


def test_a_steady_flow_of_requests_still_lets_each_hello_through() -> None:
    backlog = Backlog()
    kiosk = conn("k")
    backlog.add(_hello("d"))
    backlog.add(_take(kiosk, 1))
    assert _ids(backlog.batch(100)) == [1]
    backlog.add(_take(kiosk, 2))
    assert backlog.hello() is not None  # each round: the batch, then one welcome


def test_a_request_sent_before_its_welcome_follows_it() -> None:
    backlog = Backlog()
    hello = _hello("d")
    backlog.add(hello)
    early = RequestJob(hello.conn, CallNext(id=7, window=1))
    backlog.add(early)
    backlog.add(_take(conn("k"), 1))
    assert _ids(backlog.batch(100)) == [1]  # the display's own waits for its welcome
    assert backlog.hello() is hello
    assert _ids(backlog.batch(100)) == [7]


def test_a_batch_is_at_most_max_batch_and_a_tick_makes_one() -> None:
    backlog = Backlog()
    kiosk = conn("k")
    for n in range(5):
        backlog.add(_take(kiosk, n))
    assert _ids(backlog.batch(2)) == [0, 1] and _ids(backlog.batch(2)) == [2, 3]
    assert _ids(backlog.batch(2)) == [4] and not backlog
    backlog.add(Tick())
    assert backlog  # a batch to run, even an empty one: engine.tick closes the day
    assert backlog.batch(2) == [] and not backlog


def test_after_stop_nothing_more_is_taken_up() -> None:
    backlog = Backlog()
    kiosk = conn("k")
    backlog.add(_take(kiosk, 1))
    backlog.add(Stop())
    backlog.add(_take(kiosk, 2))
    backlog.add(_hello("d"))
    assert backlog.stopping
    assert _ids(backlog.batch(100)) == [1]
    assert backlog.hello() is None and not backlog
