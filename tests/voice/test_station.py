"""The headless announcer against a real hub: calls and recalls spoken, each its own."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hall.client import HubClient
from hub.server import Hub
from tests.conftest import TIMEOUT_S, FakeClock
from tests.hub.conftest import make_config
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
