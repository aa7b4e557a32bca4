"""A rating the pad confirmed is never lost: kept in a journal, sent until the hub
acknowledges it (hub down, answer lost, host restarted), counted once, and every
failure logged with its reason where ``jiaohao devices serve`` shows it."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devices.host import CallerEntry, DeviceHost, HostConfig, SerialEntry, load_host, reason
from devices.outbox import RatingOutbox
from devices.profiles import load_keypad, load_pad
from devices.virtual import VirtualBus, VirtualKeypad, VirtualPad
from hall.client import ConnectionLost, HubClient
from hall.config import HallConfig
from hub.server import Hub
from tests.devices.test_host import config as config
from tests.devices.test_host import until
from tests.hub.conftest import Clock
from tests.hub.conftest import clock as clock  # fixtures, re-exported
from tests.hub.conftest import db_path as db_path
from tests.hub.conftest import hub as hub

# -- the journal alone --------------------------------------------------------------------


def test_kept_ratings_survive_a_new_outbox_and_done_ones_do_not(tmp_path: Path) -> None:
    path = tmp_path / "host.ratings.jsonl"
    box = RatingOutbox(path)
    first = box.keep({"window": 3, "ticket": 7, "score": 5, "channel": "pad"}, "A007")
    box.keep({"window": 4, "ticket": 8, "score": 1, "channel": "pad", "reason": "其他"}, "A008")
    box.done(first, "recorded")
    again = RatingOutbox(path)
    assert [(k.number, k.fields["score"], k.fields.get("reason")) for k in again.waiting()] \
        == [("A008", 1, "其他")]
    # reopening rewrote the journal with only what waits
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1


def test_a_torn_last_line_is_skipped_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "host.ratings.jsonl"
    RatingOutbox(path).keep({"window": 1, "ticket": 1, "score": 4, "channel": "pad"}, "A001")
    with open(path, "a", encoding="utf-8") as journal:
        journal.write('{"keep":"abc","rate":{"window":1,')  # a power cut mid-write
    with caplog.at_level(logging.WARNING):
        box = RatingOutbox(path)
    assert [k.number for k in box.waiting()] == ["A001"]
    assert "line 2 is unreadable" in caplog.text
    assert "A001" in caplog.text  # the operator is told what is still to be sent


def test_the_journal_sits_beside_the_station_file(tmp_path: Path) -> None:
    station = tmp_path / "hall-pc.toml"
    station.write_text('[station]\nhub = "ws://hub:8765"\n'
                       '[[caller]]\nwindow = 1\ndevice = "caller-1"\ntoken = "t"\n',
                       encoding="utf-8")
    assert load_host(station).journal == tmp_path / "hall-pc.ratings.jsonl"
    station.write_text(station.read_text(encoding="utf-8")
                       + '[host]\nratings_journal = "spool/r.jsonl"\n', encoding="utf-8")
    assert load_host(station).journal == tmp_path / "spool" / "r.jsonl"


def test_a_failure_has_a_reason_in_words() -> None:
    """The old log line was ``window 150: rate not sent: `` (a bare TimeoutError)."""
    assert reason(TimeoutError()) == "no answer from the hub in time"
    assert reason(ConnectionLost("connection to the hub dropped")) == \
        "ConnectionLost: connection to the hub dropped"
    assert reason(OSError()) == "OSError"


# -- the host against a real hub ----------------------------------------------------------


@dataclass
class PadRig:
    host: DeviceHost
    keypad: VirtualKeypad
    pad: VirtualPad
    stop: asyncio.Event
    task: asyncio.Task[None]

    async def close(self) -> None:
        self.stop.set()
        await self.task


@dataclass
class Twins:
    keypad_bus: VirtualBus
    pad_bus: VirtualBus
    keypad: VirtualKeypad
    pad: VirtualPad


@pytest.fixture
async def buses() -> AsyncIterator[Twins]:
    kp, pad = load_keypad("ff68-keypad"), load_pad("stx-5key")
    kbus, pbus = VirtualBus(kp.framing), VirtualBus(pad.framing)
    twins = Twins(kbus, pbus, kbus.add(VirtualKeypad(kp, address=1)),  # type: ignore[arg-type]
                  pbus.add(VirtualPad(pad, address=1)))  # type: ignore[arg-type]
    for bus in (kbus, pbus):
        bus.start()
    yield twins
    for bus in (kbus, pbus):
        bus.stop()


def start_host(url: str, journal: Path, buses: Twins | None) -> PadRig:
    serial: tuple[SerialEntry, ...] = ()
    if buses is not None:
        serial = (SerialEntry("keypad", buses.keypad_bus.path, "ff68-keypad", 1, 1),
                  SerialEntry("pad", buses.pad_bus.path, "stx-5key", 1, 1))
    config = HostConfig(url, (CallerEntry(1, "caller-1", "caller-1-secret"),), serial,
                        journal=journal)
    host = DeviceHost(config, backoff_s=(0.05, 0.2))
    stop = asyncio.Event()
    task = asyncio.create_task(host.run(stop))
    keypad: Any = buses.keypad if buses else None
    pad: Any = buses.pad if buses else None
    return PadRig(host, keypad, pad, stop, task)


async def served_and_asked(hub: Hub, rig: PadRig) -> None:
    """A001 taken, called and finished at window 1 by its keypad; the pad asks."""
    async with HubClient(hub.url, "kiosk-1", "kiosk-secret") as kiosk:
        await kiosk.request("take_ticket", service="A")
    await until(lambda: rig.host.drivers[1].client.connected)
    rig.keypad.press("call_next")
    await until(lambda: (rig.host.watcher.state is not None
                         and rig.host.watcher.state.windows.get(1) is not None
                         and rig.host.watcher.state.windows[1].ticket is not None))
    rig.keypad.press("finish")
    await until(lambda: rig.pad.lit)


def ratings(hub: Hub) -> list[bool]:
    return [v.rated for t in hub.engine.state.tickets.values() for v in t.visits]


async def restarted(config: HallConfig, db_path: str, clock: Clock, port: int) -> Hub:
    again = Hub(config, db_path, port=port, clock=clock)
    await again.start()
    return again


async def test_a_rating_given_while_the_hub_is_down_arrives_once_it_returns(
    hub: Hub, config: HallConfig, db_path: str, clock: Clock, tmp_path: Path,
    buses: Twins, caplog: pytest.LogCaptureFixture,
) -> None:
    journal = tmp_path / "host.ratings.jsonl"
    rig = start_host(hub.url, journal, buses)
    again: Hub | None = None
    try:
        await served_and_asked(hub, rig)
        port = hub.port
        await hub.stop()
        await until(lambda: not rig.host.drivers[1].client.connected)
        with caplog.at_level(logging.WARNING):
            rig.pad.press_score(4)  # the pad says thank you: the citizen is done
            await until(lambda: len(rig.host.outbox) == 1)
            await until(lambda: "rating of A001" in caplog.text)
        assert "not connected to the hub" in caplog.text
        assert json.loads(journal.read_text(encoding="utf-8").splitlines()[-1])["rate"] == \
            {"window": 1, "ticket": 1, "score": 4, "channel": "pad"}
        again = await restarted(config, db_path, clock, port)
        await until(lambda: len(rig.host.outbox) == 0)
        assert ratings(again) == [True]
        scores = [r for r in again.engine.state.tickets[1].visits if r.rated]
        assert len(scores) == 1
    finally:
        await rig.close()
        if again is not None:
            await again.stop()
    assert RatingOutbox(journal).waiting() == []


async def test_a_kept_rating_is_sent_by_the_host_after_its_restart(
    hub: Hub, config: HallConfig, db_path: str, clock: Clock, tmp_path: Path,
    buses: Twins,
) -> None:
    journal = tmp_path / "host.ratings.jsonl"
    rig = start_host(hub.url, journal, buses)
    await served_and_asked(hub, rig)
    port = hub.port
    await hub.stop()
    await until(lambda: not rig.host.drivers[1].client.connected)
    rig.pad.press_score(2)
    await until(lambda: len(rig.host.outbox) == 1)
    await rig.close()  # the host PC is switched off before the hub is back
    again = await restarted(config, db_path, clock, port)
    second = start_host(again.url, journal, None)  # a new host process, same journal
    try:
        await until(lambda: ratings(again) == [True])
        await until(lambda: len(second.host.outbox) == 0)
    finally:
        await second.close()
        await again.stop()
    assert RatingOutbox(journal).waiting() == []


async def test_a_rating_resent_after_its_answer_was_lost_is_counted_once(
    hub: Hub, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    """The hub recorded it, the answer never came back, the journal still holds it: the
    host sends it again, the hub refuses the duplicate (already_rated), the journal
    lets it go, and the hall has one rating."""
    async with HubClient(hub.url, "kiosk-1", "kiosk-secret") as kiosk, \
            HubClient(hub.url, "caller-1", "caller-1-secret") as clerk, \
            HubClient(hub.url, "display-1", "display-secret", keep_events=True) as display:
        await kiosk.request("take_ticket", service="A")
        await clerk.request("call_next", window=1)
        await clerk.request("finish", window=1)
        fields = {"window": 1, "ticket": 1, "score": 5, "channel": "pad"}
        await clerk.request("rate", **fields)  # the first send, whose answer was lost
        journal = tmp_path / "host.ratings.jsonl"
        RatingOutbox(journal).keep(fields, "A001")
        with caplog.at_level(logging.INFO):
            rig = start_host(hub.url, journal, None)
            try:
                await until(lambda: len(rig.host.outbox) == 0)
            finally:
                await rig.close()
        assert "recorded already" in caplog.text
        kinds = []
        while not display.events.empty():
            kinds.append(display.events.get_nowait().kind)
        assert kinds.count("rating_recorded") == 1
    assert RatingOutbox(journal).waiting() == []


async def test_a_rating_the_hub_can_never_take_is_logged_as_an_error_and_let_go(
    hub: Hub, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    journal = tmp_path / "host.ratings.jsonl"
    RatingOutbox(journal).keep({"window": 1, "ticket": 99, "score": 3, "channel": "pad"}, "A099")
    with caplog.at_level(logging.WARNING):
        rig = start_host(hub.url, journal, None)
        try:
            await until(lambda: len(rig.host.outbox) == 0)
        finally:
            await rig.close()
    record = next(r for r in caplog.records if "refused by the hub" in r.getMessage())
    assert record.levelno == logging.ERROR and "unknown_ticket" in record.getMessage()
    assert "A099" in record.getMessage()


async def test_no_answer_in_time_is_retried(
    hub: Hub, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: Any,
) -> None:
    """A send that times out (the empty-reason failure) is logged with words, kept, and
    sent again."""
    journal = tmp_path / "host.ratings.jsonl"
    async with HubClient(hub.url, "kiosk-1", "kiosk-secret") as kiosk, \
            HubClient(hub.url, "caller-1", "caller-1-secret") as clerk:
        await kiosk.request("take_ticket", service="A")
        await clerk.request("call_next", window=1)
        await clerk.request("finish", window=1)
    RatingOutbox(journal).keep({"window": 1, "ticket": 1, "score": 5, "channel": "pad"}, "A001")
    rig = start_host(hub.url, journal, None)
    client = rig.host.drivers[1].client
    real = client.request
    failures = [TimeoutError()]

    async def flaky(type_: Any, **fields: Any) -> dict[str, Any]:
        if failures:
            raise failures.pop()
        return await real(type_, **fields)

    monkeypatch.setattr(client, "request", flaky)
    try:
        with caplog.at_level(logging.WARNING):
            await until(lambda: len(rig.host.outbox) == 0)
    finally:
        await rig.close()
    assert "rating of A001 not sent: no answer from the hub in time; kept and sent again" \
        in caplog.text
    assert ratings(hub) == [True]



def test_the_journal_goes_to_the_state_directory_when_there_is_one(tmp_path: Path) -> None:
    """The shipped systemd unit keeps /etc read-only: StateDirectory is writable."""
    station = tmp_path / "etc" / "devices.toml"
    station.parent.mkdir()
    station.write_text('[station]\nhub = "ws://hub:8765"\n'
                       '[[caller]]\nwindow = 1\ndevice = "caller-1"\ntoken = "t"\n',
                       encoding="utf-8")
    state = tmp_path / "var"
    assert load_host(station, state).journal == state / "devices.ratings.jsonl"


def test_an_unwritable_journal_is_an_error_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR):
        box = RatingOutbox(tmp_path / "missing-folder" / "r.jsonl")
    assert "cannot be written" in caplog.text and "memory only" in caplog.text
    with pytest.raises(OSError):
        box.keep({"window": 1, "ticket": 1, "score": 5, "channel": "pad"}, "A001")
    assert len(box) == 1  # kept in memory all the same
