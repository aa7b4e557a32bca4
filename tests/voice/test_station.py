"""The headless announcer against a real hub: calls and recalls spoken, each its own."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from hall.client import HubClient
from hub.server import Hub
from tests.conftest import TIMEOUT_S, FakeClock
from tests.hub.conftest import Clock, make_config
from voice.backends import RecordingBackend
from voice.station import Station


async def test_station_speaks_calls_and_recalls(tmp_path: Path) -> None:
    config = make_config()
    clock = FakeClock()
    hub = Hub(config, str(tmp_path / "queue.db"), port=0, clock=clock)
    await hub.start()
    backend = RecordingBackend()
    station = Station(hub.url, "display-1", "display-secret", backend, clock=clock)
    kiosk = HubClient(hub.url, "kiosk-1", "kiosk-secret", subscribe=False)
    caller = HubClient(hub.url, "caller-1", "caller-1-secret", subscribe=False)
    try:
        await station.start(TIMEOUT_S)
        await kiosk.connect(TIMEOUT_S)
        await caller.connect(TIMEOUT_S)
        service = config.windows[0].services[0]
        first = await kiosk.request("take_ticket", service=service)
        await kiosk.request("take_ticket", service=service)
        await caller.request("call_next", window=1)
        assert await asyncio.to_thread(backend.wait_for, 1, TIMEOUT_S)
        await caller.request("recall", window=1)  # after the call was said: said again
        assert await asyncio.to_thread(backend.wait_for, 2, TIMEOUT_S)
        await caller.request("call_next", window=1)
        assert await asyncio.to_thread(backend.wait_for, 3, TIMEOUT_S)
    finally:
        await caller.close()
        await kiosk.close()
        await station.close()
        await hub.stop()
    number = first["ticket"]["number"]
    spoken = [(s.number, s.window) for s in backend.spoken]
    assert spoken[0] == (number, 1) and spoken[1] == (number, 1)  # called, recalled
    assert spoken[2][0] != number and len(spoken) == 3
    assert all("一号窗口" in s.text or "到一号" in s.text for s in backend.spoken)


async def test_station_says_special_calls_of_its_zone_in_their_own_words(tmp_path: Path) -> None:
    import dataclasses

    from hall.config import Speaker

    config = make_config()
    voice = dataclasses.replace(config.voice, speakers=(Speaker("tax-floor", ("tax",)),))
    config = dataclasses.replace(config, voice=voice)
    clock = FakeClock()
    hub = Hub(config, str(tmp_path / "queue.db"), port=0, clock=clock)
    await hub.start()
    backend = RecordingBackend()
    station = Station(hub.url, "display-1", "display-secret", backend, clock=clock,
                      speaker="tax-floor", settle_s=0)
    far = HubClient(hub.url, "caller-62", "caller-62-secret", subscribe=False)  # social only
    near = HubClient(hub.url, "caller-3", "caller-3-secret", subscribe=False)
    try:
        await station.start(TIMEOUT_S)
        await far.connect(TIMEOUT_S)
        await near.connect(TIMEOUT_S)
        await far.request("announce", window=62, call="manager")
        await near.request("announce", window=3, call="manager")
        assert await asyncio.to_thread(backend.wait_for, 1, TIMEOUT_S)
        assert await asyncio.to_thread(station.player.wait_idle, TIMEOUT_S)  # type: ignore[union-attr]
    finally:
        await near.close()
        await far.close()
        await station.close()
        await hub.stop()
    assert [s.text.split(" / ")[0] for s in backend.spoken] == ["请大堂经理到三号窗口"]


async def test_the_station_says_at_start_whether_calls_will_be_heard(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    from voice.cli import main

    monkeypatch.setenv("PATH", str(tmp_path))  # a fresh PC: no player installed
    monkeypatch.setenv("JIAOHAO_TOKEN", "wrong")
    hub = Hub(make_config(), str(tmp_path / "queue.db"), port=0, clock=Clock())
    await hub.start()
    try:  # a wrong token: refused at once, after the start-up words
        code = await asyncio.to_thread(main, ["station", "--hub", hub.url, "--device",
                                              "display-1"])
    finally:
        await hub.stop()
    assert code == 2
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "jiaohao voice: 语音播报暂不可用，请留意屏幕叫号"
    assert any("calls will NOT be heard: no audio player" in r.getMessage()
               for r in caplog.records)


async def test_a_burst_of_eight_calls_from_four_windows_is_all_said(tmp_path: Path) -> None:
    """As filed: 8 calls from 4 windows in 2 s left 3 unspoken (at most 4 waited)."""
    config = make_config()
    hub = Hub(config, str(tmp_path / "queue.db"), port=0, clock=Clock())
    await hub.start()
    backend = RecordingBackend(duration_s=0.05)  # each call "takes" a while: a backlog
    station = Station(hub.url, "display-1", "display-secret", backend, clock=Clock())
    kiosk = HubClient(hub.url, "kiosk-1", "kiosk-secret", subscribe=False)
    callers = [HubClient(hub.url, f"caller-{n}", f"caller-{n}-secret", subscribe=False)
               for n in (1, 2, 3, 4)]
    try:
        await station.start(TIMEOUT_S)
        await kiosk.connect(TIMEOUT_S)
        for _ in range(8):
            await kiosk.request("take_ticket", service="A")
        for caller in callers:
            await caller.connect(TIMEOUT_S)
        for _ in range(2):
            await asyncio.gather(*(c.request("call_next", window=n)
                                   for n, c in enumerate(callers, start=1)))
        assert await asyncio.to_thread(backend.wait_for, 8, TIMEOUT_S)
        assert await asyncio.to_thread(station.player.wait_idle, TIMEOUT_S)  # type: ignore[union-attr]
    finally:
        for caller in callers:
            await caller.close()
        await kiosk.close()
        await station.close()
        await hub.stop()
    assert sorted(s.number for s in backend.spoken) == [f"A{n:03d}" for n in range(1, 9)]


async def test_calls_missed_in_a_long_outage_are_not_said_late_a_short_one_is(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config, db = make_config(), str(tmp_path / "queue.db")
    clock = Clock()
    backend = RecordingBackend()

    async def calls_while_the_station_is_away(count: int) -> None:
        """The hub runs elsewhere (another port) while the station cannot reach it."""
        away = Hub(config, db, port=0, clock=Clock())
        await away.start()
        async with HubClient(away.url, "kiosk-1", "kiosk-secret", subscribe=False) as kiosk, \
                HubClient(away.url, "caller-1", "caller-1-secret", subscribe=False) as caller:
            for _ in range(count):
                await kiosk.request("take_ticket", service="A")
                await caller.request("call_next", window=1)
        await away.stop()

    caplog.set_level(logging.INFO)
    hub = Hub(config, db, port=port, clock=Clock())
    await hub.start()
    station = Station(hub.url, "display-1", "display-secret", backend, clock=clock, settle_s=0)
    try:
        await station.start(TIMEOUT_S)
        await hub.stop()
        await calls_while_the_station_is_away(2)
        clock.advance(seconds=30)  # a short outage: the missed calls are said
        hub = Hub(config, db, port=port, clock=Clock())
        await hub.start()
        assert await asyncio.to_thread(backend.wait_for, 2, 4 * TIMEOUT_S)
        await hub.stop()
        await calls_while_the_station_is_away(1)
        clock.advance(seconds=300)  # a long one: not said late
        hub = Hub(config, db, port=port, clock=Clock())
        await hub.start()
        await station.client.wait_connected(4 * TIMEOUT_S)
        async with HubClient(hub.url, "caller-2", "caller-2-secret", subscribe=False) as live, \
                HubClient(hub.url, "kiosk-1", "kiosk-secret", subscribe=False) as kiosk:
            await kiosk.request("take_ticket", service="A")
            await live.request("call_next", window=2)  # live again: said
            assert await asyncio.to_thread(backend.wait_for, 3, 4 * TIMEOUT_S)
            assert await asyncio.to_thread(station.player.wait_idle, TIMEOUT_S)  # type: ignore[union-attr]
    finally:
        await station.close()
        await hub.stop()
    assert [s.number for s in backend.spoken] == ["A001", "A002", "A004"]
    # the log accounts for every call: each said, or why not
    said = [r.getMessage() for r in caplog.records if r.name.startswith("voice.")]
    assert [m.split(" (")[0] for m in said if m.startswith(("saying", "not said"))] == [
        "saying A001 to window 1", "saying A002 to window 1",
        "not said: A003 to window 1", "saying A004 to window 2"]
    assert any(r.levelno == logging.WARNING and "A003" in r.getMessage()
               and "long outage" in r.getMessage() for r in caplog.records)


def test_a_station_takes_its_token_from_the_file_or_the_environment(tmp_path: Path) -> None:
    from hall.tomlfile import ConfigError
    from voice.cli import station_login

    file = tmp_path / "speaker.toml"
    file.write_text('[station]\nhub = "ws://hub:8765"\ndevice = "speaker-1"\n'
                    'token = "from-file"\n', encoding="utf-8")
    assert station_login(file, None, None, {}) == ("ws://hub:8765", "speaker-1", "from-file")
    assert station_login(file, "ws://other:1", "speaker-2", {"JIAOHAO_TOKEN": "env"}) == (
        "ws://other:1", "speaker-2", "from-file")
    assert station_login(None, "ws://h:1", "s", {"JIAOHAO_TOKEN": " env "}) == (
        "ws://h:1", "s", "env")
    with pytest.raises(ConfigError) as caught:
        station_login(None, "ws://h:1", "s", {})
    assert (caught.value.key, caught.value.message) == (
        "station.token", "is required here or in the JIAOHAO_TOKEN environment variable")
    with pytest.raises(ConfigError, match=r"station\.hub: is required"):
        station_login(None, "http://h:1", "s", {"JIAOHAO_TOKEN": "t"})
    file.write_text('[station]\nhub = "ws://hub:8765"\ndevice = 7\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"station\.device: must be text"):
        station_login(file, None, None, {"JIAOHAO_TOKEN": "t"})
