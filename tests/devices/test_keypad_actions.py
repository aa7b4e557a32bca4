"""Every keypad action docs/devices.md lists, pressed on a pty twin, through a device
host, against a real hub whose hall requires clerks to sign in; and refusals beep and
are logged where ``jiaohao devices serve`` shows them (WARNING)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from devices.host import CallerEntry, DeviceHost, HostConfig, SerialEntry
from devices.keypad import action_frame, action_from_frame
from devices.profiles import load_keypad
from devices.virtual import VirtualBus, VirtualKeypad
from hall.client import HubClient
from hall.config import HallConfig, Policy, Staff
from hall.state import HallState
from hub.server import Hub
from tests.devices.test_host import until
from tests.hub.conftest import clock as clock  # fixtures, re-exported
from tests.hub.conftest import db_path as db_path
from tests.hub.conftest import hub as hub
from tests.hub.conftest import make_config

KEYPAD = load_keypad("ff68-keypad")


@pytest.fixture
def config() -> HallConfig:
    return dataclasses.replace(make_config(Policy(require_sign_in=True)),
                               staff=(Staff("1001", "王丽"), Staff("3001", "赵军"),
                                      Staff("DX1002", "李强")))


@dataclass
class Desk:
    """Window 1: its keypad twin, the host, a kiosk and an admin to look and set up."""

    keypad: VirtualKeypad
    host: DeviceHost
    kiosk: HubClient
    admin: HubClient

    @property
    def state(self) -> HallState:
        assert self.admin.state is not None
        return self.admin.state

    def window(self) -> Any:
        return self.state.windows.get(1)

    def number(self) -> str | None:
        window = self.window()
        if window is None or window.ticket is None:
            return None
        return self.state.tickets[window.ticket].number

    async def press(self, action: str, digits: str = "", then: Callable[[], bool] | None = None,
                    ) -> None:
        self.keypad.press(action, digits)
        if then is not None:
            await until(then)

    async def signed_in_serving(self, count: int = 2) -> None:
        await self.admin.request("sign_in", window=1, staff="1001")
        for _ in range(count):
            await self.kiosk.request("take_ticket", service="A")
        await self.press("call_next", then=lambda: self.number() == "A001")


@pytest.fixture
async def desk(hub: Hub) -> AsyncIterator[Desk]:
    bus = VirtualBus(KEYPAD.framing)
    keypad: Any = bus.add(VirtualKeypad(KEYPAD, address=1))
    bus.start()
    config = HostConfig(hub.url, (CallerEntry(1, "caller-1", "caller-1-secret"),),
                        (SerialEntry("keypad", bus.path, KEYPAD.id, 1, 1),))
    host = DeviceHost(config, backoff_s=(0.05, 0.2))
    stop = asyncio.Event()
    task = asyncio.create_task(host.run(stop))
    try:
        async with HubClient(hub.url, "kiosk-1", "kiosk-secret") as kiosk, \
                HubClient(hub.url, "admin-1", "admin-secret") as admin:
            await until(lambda: host.drivers[1].client.connected
                        and host.watcher.state is not None)
            yield Desk(keypad, host, kiosk, admin)
    finally:
        stop.set()
        await task
        bus.stop()


# -- the codec: every action with and without a number -------------------------------------


@pytest.mark.parametrize(("action", "digits", "data"), [
    ("call_back", "", "030f"), ("call_back", "7", "03070f"), ("call_back", "12", "0301020f"),
    ("skip", "", "060f"), ("hang", "", "000f"), ("enter", "1001", "010000010f"),
    ("transfer", "2", "0213"), ("pause", "3", "0312"), ("call_next", "", "0c"),
])
def test_the_twin_sends_what_the_host_reads(action: str, digits: str, data: str) -> None:
    frame = action_frame(KEYPAD, 1, action, digits)
    assert frame.data.hex() == data
    decoded = action_from_frame(KEYPAD, frame)
    assert decoded is not None and (decoded.action, decoded.digits) == (action, digits)


def test_a_number_after_a_function_that_takes_none_is_refused() -> None:
    with pytest.raises(ValueError, match="takes no number"):
        action_frame(KEYPAD, 1, "skip", "7")


# -- each action on the twin, through the host, at the hub -------------------------------


async def test_sign_in_and_out_by_staff_number(desk: Desk) -> None:
    await desk.press("enter", "1001", then=lambda: desk.window() is not None
                     and desk.window().staff == "1001")
    desk.keypad.press_code(0x0E)  # cancel: another frame, so the next is no bounce
    await desk.press("enter", "1001", then=lambda: desk.window().staff is None)


async def test_a_staff_id_with_letters_signs_in_and_out_by_its_digits(desk: Desk) -> None:
    # the shipped Dongxiang hall numbers its clerks DX1001…: a keypad has digits only
    await desk.press("enter", "1002", then=lambda: desk.window() is not None
                     and desk.window().staff == "DX1002")
    desk.keypad.press_code(0x0E)
    await desk.press("enter", "1002", then=lambda: desk.window().staff is None)


async def test_a_staff_number_that_begins_with_the_call_back_digit_signs_in(desk: Desk) -> None:
    await desk.press("enter", "3001", then=lambda: desk.window() is not None
                     and desk.window().staff == "3001")


async def test_call_next_is_refused_with_a_beep_and_a_warning_before_sign_in(
    desk: Desk, caplog: pytest.LogCaptureFixture,
) -> None:
    await desk.kiosk.request("take_ticket", service="A")
    with caplog.at_level(logging.WARNING):
        await desk.press("call_next", then=lambda: desk.keypad.beeps >= 1)
        await until(lambda: "not_signed_in" in caplog.text)
    record = next(r for r in caplog.records if "not_signed_in" in r.getMessage())
    assert record.levelno == logging.WARNING and "window 1: call_next refused" in \
        record.getMessage()


async def test_another_clerks_number_is_refused_with_a_beep(
    desk: Desk, caplog: pytest.LogCaptureFixture,
) -> None:
    await desk.admin.request("sign_in", window=1, staff="1001")
    with caplog.at_level(logging.WARNING):
        await desk.press("enter", "2002", then=lambda: desk.keypad.beeps >= 1)
    assert "clerk 1001 is signed in here" in caplog.text
    assert desk.window().staff == "1001"


async def test_call_next_recall_finish(desk: Desk) -> None:
    await desk.signed_in_serving()
    await desk.press("recall", then=lambda: desk.state.tickets[1].recalls == 1)
    await desk.press("finish", then=lambda: desk.number() is None)
    assert desk.state.tickets[1].status == "finished"


async def test_skip_and_hang(desk: Desk) -> None:
    await desk.signed_in_serving(3)
    await desk.press("skip", then=lambda: desk.state.tickets[1].status == "skipped")
    await desk.press("call_next", then=lambda: desk.number() == "A002")
    await desk.press("hang", then=lambda: desk.state.tickets[2].status == "skipped")


async def test_call_back_with_a_number(desk: Desk) -> None:
    await desk.signed_in_serving(3)
    await desk.press("skip", then=lambda: desk.state.tickets[1].status == "skipped")
    await desk.press("call_back", "1", then=lambda: desk.number() == "A001")


async def test_call_back_without_a_number_beeps(desk: Desk) -> None:
    await desk.signed_in_serving()
    await desk.press("call_back", then=lambda: desk.keypad.beeps >= 1)


async def test_pause_gives_a_reason_and_toggles_with_resume(desk: Desk) -> None:
    await desk.signed_in_serving()
    await desk.press("pause", "3", then=lambda: desk.window().paused)
    assert desk.window().pause_reason == "午休"
    assert desk.number() == "A001"  # paused mid-service: the citizen stays
    await desk.press("finish", then=lambda: desk.number() is None)  # and can be finished
    await desk.press("pause", then=lambda: not desk.window().paused)
    desk.keypad.press_code(0x0E)  # cancel: another frame, so the next is no bounce
    await desk.press("pause", then=lambda: desk.window().paused)
    assert desk.window().pause_reason == "临时离开"


async def test_transfer_to_the_nth_service(desk: Desk) -> None:
    await desk.signed_in_serving()
    await desk.press("transfer", "2", then=lambda: desk.state.tickets[1].service == "B")


async def test_transfer_to_a_service_that_does_not_exist_beeps(
    desk: Desk, caplog: pytest.LogCaptureFixture,
) -> None:
    await desk.signed_in_serving()
    with caplog.at_level(logging.WARNING):
        await desk.press("transfer", "9", then=lambda: desk.keypad.beeps >= 1)
    assert "no such service" in caplog.text


async def test_ask_rating_is_a_special_call(desk: Desk) -> None:
    async with HubClient(desk.admin.url, "display-1", "display-secret",
                         keep_events=True) as display:
        await desk.signed_in_serving()
        await desk.press("ask_rating")
        async with asyncio.timeout(10):
            while (event := await display.events.get()).kind != "announcement":
                pass
    assert event.data["call"] == "rating" and event.data["window"] == 1


async def test_cancel_sends_nothing_and_a_stray_number_beeps(
    desk: Desk, caplog: pytest.LogCaptureFixture,
) -> None:
    await desk.signed_in_serving()
    seq = desk.admin.seq
    desk.keypad.press_code(0x0E)  # cancel: the keypad clears its own entry
    with caplog.at_level(logging.WARNING):
        desk.keypad.press_code(0x0F, "12")  # a number while a clerk is in: not theirs
        await until(lambda: desk.keypad.beeps >= 1)
    assert desk.admin.seq == seq


async def test_a_key_while_the_hub_is_down_beeps_and_says_so_at_once(
    hub: Hub, desk: Desk, caplog: pytest.LogCaptureFixture,
) -> None:
    await hub.stop()
    await until(lambda: not desk.host.drivers[1].client.connected)
    with caplog.at_level(logging.WARNING):
        await desk.press("call_next", then=lambda: desk.keypad.beeps >= 1)
    assert "call_next not sent: not connected to the hub" in caplog.text
