"""The display model without a window: calls, highlight phases, filters, speaking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from display.model import Call, DisplayModel, Phase, ScreenFilter, Timing, parse_windows
from hall.config import HallConfig
from hall.protocol import CallNext, Pause, Recall, Skip, TakeTicket
from hall.state import HallState, TicketStatus, apply
from hub.engine import Engine
from hub.public_views import screen_view
from tests.hub.conftest import make_config


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class Hall:
    """An engine making real events, a replica applying them, and the model."""

    def __init__(self, screen: ScreenFilter | None = None, config: HallConfig | None = None):
        self.config = config or make_config()
        self.engine = Engine(self.config)
        self.now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
        self.clock = FakeClock()
        self.replica = HallState()
        self.model = DisplayModel(screen, Timing(blink_s=3, highlight_s=10), self.clock)
        self.spoken: list[Call] = []
        self.model.on_announce(self.spoken.append)
        self.model.connection(True)
        self.model.reset(HallConfig.from_public(self.config.public()), self.replica)
        self._n = 0

    def run(self, request: Any, feed: bool = True) -> list[Any]:
        self.now += timedelta(seconds=5)
        outcome = self.engine.execute(request, self.now)
        if feed:
            for event in outcome.events:
                self.feed(event)
        return outcome.events

    def feed(self, event: Any) -> None:
        apply(self.replica, event)
        self.model.event(event, self.replica)

    def take(self, service: str = "A", priority: bool = False) -> None:
        self._n += 1
        self.run(TakeTicket(id=self._n, service=service, priority=priority))

    def call(self, window: int) -> None:
        self._n += 1
        self.run(CallNext(id=self._n, window=window))


def test_a_call_becomes_the_newest_blinking_then_highlighted_then_steady() -> None:
    hall = Hall()
    hall.take()
    hall.call(3)
    view = hall.model.view()
    assert view.newest is not None
    assert (view.newest.call.number, view.newest.call.window_name) == ("A001", "3号窗口")
    assert view.newest.phase is Phase.BLINK and view.newest.lit
    hall.clock.t += 0.6
    assert not hall.model.view().newest.lit  # type: ignore[union-attr]
    hall.clock.t += 3
    assert hall.model.view().newest.phase is Phase.HIGHLIGHT  # type: ignore[union-attr]
    assert hall.model.animating()
    hall.clock.t += 10
    assert hall.model.view().newest.phase is Phase.STEADY  # type: ignore[union-attr]
    assert not hall.model.animating()
    assert [c.number for c in hall.spoken] == ["A001"]


def test_a_recall_highlights_again_and_is_spoken_again_without_a_second_row() -> None:
    hall = Hall()
    for _ in range(2):
        hall.take()
    hall.call(1)
    hall.call(2)
    hall.clock.t += 30
    hall.run(Recall(id="r", window=1))
    view = hall.model.view()
    assert view.newest is not None and view.newest.call.number == "A001"
    assert view.newest.call.recall == 1 and view.newest.phase is Phase.BLINK
    assert [r.call.number for r in view.recent] == ["A002"]
    assert [(c.number, c.recall) for c in hall.spoken] == [("A001", 0), ("A002", 0), ("A001", 1)]


def test_recent_calls_never_show_a_ticket_twice_and_keep_its_status() -> None:
    hall = Hall()
    for _ in range(3):
        hall.take()
    for window in (1, 2, 3):
        hall.call(window)
    hall.run(Skip(id="s", window=2))
    hall.call(1)  # finishes A001, nobody waits: nothing more is called
    view = hall.model.view()
    numbers = [view.newest.call.number] + [r.call.number for r in view.recent]  # type: ignore[union-attr]
    assert numbers == ["A003", "A002", "A001"]
    status = {r.call.number: r.status for r in view.recent}
    assert status == {"A002": TicketStatus.SKIPPED, "A001": TicketStatus.FINISHED}


def test_replayed_and_rewelcomed_calls_are_neither_shown_nor_spoken_twice() -> None:
    hall = Hall()
    hall.take()
    events = hall.run(CallNext(id="c", window=5))
    hall.model.event(events[0], hall.replica)  # the same event again (a replay)
    # a fresh welcome holding the same call
    hall.model.reset(hall.model._hall, HallState.from_public(hall.engine.state.public()))
    assert [c.number for c in hall.spoken] == ["A001"]
    assert len(hall.model.calls()) == 1


def test_first_welcome_shows_earlier_calls_without_speaking_or_highlighting() -> None:
    hall = Hall()
    hall.take()
    hall.run(CallNext(id="c", window=4), feed=False)
    model = DisplayModel(clock=hall.clock)
    spoken: list[Call] = []
    model.on_announce(spoken.append)
    model.reset(HallConfig.from_public(hall.config.public()),
                HallState.from_public(hall.engine.state.public()))
    view = model.view()
    assert view.newest is not None and view.newest.call.number == "A001"
    assert view.newest.phase is Phase.STEADY and spoken == []


def test_calls_missed_in_a_long_outage_are_shown_but_not_spoken(
        caplog: pytest.LogCaptureFixture) -> None:
    hall = Hall()
    for _ in range(4):
        hall.take()
    hall.model.connection(False)
    hall.clock.t += 5
    missed = hall.run(CallNext(id="c1", window=1), feed=False)
    hall.model.connection(True)
    hall.model.welcomed(missed[-1].seq)  # a resume: the missed events follow
    for event in missed:
        hall.feed(event)  # caught up after a short outage: spoken
    hall.model.connection(False)
    hall.clock.t += 120
    missed = hall.run(CallNext(id="c2", window=2), feed=False)
    missed += hall.run(CallNext(id="c3", window=3), feed=False)
    hall.model.connection(True)
    hall.model.welcomed(missed[-1].seq)
    for event in missed:
        hall.feed(event)  # after two minutes away: shown only
    hall.call(4)  # live again: spoken
    assert [c.number for c in hall.spoken] == ["A001", "A004"]
    assert [c.number for c in hall.model.calls()] == ["A004", "A003", "A002", "A001"]
    # the speaking wall's log says which calls it did not say, and why
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        f"not said: {n} to window {w} (made during a long outage of the hub link, "
        "not said late)" for n, w in (("A002", 2), ("A003", 3))]


def test_zone_filter_shows_only_its_windows_counts_and_pauses() -> None:
    # window 62 serves C (social zone); windows 1..60 serve A (tax) then B (social)
    hall = Hall(ScreenFilter(zones=frozenset({"social"}), windows=frozenset()))
    config = hall.config
    assert hall.model.screen.covers_window(config, 62)
    hall.take("C")
    hall.take("A")
    hall.call(62)
    hall.run(Pause(id="p", window=62))
    hall.run(Pause(id="p2", window=7))

    tax = Hall(ScreenFilter(windows=frozenset({1, 2})))
    tax.take("A")
    tax.take("C")
    tax.call(62)
    assert tax.model.view().newest is None and tax.spoken == []
    tax.call(1)
    assert tax.model.view().newest.call.window == 1  # type: ignore[union-attr]
    assert [(w.id, w.count) for w in tax.model.view().waiting] == [("tax", 0), ("social", 0)]

    view = hall.model.view()
    assert view.newest is not None and view.newest.call.window == 62
    assert view.paused == ("7号窗口", "62号窗口")  # window 7 serves B too: social
    # one zone on this screen: counted per service (the A ticket is not its business)
    assert [(w.id, w.count) for w in view.waiting] == [("B", 0), ("C", 0)]


def test_window_7_in_a_social_filter_counts_because_it_serves_b() -> None:
    hall = Hall(ScreenFilter(zones=frozenset({"social"})))
    assert hall.model.screen.covers_window(hall.config, 7)
    assert not Hall(ScreenFilter(zones=frozenset({"nowhere"}))).model.screen.covers_window(
        hall.config, 7)


def test_device_problems_and_notice() -> None:
    hall = Hall()
    hall.model.device_problem("kiosk-1", "1号取号机缺纸")
    assert hall.model.view().problems == ("1号取号机缺纸",)
    hall.model.device_problem("kiosk-1", None)
    assert hall.model.view().problems == ()


def test_a_kiosk_out_of_paper_is_shown_until_it_is_refilled() -> None:
    from hall.protocol import Event, EventKind

    hall = Hall()

    def report(status: str, seq: int, kind: str = "printer", device: str = "kiosk-2") -> None:
        hall.feed(Event.of(seq, "2026-03-02T10:00:00+08:00",
                           EventKind.DEVICE_STATUS_REPORTED,
                           {"device": device, "device_kind": kind,
                            "status": status, "detail": ""}))

    report("paper_out", 1)
    assert hall.model.view().problems == ("2号取号机打印机缺纸，请到其他取号机或服务台取号",)
    report("paper_near_end", 2)  # issuing goes on: nothing for citizens to know
    assert hall.model.view().problems == ()


def test_a_kiosk_whose_connection_is_gone_is_shown_offline_not_its_printer() -> None:
    """The hub reports a kiosk silent for two minutes as ``offline`` with device_kind
    ``kiosk`` (the kiosk itself, not its printer)."""
    from hall.protocol import Event, EventKind

    hall = Hall()

    def report(status: str, seq: int, kind: str, device: str) -> None:
        hall.feed(Event.of(seq, "2026-03-02T10:00:00+08:00",
                           EventKind.DEVICE_STATUS_REPORTED,
                           {"device": device, "device_kind": kind,
                            "status": status, "detail": "连接中断超过 120 秒"}))

    report("offline", 1, "kiosk", "kiosk-1")
    report("offline", 2, "caller", "caller-3")  # a terminal gone: the managers' alert only
    assert hall.model.view().problems == ("1号取号机离线，请到其他取号机或服务台取号",)
    report("offline", 3, "printer", "kiosk-2")
    assert hall.model.view().problems == ("1号取号机离线，请到其他取号机或服务台取号",
                                          "2号取号机打印机离线，请到其他取号机或服务台取号")
    report("ok", 4, "kiosk", "kiosk-1")
    assert hall.model.view().problems == ("2号取号机打印机离线，请到其他取号机或服务台取号",)


def test_faults_from_a_welcome_are_shown() -> None:
    """A screen started (or reconnected) while a kiosk is out of paper shows it."""
    from hall.payloads import DeviceStatusReported

    hall = Hall()
    state = HallState.from_public(hall.engine.state.public())
    state.faults["kiosk-3"] = DeviceStatusReported(device="kiosk-3", device_kind="printer",
                                                   status="paper_out", detail="")
    hall.model.reset(hall.model._hall, state)
    assert hall.model.view().problems == ("3号取号机打印机缺纸，请到其他取号机或服务台取号",)


def test_a_fresh_welcome_of_another_day_clears_the_calls() -> None:
    hall = Hall()
    hall.take()
    hall.call(1)
    hall.model.connection(False)
    hall.engine.tick(hall.now + timedelta(days=1))  # the day closed while the link was down
    hall.model.reset(hall.model._hall, HallState.from_public(hall.engine.state.public()))
    assert hall.model.view().newest is None and hall.model.calls() == []


def test_day_close_clears_the_calls() -> None:
    hall = Hall()
    hall.take()
    hall.call(1)
    for event in hall.engine.tick(hall.now + timedelta(days=1)):
        hall.feed(event)
    assert hall.model.view().newest is None


@pytest.mark.parametrize(("text", "expected"), [
    ("1-3,7", {1, 2, 3, 7}), ("5", {5}), (" 2 , 4-4 ", {2, 4}),
])
def test_parse_windows(text: str, expected: set[int]) -> None:
    assert parse_windows(text) == expected


@pytest.mark.parametrize("text", ["a", "3-1", "0", "1-x"])
def test_parse_windows_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_windows(text)


# -- special calls (issue: they never reached the lobby) -------------------------------


def test_a_special_call_takes_the_panel_for_its_highlight_time_and_is_spoken() -> None:
    from display.model import SpecialCall
    from hall.protocol import Announce

    hall = Hall()
    said: list[SpecialCall] = []
    hall.model.on_special(said.append)
    hall.take()
    hall.call(3)
    hall.clock.t += 20  # the ticket call is steady by now
    hall.run(Announce(id=99, window=3, call="manager"))
    view = hall.model.view()
    assert view.special is not None and view.special.phase is Phase.BLINK
    assert (view.special.call.headline, view.special.call.line) == ("大堂经理", "请到 3号窗口")
    assert view.special.call.text == "请大堂经理到3号窗口"
    assert view.newest is not None and view.newest.call.number == "A001"  # still standing
    assert hall.model.animating()
    assert [(s.window, s.call) for s in said] == [(3, "manager")]
    assert [c.number for c in hall.spoken] == ["A001"]  # never merged with a ticket call
    hall.clock.t += 5
    assert hall.model.view().special.phase is Phase.HIGHLIGHT  # type: ignore[union-attr]
    hall.clock.t += 5
    assert hall.model.view().special is None  # its highlight time is over
    assert not hall.model.animating()


def test_the_call_a_special_call_covers_is_listed_meanwhile() -> None:
    """The panel's standing call is not repeated in the recent list; while a special call
    covers the panel it is listed there instead, so the wall never hides a call."""
    from hall.protocol import Announce

    hall = Hall()
    hall.take()
    hall.take()
    hall.call(2)
    hall.call(3)
    assert [r.call.number for r in hall.model.view().recent] == ["A001"]
    hall.run(Announce(id=99, window=4, call="manager"))
    view = hall.model.view()
    assert view.special is not None
    assert [(r.call.number, r.status) for r in view.recent] == [
        ("A002", TicketStatus.CALLED), ("A001", TicketStatus.CALLED)]
    hall.clock.t += 10
    assert [r.call.number for r in hall.model.view().recent] == ["A001"]


def test_a_ticket_call_after_a_special_call_takes_the_panel_back() -> None:
    from hall.protocol import Announce

    hall = Hall()
    hall.take()
    hall.run(Announce(id=99, window=3, call="rating"))
    assert hall.model.view().special is not None
    assert hall.model.view().special.call.headline == "请评价"  # type: ignore[union-attr]
    hall.clock.t += 1
    hall.call(4)
    view = hall.model.view()
    assert view.special is None and view.newest is not None and view.newest.call.window == 4


def test_a_special_call_of_a_window_this_screen_does_not_cover_is_neither_shown_nor_said(
) -> None:
    from display.model import SpecialCall
    from hall.protocol import Announce

    hall = Hall(ScreenFilter(zones=frozenset({"social"})))
    said: list[SpecialCall] = []
    hall.model.on_special(said.append)
    hall.run(Announce(id=1, window=62, call="manager"))  # window 62: social only
    hall.run(Announce(id=2, window=1, call="manager"))  # window 1: tax and social
    tax = Hall(ScreenFilter(zones=frozenset({"tax"})))
    tax.run(Announce(id=1, window=62, call="manager"))
    assert tax.model.view().special is None
    assert [s.window for s in said] == [62, 1]


def test_a_special_call_replayed_by_a_resume_is_not_said_twice() -> None:
    from display.model import SpecialCall
    from hall.protocol import Announce

    hall = Hall()
    said: list[SpecialCall] = []
    hall.model.on_special(said.append)
    events = hall.run(Announce(id=1, window=5, call="manager"))
    hall.model.event(events[0], hall.replica)  # the same event again
    assert len(said) == 1


# -- the big panel shows only what is true now -------------------------------------------


def panel(hall: Hall) -> tuple[str, str] | None:
    newest = hall.model.view().newest
    return (newest.call.number, newest.call.window_name) if newest else None


def test_after_a_skip_the_panel_no_longer_calls_the_skipped_ticket() -> None:
    hall = Hall()
    hall.take()
    hall.take()
    hall.call(1)
    hall.call(2)
    assert panel(hall) == ("A002", "2号窗口")
    hall.run(Skip(id=50, window=2))
    assert panel(hall) == ("A001", "1号窗口")  # the call still standing, steady
    assert hall.model.view().newest.phase is Phase.STEADY  # type: ignore[union-attr]
    assert [(r.call.number, r.status) for r in hall.model.view().recent] == [
        ("A002", TicketStatus.SKIPPED)]  # the list keeps the history
    hall.run(Skip(id=51, window=1))
    assert panel(hall) is None


def test_after_a_transfer_or_a_finish_and_a_pause_the_panel_is_emptied() -> None:
    from hall.protocol import Finish, Transfer

    hall = Hall()
    for _ in range(3):
        hall.take()
    hall.call(1)
    hall.run(Recall(id=60, window=1))
    assert hall.model.view().newest.call.recall == 1  # type: ignore[union-attr]
    hall.run(Transfer(id=61, window=1, service="B"))
    assert panel(hall) is None  # not 再次呼叫 A001 to window 1 any more
    hall.call(1)
    assert panel(hall) is not None
    hall.run(Finish(id=62, window=1))
    hall.run(Pause(id=63, window=1, reason="会议"))
    view = hall.model.view()
    assert view.newest is None and view.paused == ("1号窗口",)
    assert {r.call.number for r in view.recent} == {"A001", "A002"}


def test_each_zone_shows_a_newcomers_wait_as_the_browser_wall_does() -> None:
    hall = Hall()
    hall.model = DisplayModel(None, Timing(), hall.clock, now=lambda: hall.now)
    hall.model.reset(HallConfig.from_public(hall.config.public()), hall.replica)
    assert [(w.id, w.wait_text) for w in hall.model.view().waiting] == [
        ("tax", "无需等候"), ("social", "无需等候")]
    for _ in range(150):
        hall.take("A")
    hall.take("C")
    for window in range(1, 31):
        hall.call(window)
    view = hall.model.view()
    browser = screen_view(hall.config, hall.engine.state, [], frozenset(), now=hall.now)
    assert [(w.id, w.count, w.wait_text) for w in view.waiting] == [
        (row["zone"], row["waiting"], row["wait_text"]) for row in browser["waiting"]]
    tax = view.waiting[0]
    assert tax.wait is not None and 0 < tax.wait.low < tax.wait.high
    assert tax.wait_text == f"约 {tax.wait.low}–{tax.wait.high} 分钟"


def test_a_service_no_open_window_serves_shows_no_estimate() -> None:
    hall = Hall(ScreenFilter(zones=frozenset({"social"})))
    hall.model = DisplayModel(hall.model.screen, Timing(), hall.clock, now=lambda: hall.now)
    hall.model.reset(HallConfig.from_public(hall.config.public()), hall.replica)
    hall.take("C")
    hall.run(Pause(id="p", window=62))
    assert [(w.id, w.count, w.wait_text) for w in hall.model.view().waiting] == [
        ("B", 0, "无需等候"), ("C", 1, "暂无法估计")]


def test_without_hall_time_the_rows_carry_no_wait() -> None:
    hall = Hall()
    hall.take("A")
    assert [(w.id, w.count, w.wait, w.wait_text) for w in hall.model.view().waiting] == [
        ("tax", 1, None, ""), ("social", 0, None, "")]
