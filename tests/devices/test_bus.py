"""Links over real ptys: a shared RS-485 bus, keypads, LED bars, faults, pyserial URLs."""

from __future__ import annotations

import dataclasses

import pytest

from devices.events import DeviceOnline, KeyAction, PressIgnored, RatingGiven, SendFailed
from devices.framing import Frame
from devices.keypad import Beep, Keypad, RawCells
from devices.ledbar import BarClear, BarText, LedBar
from devices.link import SerialLink
from devices.pad import Pad
from devices.profiles import load_keypad, load_ledbar, load_pad
from devices.virtual import VirtualBar, VirtualKeypad, VirtualPad
from tests.conftest import TIMEOUT_S
from tests.devices.helpers import Events, bus_and_link, wait_until


def test_eight_bars_on_one_bus_each_get_only_their_frames() -> None:
    profile = load_ledbar("a5-sum")
    with bus_and_link(profile) as (bus, link, events):
        twins = [bus.add(VirtualBar(profile, address)) for address in range(1, 9)]
        bars = [LedBar(link, profile, address) for address in range(1, 9)]
        link.start()
        events.expect(DeviceOnline)
        for bar in bars:
            bar.show_text(f"请A00{bar.address}号")
        for twin in twins:
            assert twin.wait_received(1, TIMEOUT_S)
            assert twin.received == [BarText(f"请A00{twin.address}号")]
            assert all(frame.address == twin.address for frame in twin.frames)
            # it heard the others' frames on the bus and kept out of them
            assert twin.wait_for(lambda t=twin: t.overheard == 7, TIMEOUT_S)
        bars[4].show_paused()
        assert twins[4].wait_for(lambda: twins[4].text == "暂停服务", TIMEOUT_S)
        bars[0].clear()
        assert twins[0].wait_for(lambda: twins[0].received[-1] == BarClear(), TIMEOUT_S)
        assert [len(t.received) for t in twins] == [2, 1, 1, 1, 2, 1, 1, 1]


def test_pads_and_keypads_share_a_bus_by_address() -> None:
    pad_profile, keypad_profile = load_pad("ff68-4key"), load_keypad("ff68-keypad")
    with bus_and_link(pad_profile) as (bus, link, events):
        pad_twins = [bus.add(VirtualPad(pad_profile, a)) for a in (1, 2, 3, 4)]
        key_twins = [bus.add(VirtualKeypad(keypad_profile, a)) for a in (11, 12, 13, 14)]
        pads = {a: Pad(link, pad_profile, a) for a in (1, 2, 3, 4)}
        keypads = {a: Keypad(link, keypad_profile, a) for a in (11, 12, 13, 14)}
        link.start()
        requests = {a: pad.request_rating(TIMEOUT_S * 3) for a, pad in pads.items()}
        for a, keypad in keypads.items():
            keypad.show(f"A0{a}", a - 10)
        for twin, score in zip(pad_twins, (5, 4, 3, 2), strict=True):
            assert twin.wait_for(lambda t=twin: t.lit, TIMEOUT_S)
            twin.press_score(score)
        given = {e.address: e for e in (events.expect(RatingGiven) for _ in range(4))}
        assert {a: (g.request_id, g.score) for a, g in given.items()} == {
            1: (requests[1], 5), 2: (requests[2], 4), 3: (requests[3], 3), 4: (requests[4], 2)
        }
        for twin in key_twins:
            n = twin.address
            assert twin.wait_for(lambda t=twin, n=n: t.display == f"  {n - 10}0{n}", TIMEOUT_S)
            assert all(f.address == n for f in twin.frames)
            twin.press("call_next")
            assert events.expect(KeyAction) == KeyAction(n, "call_next")


def test_keypad_actions_display_beep_and_restore_after_replug() -> None:
    profile = load_keypad("ff68-keypad")
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualKeypad(profile, 2))
        keypad = Keypad(link, profile, 2)
        link.start()
        events.expect(DeviceOnline)  # keys pressed before the port opens are lost
        for action, digits in [("call_next", ""), ("recall", ""), ("skip", ""),
                               ("finish", ""), ("pause", ""), ("transfer", "3"),
                               ("enter", "105"), ("hang", ""), ("call_back", "")]:
            twin.press(action, digits)
            assert events.expect(KeyAction) == KeyAction(2, action, digits)
        keypad.show("A001", 12)
        keypad.beep()
        assert twin.wait_for(lambda: twin.beeps == 1, TIMEOUT_S)
        assert twin.display == " 12001"
        assert wait_until(lambda: link.stats.acks >= 2)  # the keypad echoed both
        bus.unplug()
        twin.cells = (profile.blank,) * profile.cells
        bus.replug()
        events.expect(DeviceOnline, where=lambda e: e.outage_s > 0)
        assert twin.wait_for(lambda: twin.display == " 12001", TIMEOUT_S)
        assert Beep() in twin.received and isinstance(twin.received[-1], RawCells)


def test_keypad_repeat_of_an_unconfirmed_frame_is_dropped() -> None:
    profile = load_keypad("ff68-keypad")
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualKeypad(profile, 2))
        Keypad(link, profile, 2)
        link.start()
        events.expect(DeviceOnline)
        twin.press("call_next")
        twin.press("call_next")  # the keypad resends: bounce window drops it
        twin.press("recall")
        assert events.expect(KeyAction).action == "call_next"
        assert events.expect(KeyAction).action == "recall"
        assert not events.of(KeyAction)


