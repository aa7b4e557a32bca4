"""``jiaohao devices serve`` against a real hub with pty twins of keypads, bars and a pad."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devices.host import (
    CallerEntry,
    DeviceHost,
    HostConfig,
    HostConfigError,
    SerialEntry,
    load_host,
    parse_host,
)
from devices.profiles import load_keypad, load_ledbar, load_pad
from devices.virtual import VirtualBar, VirtualBus, VirtualKeypad, VirtualPad
from hall.client import HubClient
from hall.config import HallConfig
from hall.tomlfile import ConfigError
from hub.server import Hub
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import Clock, make_config
from tests.hub.conftest import db_path as db_path
from tests.hub.conftest import hub as hub


@pytest.fixture
def config() -> HallConfig:
    import dataclasses

    from hall.config import Staff

    return dataclasses.replace(make_config(), staff=(Staff("1001", "王丽"),))


async def until(predicate: Any) -> None:
    """Wait for a condition the serial threads or the hub make true."""
    async with asyncio.timeout(TIMEOUT_S):
        while not predicate():
            await asyncio.sleep(0.01)


@dataclass
class Rig:
    host: DeviceHost
    keypads: list[VirtualKeypad]
    bars: list[VirtualBar]
    pad: VirtualPad
    buses: list[VirtualBus]


@pytest.fixture
async def rig(hub: Hub) -> AsyncIterator[Rig]:
    kp, bar, pad = load_keypad("ff68-keypad"), load_ledbar("a5-sum"), load_pad("ff68-5key-screen")
    kbus, bbus, pbus = (VirtualBus(p.framing) for p in (kp, bar, pad))
    keypads = [kbus.add(VirtualKeypad(kp, address=n)) for n in (1, 2)]
    bars = [bbus.add(VirtualBar(bar, address=n)) for n in (1, 2)]
    the_pad = pbus.add(VirtualPad(pad, address=1))
    for bus in (kbus, bbus, pbus):
        bus.start()
    serial = [SerialEntry("keypad", kbus.path, kp.id, n, n) for n in (1, 2)]
    serial += [SerialEntry("ledbar", bbus.path, bar.id, n, n) for n in (1, 2)]
    serial.append(SerialEntry("pad", pbus.path, pad.id, 1, 1))
    config = HostConfig(hub.url, tuple(CallerEntry(n, f"caller-{n}", f"caller-{n}-secret")
                                       for n in (1, 2)), tuple(serial), welcome_text="欢迎")
    host = DeviceHost(config, backoff_s=(0.05, 0.2))
    stop = asyncio.Event()
    task = asyncio.create_task(host.run(stop))
    try:
        yield Rig(host, keypads, bars, the_pad, [kbus, bbus, pbus])  # type: ignore[arg-type]
    finally:
        stop.set()
        await task
        for bus in (kbus, bbus, pbus):
            bus.stop()


async def test_keypad_bar_and_pad_through_the_hub(hub: Hub, rig: Rig) -> None:
    bar1, bar2 = rig.bars
    await until(lambda: bar1.text == "欢迎" and bar2.text == "欢迎")
    async with HubClient(hub.url, "display-1", "display-secret", keep_events=True) as display, \
            HubClient(hub.url, "kiosk-1", "kiosk-secret") as kiosk:
        await kiosk.request("take_ticket", service="A")
        rig.buses[0].garbage = True  # noise on the keypads' line is dropped
        rig.keypads[0].press("call_next")
        async with asyncio.timeout(TIMEOUT_S):
            while True:
                event = await display.events.get()
                if event.kind == "ticket_called":
                    break
        assert event.data["window"] == 1 and event.data["ticket"]["number"] == "A001"
        await until(lambda: "A001" in bar1.text)
        assert bar1.flashing and bar2.text == "欢迎"
        await until(lambda: rig.keypads[0].display.endswith("001"))
        rig.keypads[0].press("finish")
        await until(lambda: rig.pad.lit)
        rig.pad.press_score(5)
        async with asyncio.timeout(TIMEOUT_S):
            while True:
                event = await display.events.get()
                if event.kind == "rating_recorded":
                    break
        assert event.data["number"] == "A001" and event.data["window"] == 1
        assert event.data["score"] == 5
        await until(lambda: bar1.text == "欢迎")
        rig.keypads[0].press("ask_rating")  # a special call: the bar shows it
        await until(lambda: bar1.text.startswith("请对本次服务"))
        async with HubClient(hub.url, "caller-1", "caller-1-secret") as clerk:
            await clerk.request("sign_in", window=1, staff="1001")
            await until(lambda: rig.pad.screen == "王丽 工号1001")  # 亮牌
            await clerk.request("sign_out", window=1)
            await until(lambda: rig.pad.screen == "")
        rig.keypads[1].press("pause")
        await until(lambda: bar2.text == "暂停服务")


async def test_bars_catch_up_after_a_hub_restart(
    hub: Hub, rig: Rig, config: HallConfig, db_path: str, clock: Clock
) -> None:
    bar1 = rig.bars[0]
    await until(lambda: bar1.text == "欢迎")
    port = hub.port
    async with HubClient(hub.url, "kiosk-1", "kiosk-secret") as kiosk:
        await kiosk.request("take_ticket", service="A")
    await hub.stop()
    again = Hub(config, db_path, port=port, clock=clock)
    await again.start()
    try:
        async with HubClient(again.url, "admin-1", "admin-secret") as admin:
            await admin.request("call_next", window=1)
        await until(lambda: "A001" in bar1.text)  # no stale welcome after the restart
    finally:
        await again.stop()


async def test_unplug_mid_rating_rates_nothing(hub: Hub, rig: Rig) -> None:
    async with HubClient(hub.url, "kiosk-1", "kiosk-secret") as kiosk, \
            HubClient(hub.url, "display-1", "display-secret", keep_events=True) as display:
        await kiosk.request("take_ticket", service="A")
        rig.keypads[0].press("call_next")
        await until(lambda: "A001" in rig.bars[0].text)
        rig.keypads[0].press("finish")
        await until(lambda: rig.pad.lit)
        pad_bus = rig.buses[2]
        link = rig.host.links[pad_bus.path]
        pad_bus.unplug()
        await until(lambda: not link.online)
        pad_bus.replug()
        await until(lambda: link.online)
        rig.pad.press_score(1)  # answers a request the host no longer holds
        await kiosk.request("take_ticket", service="A")
        rig.keypads[0].press("call_next")
        await until(lambda: "A002" in rig.bars[0].text)
        kinds = []
        while not display.events.empty():
            kinds.append(display.events.get_nowait().kind)
        assert "rating_recorded" not in kinds


def test_station_file_mistakes_are_refused() -> None:
    base = {"station": {"hub": "ws://h:1"},
            "caller": [{"window": 1, "device": "caller-1", "token": "t"}]}
    with pytest.raises(HostConfigError, match="window 2 has no"):
        parse_host({**base, "serial": [
            {"kind": "ledbar", "port": "/dev/x", "profile": "a5-sum", "window": 2}]})
    with pytest.raises(HostConfigError, match="listed twice"):
        parse_host({**base, "serial": [
            {"kind": "ledbar", "port": "/dev/x", "profile": "a5-sum", "window": 1,
             "address": 1}] * 2})
    with pytest.raises(HostConfigError, match="kind"):
        parse_host({**base, "serial": [
            {"kind": "printer", "port": "/dev/x", "profile": "a5-sum", "window": 1}]})


def test_one_bus_is_driven_by_one_program() -> None:
    from devices.link import open_serial

    profile = load_ledbar("a5-sum")
    with VirtualBus(profile.framing) as bus:
        first = open_serial(bus.path, profile.serial, 0.1)
        try:
            with pytest.raises(OSError, match="exclusively lock"):
                open_serial(bus.path, profile.serial, 0.1)
        finally:
            first.close()


async def _rated_event(display: HubClient) -> Any:
    async with asyncio.timeout(TIMEOUT_S):
        while True:
            event = await display.events.get()
            if event.kind == "rating_recorded":
                return event


async def _serve(rig: Rig, kiosk: HubClient, number: str) -> None:
    await kiosk.request("take_ticket", service="A")
    rig.keypads[0].press("call_next")
    await until(lambda: number in rig.bars[0].text)
    rig.keypads[0].press("finish")
    await until(lambda: rig.pad.lit)


async def test_a_bad_rating_on_a_screen_pad_asks_why_and_sends_the_reason(
    hub: Hub, rig: Rig,
) -> None:
    from devices.ratings import REASON_PROMPT

    async with HubClient(hub.url, "kiosk-1", "kiosk-secret") as kiosk, \
            HubClient(hub.url, "display-1", "display-secret", keep_events=True) as display:
        await _serve(rig, kiosk, "A001")
        card = rig.pad.screen
        rig.pad.press_score(1)
        await until(lambda: rig.pad.screen == REASON_PROMPT and rig.pad.lit)
        assert not hub.engine.cases  # not rated yet: the pad is asking why
        rig.pad.press_score(5)  # the first reason: 等候时间长
        event = await _rated_event(display)
        assert (event.data["number"], event.data["score"], event.data["reason"]) == (
            "A001", 1, "等候时间长")
        await until(lambda: rig.pad.screen == card)  # the clerk's card again
        assert hub.engine.cases[1]["reason"] == "等候时间长"


async def test_a_reason_step_cut_short_still_records_the_rating_without_one(
    hub: Hub, rig: Rig,
) -> None:
    from devices.ratings import REASON_PROMPT

    async with HubClient(hub.url, "kiosk-1", "kiosk-secret") as kiosk, \
            HubClient(hub.url, "display-1", "display-secret", keep_events=True) as display:
        await _serve(rig, kiosk, "A001")
        rig.pad.press_score(2)
        await until(lambda: rig.pad.screen == REASON_PROMPT and rig.pad.lit)
        pad_bus = rig.buses[2]
        link = rig.host.links[pad_bus.path]
        pad_bus.unplug()  # mid-reason: the rating must not be lost nor misattributed
        event = await _rated_event(display)
        assert (event.data["number"], event.data["score"]) == ("A001", 2)
        assert "reason" not in event.data
        pad_bus.replug()
        await until(lambda: link.online)
        rig.pad.press_score(4)  # a stray key after the replug rates nothing
        await _serve(rig, kiosk, "A002")
        rig.pad.press_score(5)
        second = await _rated_event(display)
        assert (second.data["number"], second.data["score"]) == ("A002", 5)


async def test_a_photo_pad_shows_the_signed_in_clerks_photo_again_after_a_replug(
    hub: Hub, tmp_path: Any,
) -> None:
    from PIL import Image, ImageDraw

    from devices.pad import photo_raster

    folder = tmp_path / "photos"
    folder.mkdir()
    face = Image.new("RGB", (300, 400), "white")
    ImageDraw.Draw(face).ellipse((60, 60, 240, 300), fill="black")
    face.save(folder / "1001.png")
    profile = load_pad("ff68-5key-photo")
    bus = VirtualBus(profile.framing)
    pad = bus.add(VirtualPad(profile, address=1))
    bus.start()
    config = HostConfig(hub.url, (CallerEntry(1, "caller-1", "caller-1-secret"),),
                        (SerialEntry("pad", bus.path, profile.id, 1, 1),), photos=folder)
    host = DeviceHost(config, backoff_s=(0.05, 0.2))
    stop = asyncio.Event()
    task = asyncio.create_task(host.run(stop))
    try:
        async with HubClient(hub.url, "caller-1", "caller-1-secret") as caller:
            await caller.request("sign_in", window=1, staff="1001")
            expected = photo_raster(str(folder / "1001.png"), 64, 80)
            await until(lambda: pad.photo == expected and "王丽" in pad.screen)
            assert any(expected)  # the face is there, not a blank picture
            shown = pad.photos_shown
            link = host.links[bus.path]
            bus.unplug()
            await until(lambda: not link.online)
            bus.replug()
            await until(lambda: link.online and pad.photos_shown > shown)
            assert pad.photo == expected
            await caller.request("sign_out", window=1)
            await until(lambda: pad.photo == bytes(640) and pad.screen == "")
    finally:
        stop.set()
        await task
        bus.stop()


def test_photo_frames_round_trip_and_refuse_a_wrong_size() -> None:
    from devices.pad import PhotoPart, command_from_frame, photo_frames

    profile = load_pad("ff68-5key-photo")
    raster = bytes(range(256)) * 2 + bytes(128)
    frames = photo_frames(profile, 1, raster)
    parts = [command_from_frame(profile, f) for f in frames]
    assert all(isinstance(p, PhotoPart) for p in parts) and len(parts) == 4
    assert b"".join(p.data for p in parts if isinstance(p, PhotoPart)) == raster
    with pytest.raises(ValueError, match="640 bytes"):
        photo_frames(profile, 1, b"\x00" * 10)
    with pytest.raises(ValueError, match="no photo"):
        photo_frames(load_pad("ff68-5key-screen"), 1, raster)


def test_station_file_mistakes_are_listed_with_file_and_key(tmp_path: Path) -> None:
    station = tmp_path / "host.toml"
    station.write_text('[station]\nhub = 5\n[[caller]]\nwindow = "one"\ndevice = "c"\n'
                       'token = "t"\n[[serial]]\nkind = "ledbar"\nport = "/dev/x"\n'
                       'profile = "a5-sum"\nwindow = 1\naddress = "7"\n'
                       '[host]\nrating_timeout_s = 0\n', encoding="utf-8")
    with pytest.raises(HostConfigError) as caught:
        load_host(station)
    error = caught.value
    assert isinstance(error, ConfigError)
    assert {(p.key, p.message) for p in error.problems} == {
        ("station.hub", "must be a string, not an integer"),
        ("caller[0].window", "must be an integer, not a string"),
        ("serial[0].window", "window 1 has no [[caller]] entry"),
        ("serial[0].address", "must be an integer (the device's bus address), not a string"),
        ("host.rating_timeout_s", "must be 1-255 seconds"),
    }
    assert all(p.file == str(station) for p in error.problems)
    assert str(error).splitlines()[0] == f"{station}: station.hub: must be a string, not an integer"


def test_a_station_file_that_is_not_toml_names_the_line(tmp_path: Path) -> None:
    station = tmp_path / "host.toml"
    station.write_text('[station]\nhub = "ws://h:1"\n[[caller]\n', encoding="utf-8")
    with pytest.raises(HostConfigError) as caught:
        load_host(station)
    assert caught.value.key == "line 3, column 9"
    assert caught.value.message.startswith("not valid TOML")
    with pytest.raises(HostConfigError, match="cannot read"):
        load_host(tmp_path / "missing.toml")
