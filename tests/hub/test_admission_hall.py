"""Admission over real sockets: a device host PC serving a whole big hall is admitted
with the shipped defaults, while a stranger trickling sockets from one address is held
to its cap before the handshake and cut off at the header deadline (hub/admission.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

from hall.config import ConnectionLimits, Device, HallConfig, Role, Window, load_config
from hub.server import Hub
from hub.settings import HubSettings
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import Clock, make_config

BIG_HALL = 190
GUEST = "127.0.0.9"  # another loopback address: the guest network's NAT


def big_hall() -> HallConfig:
    """The test hall grown to 190 windows, a caller device for each."""
    base = make_config()
    windows = [*base.windows, *(Window(n, f"{n}号窗口", (("A",),))
                                for n in range(len(base.windows) + 1, BIG_HALL + 1))]
    devices = [*base.devices, *(Device(f"caller-{n}", Role.CALLER, token=f"caller-{n}-secret",
                                       window=n)
                                for n in range(len(base.windows) + 1, BIG_HALL + 1))]
    return replace(base, windows=tuple(windows), devices=tuple(devices))


async def said_hello(url: str, device: str, token: str) -> ClientConnection:
    ws = await connect(url, open_timeout=TIMEOUT_S, max_size=None)
    await ws.send(json.dumps({"type": "hello", "device": device, "token": token,
                              "protocol": 1}))
    welcome = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT_S))
    assert welcome["type"] == "welcome", welcome
    return ws


async def until(predicate: Callable[[], bool]) -> None:
    async with asyncio.timeout(TIMEOUT_S):
        while not predicate():
            await asyncio.sleep(0.01)


async def test_one_device_host_pc_serves_150_windows_and_a_kiosk_with_the_defaults(
    tmp_path: Path, clock: Clock
) -> None:
    hub = Hub(big_hall(), str(tmp_path / "q.db"), port=0, clock=clock)
    await hub.start()
    try:
        # All at once, as `jiaohao devices serve` brings its windows up.
        opened = await asyncio.gather(
            *(said_hello(hub.url, f"caller-{n}", f"caller-{n}-secret") for n in range(1, 151)),
            said_hello(hub.url, "kiosk-1", "kiosk-secret"))
        assert len(opened) == 151 and hub.connections == 151
        assert hub.gate.opening("127.0.0.1") == 0  # past hello they count per device
        for ws in opened:
            await ws.close()
    finally:
        await hub.stop()


async def test_a_trickling_guest_address_does_not_keep_the_hall_out(
    tmp_path: Path, clock: Clock
) -> None:
    """950 trickling sockets against a hub with ~860 sockets to give (ulimit -n 1024),
    scaled down: 300 against 300. The stranger keeps at most opening_per_address of
    them; a kiosk reconnecting from the hall's own network is admitted at once."""
    hub = Hub(make_config(), str(tmp_path / "q.db"), port=0, clock=clock,
              settings=HubSettings(max_sockets=300))
    await hub.start()
    held = []
    try:
        for _ in range(300):
            _, writer = await asyncio.open_connection("127.0.0.1", hub.port,
                                                      local_addr=(GUEST, 0))
            writer.write(b"GET / HTTP/1.1\r\nHost: hub\r\n")  # and never the blank line
            held.append(writer)
        limit = hub.gate.limits.opening_per_address
        await until(lambda: hub.gate.opening(GUEST) == limit)
        kiosk = await said_hello(hub.url, "kiosk-1", "kiosk-secret")
        await kiosk.close()
        assert hub.gate.opening(GUEST) == limit
    finally:
        for writer in held:
            writer.close()
        await hub.stop()


async def test_a_handshake_that_trickles_past_the_header_deadline_is_cut_off(
    tmp_path: Path, clock: Clock
) -> None:
    hub = Hub(make_config(), str(tmp_path / "q.db"), port=0, clock=clock,
              settings=HubSettings(handshake_timeout_s=0.3))
    await hub.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", hub.port)
        writer.write(b"GET / HTTP/1.1\r\nHost: hub\r\n")
        assert await asyncio.wait_for(reader.read(), TIMEOUT_S) == b""  # closed by the hub
        writer.close()
        await until(lambda: hub.gate.opening("127.0.0.1") == 0)
    finally:
        await hub.stop()


def test_the_limits_are_set_in_the_hall_config(tmp_path: Path) -> None:
    path = tmp_path / "hall.toml"
    path.write_text(
        '[hall]\nname = "测试"\n[[zone]]\nid = "z"\nname = "区"\n'
        '[[service]]\nid = "A"\nname = "业务"\nzone = "z"\n'
        '[[window]]\nnumber = 1\nservices = ["A"]\n'
        '[connections]\ntotal = 500\nper_device = 4\nopening_per_address = 64\n'
        'handshake_timeout_s = 3\nhello_timeout_s = 8\nrequests_per_s = 50\n'
        'request_burst = 80\n', encoding="utf-8")
    limits = load_config(path).connections
    assert limits == ConnectionLimits(total=500, per_device=4, opening_per_address=64,
                                      handshake_timeout_s=3.0, hello_timeout_s=8.0,
                                      requests_per_s=50.0, request_burst=80)
    hub = Hub(load_config(path), ":memory:", port=0, clock=Clock())
    assert (hub.gate.limits.max_connections, hub.gate.limits.opening_per_address,
            hub.handshake_timeout_s, hub.hello_timeout_s) == (500, 64, 3.0, 8.0)


def test_a_bad_connection_limit_is_a_config_error(tmp_path: Path) -> None:
    from hall.config import ConfigError

    path = tmp_path / "hall.toml"
    path.write_text(
        '[hall]\nname = "测试"\n[[zone]]\nid = "z"\nname = "区"\n'
        '[[service]]\nid = "A"\nname = "业务"\nzone = "z"\n'
        '[[window]]\nnumber = 1\nservices = ["A"]\n'
        '[connections]\nper_device = 0\nopening_per_address = "many"\nburst = 3\n',
        encoding="utf-8")
    try:
        load_config(path)
    except ConfigError as exc:
        text = "\n".join(str(p) for p in exc.problems)
    else:
        raise AssertionError("accepted")
    assert "connections.per_device" in text and "connections.opening_per_address" in text
    assert "connections.burst" in text