def test_bar_flashes_a_call_then_shows_it_steady() -> None:
    profile = dataclasses.replace(load_ledbar("a5-sum"), flash_s=0.2)
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualBar(profile, 1))
        bar = LedBar(link, profile, 1)
        link.start()
        events.expect(DeviceOnline)
        bar.show_call("A001")
        assert twin.wait_received(2, TIMEOUT_S)
        assert twin.received[:2] == [BarText("请A001号", True), BarText("请A001号", False)]
        assert not twin.flashing


def test_bar_confirmations_and_retries() -> None:
    profile = load_ledbar("55aa-crc")
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualBar(profile, 1))
        bar = LedBar(link, profile, 1)
        link.start()
        events.expect(DeviceOnline)  # (a bar is told its text again whenever the port opens)
        bar.show_call("A001", 3)
        assert twin.wait_for(lambda: twin.text == "请A001号到3号窗口", TIMEOUT_S)
        assert not twin.flashing  # this model cannot flash
        assert wait_until(lambda: link.stats.acks == 1)
        twin.faults.no_ack = True
        bar.show_welcome()
        failed = events.expect(SendFailed)
        assert failed == SendFailed(1, profile.text.func, "no confirmation")
        retries = profile.device_ack.retries
        assert len(twin.received) == 1 + 1 + retries  # first text, then welcome sent 1+retries
        assert link.stats.retries == retries
        twin.faults.no_ack = False
        bar.show_paused()
        assert twin.wait_for(lambda: twin.text == "暂停服务", TIMEOUT_S)
        assert wait_until(lambda: link.stats.acks == 2)


def test_silent_device_fails_sends_and_says_nothing() -> None:
    profile = load_keypad("ff68-keypad")
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualKeypad(profile, 2))
        twin.faults.silent = True
        keypad = Keypad(link, profile, 2)
        link.start()
        keypad.beep()
        assert events.expect(SendFailed).reason == "no confirmation"
        twin.press("call_next")
        assert twin.beeps == 0 and not twin.received


@pytest.mark.parametrize("pid", ["ff68-4key", "stx-5key"])
@pytest.mark.parametrize("fault", ["bad_checksum", "garbage", "slow"])
def test_faulty_lines_drop_what_is_broken_and_keep_what_is_whole(fault: str, pid: str) -> None:
    profile = load_pad(pid)
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualPad(profile, 1))
        pad = Pad(link, profile, 1)
        link.start()
        events.expect(DeviceOnline)
        if fault == "bad_checksum":
            twin.faults.bad_checksum = True
            twin.press_score(5)
            assert wait_until(lambda: link.stats.dropped_bytes > 0)
            twin.faults.bad_checksum = False
        elif fault == "garbage":
            bus.garbage = True
        else:
            bus.slow_s = 0.03
        pad.request_rating(TIMEOUT_S * 3)
        assert twin.wait_for(lambda: twin.lit, TIMEOUT_S)
        twin.press_score(4)
        assert events.expect(RatingGiven).score == 4
        assert not events.of(PressIgnored)
        if fault == "garbage":
            assert link.stats.dropped_bytes > 0


def test_link_opens_a_pyserial_url() -> None:
    # loop:// hands back what is written: to the link that is a device echoing each frame
    profile = load_keypad("ff68-keypad")
    events = Events()
    with SerialLink.for_profile("loop://", profile, events=events.queue) as link:
        keypad = Keypad(link, profile, 2)
        events.expect(DeviceOnline)
        keypad.show("A007")
        assert wait_until(lambda: link.stats.acks == 1)
        assert not events.of(SendFailed)


def test_attach_refuses_clashes() -> None:
    pad_profile = load_pad("ff68-4key")
    link = SerialLink.for_profile("loop://", pad_profile)
    Pad(link, pad_profile, 1)
    with pytest.raises(ValueError, match="taken"):
        Pad(link, pad_profile, 1)
    with pytest.raises(ValueError, match="frame format"):
        Pad(link, load_pad("stx-5key"), 2)
    bar = load_ledbar("a5-sum")
    fast = dataclasses.replace(bar, serial=dataclasses.replace(bar.serial, baudrate=19200))
    with pytest.raises(ValueError, match="needs 19200"):
        LedBar(SerialLink.for_profile("loop://", bar), fast, 1)
    with pytest.raises(ValueError):
        link.send(Frame(300, 1))


def test_a_failing_device_does_not_take_the_bus_down() -> None:
    from devices.link import BusDevice

    class Broken(BusDevice):
        def on_frame(self, frame: Frame, now: float) -> None:
            raise RuntimeError("bug")

    profile = load_pad("ff68-4key")
    with bus_and_link(profile) as (bus, link, events):
        broken_twin = bus.add(VirtualPad(profile, 9))
        twin = bus.add(VirtualPad(profile, 1))
        Broken(link, profile, 9)
        pad = Pad(link, profile, 1)
        link.start()
        events.expect(DeviceOnline)
        broken_twin.press("03")
        pad.request_rating(TIMEOUT_S * 3)
        assert twin.wait_for(lambda: twin.lit, TIMEOUT_S)
        twin.press("03")
        assert events.expect(RatingGiven).score == 5
        assert link.stats.reconnects == 0


def test_a_call_shown_before_the_port_opens_still_flashes() -> None:
    profile = dataclasses.replace(load_ledbar("a5-sum"), flash_s=TIMEOUT_S * 3)
    with bus_and_link(profile) as (bus, link, events):
        twin = bus.add(VirtualBar(profile, 1))
        bar = LedBar(link, profile, 1)
        bus.unplug()
        link.start()
        bar.show_call("A002")  # queued while the port is missing: fails "offline"
        events.expect(SendFailed)
        bus.replug()
        events.expect(DeviceOnline)
        assert twin.wait_for(lambda: twin.text == "请A002号", TIMEOUT_S)
        assert twin.flashing  # the bar is told again, still within flash_s
