"""LED bars neither flicker nor call twice: no welcome between a finish and the next
call, no new flashing call when a window paused mid-service resumes."""

from __future__ import annotations

import asyncio
from typing import Any

from devices.ledbar import BarText
from devices.showing import BarShow
from devices.virtual import VirtualBar
from hall.client import HubClient
from hall.protocol import Event, TicketCalled, TicketFinished, WindowPaused, WindowResumed
from hall.state import HallState, Ticket, TicketStatus, WindowState
from hub.server import Hub
from tests.devices.test_host import Rig, until
from tests.devices.test_host import config as config  # fixtures, re-exported
from tests.devices.test_host import rig as rig
from tests.hub.conftest import clock as clock
from tests.hub.conftest import db_path as db_path
from tests.hub.conftest import hub as hub


class FakeBar:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []

    def show_call(self, number: str, window: Any = "", flash: bool = True) -> None:
        self.sent.append((f"请{number}号", flash))

    def show_paused(self) -> None:
        self.sent.append(("暂停服务", False))

    def show_welcome(self, text: str | None = None) -> None:
        self.sent.append((text or "欢迎光临", False))

    def show_text(self, text: str, flash: bool = False) -> None:
        self.sent.append((text, flash))


def state_with(number: str | None, paused: bool = False) -> HallState:
    state = HallState()
    window = WindowState(1, paused=paused)
    if number is not None:
        state.tickets[1] = Ticket(id=1, number=number, service="A", priority=False,
                                  status=TicketStatus.CALLED, issued_at="", order=1)
        window.ticket = 1
    state.windows[1] = window
    return state


def event(kind: str) -> Event:
    """An event of window 1 (BarShow reads only its kind and window)."""
    payload = {"ticket_finished": TicketFinished(ticket_id=1, number="A001", window=1,
                                                 service="A", duration_s=1.0),
               "window_paused": WindowPaused(window=1, reason=None),
               "window_resumed": WindowResumed(window=1)}.get(kind)
    if payload is None:
        payload = TicketCalled(ticket=state_with("A006").tickets[1].data(), window=1, recall=1,
                               staff=None)
    return Event(seq=1, at="2026-11-02T09:00:00+08:00", payload=payload)


def test_finish_then_call_sends_no_welcome_between() -> None:
    bar = FakeBar()
    show = BarShow(1, [bar])
    show.sync(state_with("A001"), again=True)
    show.event(event("ticket_finished"), state_with(None))  # call_next: finish…
    show.event(event("ticket_called"), state_with("A002"))  # …and the next call
    show.flush()
    assert bar.sent == [("请A001号", True), ("请A002号", True)]


def test_a_finish_alone_shows_the_welcome_at_the_next_flush() -> None:
    bar = FakeBar()
    show = BarShow(1, [bar])
    show.sync(state_with("A001"), again=True)
    show.event(event("ticket_finished"), state_with(None))
    assert bar.sent == [("请A001号", True)]
    show.flush()
    show.flush()
    assert bar.sent == [("请A001号", True), ("欢迎光临", False)]


def test_resume_after_a_pause_mid_service_does_not_call_again() -> None:
    bar = FakeBar()
    show = BarShow(1, [bar])
    show.sync(state_with("A006"), again=True)
    show.event(event("window_paused"), state_with("A006", paused=True))
    show.event(event("window_resumed"), state_with("A006"))
    assert bar.sent == [("请A006号", True), ("暂停服务", False), ("请A006号", False)]
    show.event(event("ticket_called"), state_with("A006"))  # a recall flashes again
    assert bar.sent[-1] == ("请A006号", True)


async def test_bar_twin_sees_no_welcome_between_calls_and_no_call_on_resume(
    hub: Hub, rig: Rig,
) -> None:
    bar = rig.bars[0]
    await until(lambda: bar.text == "欢迎")
    seen: list[tuple[str, bool]] = []
    bar_twin: VirtualBar = bar

    def record(_device: Any, command: Any) -> None:
        if isinstance(command, BarText):
            seen.append((command.text, command.flash))

    bar_twin.on_command = record
    async with HubClient(hub.url, "kiosk-1", "kiosk-secret") as kiosk, \
            HubClient(hub.url, "caller-1", "caller-1-secret") as clerk:
        await kiosk.request("take_ticket", service="A")
        await kiosk.request("take_ticket", service="A")
        await clerk.request("call_next", window=1)
        await until(lambda: bar.text == "请A001号")
        await clerk.request("call_next", window=1)  # finishes A001, calls A002
        await until(lambda: bar.text == "请A002号")
        await clerk.request("pause", window=1, reason="离开一会")
        await until(lambda: bar.text == "暂停服务")
        await clerk.request("resume", window=1)
        await until(lambda: bar.text == "请A002号")
        await asyncio.sleep(0)
    texts = [text for text, _ in seen]
    assert "欢迎" not in texts
    calls = [(t, f) for t, f in seen if t == "请A002号"]
    assert calls[0][1] is True and all(not f for _, f in calls[1:])  # resumed: steady
