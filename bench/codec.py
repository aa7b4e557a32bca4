"""msgspec against the protocol's own typing: what each costs per ``take_ticket`` round
trip, and per load of the hall config. Prints figures for docs/benchmarks.md.

    python bench/codec.py

The round trip is the hub's share of one ``take_ticket``, without sockets or SQLite:
the request frame decoded and checked, the engine run, the ``ticket_issued`` event
and the result encoded. Three ways: the standard library (``json`` for both
directions, as before msgspec), the hub's path (``json`` in, msgspec's encoder out),
and msgspec throughout with typed Structs for the request and result (a sketch of a
port of hall/payloads.py, same bytes on the wire). The hall config is the bench hall
of bench/hub.py (60 windows, 611 devices), loaded by hall.config and decoded by
msgspec into Structs that check only types and required keys.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hub import hall_toml  # noqa: E402
from hall.config import HallConfig, load_config, parse_config  # noqa: E402
from hall.protocol import Event, Result, decode_frame, encode, parse_request  # noqa: E402
from hub.engine import Engine  # noqa: E402

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
FRAME = '{"type":"take_ticket","id":17,"service":"A"}'


def best_us(fn: Callable[[], object], n: int, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(n):
            fn()
        times.append(time.perf_counter() - started)
    return min(times) / n * 1e6


def stdlib_dumps(message: dict[str, object]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


class TakeTicketStruct(msgspec.Struct, tag_field="type", tag="take_ticket"):
    id: int | str
    service: str
    priority: bool = False
    booking: str | None = None


class TicketStruct(msgspec.Struct):
    id: int
    number: str
    service: str
    priority: bool
    status: str
    issued_at: str
    window: int | None
    order: int | None
    called_at: str | None
    recalls: int


class EstimateStruct(msgspec.Struct):
    ticket: TicketStruct
    ahead: int
    estimated_wait_min: int


class ResultStruct(msgspec.Struct, tag_field="type", tag="result"):
    id: int | str | None
    ok: bool
    data: EstimateStruct


def round_trips(config: HallConfig) -> list[str]:
    n = 5_000
    engine = Engine(config)
    encoder = msgspec.json.Encoder()
    decoder = msgspec.json.Decoder(TakeTicketStruct)
    outcome = engine.execute(parse_request(decode_frame(FRAME)), NOW)
    (issued,) = outcome.events

    def codec(dumps: Callable[[dict[str, object]], object]) -> object:
        request = parse_request(json.loads(FRAME))
        event = Event(issued.seq, issued.at, issued.payload)  # as the engine makes it
        dumps(event.to_json())  # broadcast
        event.to_store()  # stored (the ledger encodes it)
        return dumps(Result.success(request.id, outcome.result.to_json()).to_json())

    def structs() -> object:
        request = decoder.decode(FRAME)
        ticket = TicketStruct(1, "A001", request.service, request.priority, "waiting",
                              "2026-11-23T10:00:00+08:00", None, 1, None, 0)
        encoder.encode(ticket)
        return encoder.encode(ResultStruct(request.id, True, EstimateStruct(ticket, 3, 4)))

    figures = {}
    for _ in range(3):  # alternating, so that the machine's drift hits all alike
        for name, fn in (("stdlib", lambda: codec(stdlib_dumps)),
                         ("hub", lambda: codec(encode)), ("structs", structs)):
            figures[name] = min(figures.get(name, 1e9), best_us(fn, n, rounds=2))
    engine_us = best_us(lambda: engine.execute(parse_request(decode_frame(FRAME)), NOW), 2000)
    return [
        f"take_ticket in the engine (for scale):                     {engine_us:7.1f} us",
        "take_ticket codec (request in; event and result out):",
        f"  dataclasses, json both ways (before):                    {figures['stdlib']:7.1f} us",
        f"  dataclasses, json in, msgspec encoder out (the hub now): {figures['hub']:7.1f} us",
        f"  msgspec Structs both ways (a port of hall/payloads.py):  {figures['structs']:7.1f} us",
    ]


class HallStruct(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    timezone: str = "Asia/Shanghai"
    day_starts: str = "06:00"
    name_en: str = ""
    public_url: str = ""
    demo: bool = False


class ZoneStruct(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    name: str
    name_en: str = ""


class ServiceStruct(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    name: str
    zone: str
    name_en: str = ""
    daily_cap: int | None = None
    hours: list[str] = []
    typical_minutes: float = 5.0


class WindowStruct(msgspec.Struct, forbid_unknown_fields=True):
    number: int
    services: list[str | list[str]]
    name: str | None = None
    zone: str | None = None


class DeviceStruct(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    role: str
    token: str | None = None
    token_sha256: str | None = None
    window: int | None = None


class ConfigStruct(msgspec.Struct, forbid_unknown_fields=True):
    hall: HallStruct
    zone: list[ZoneStruct]
    service: list[ServiceStruct]
    window: list[WindowStruct]
    device: list[DeviceStruct] = []


def config_loads(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    ours = best_us(lambda: parse_config(text, path), 20) / 1000
    def decoder(toml: str) -> ConfigStruct:
        return msgspec.toml.decode(toml, type=ConfigStruct)

    lines = [f"hall config (60 windows, 611 devices), hall.config:          {ours:7.1f} ms"
             " (every check, every message)"]
    if True:
        theirs = best_us(lambda: decoder(text), 20) / 1000
        lines.append(f"hall config, msgspec.toml into Structs (types only):      {theirs:7.1f} ms")
        try:
            decoder(text.replace('name = "综合区"', 'nmae = "综合区"'))
        except msgspec.ValidationError as exc:
            lines.append(f"  msgspec's error for a misspelt key: {exc}")
        try:
            parse_config(text.replace('name = "综合区"', 'nmae = "综合区"'), "hall.toml")
        except Exception as exc:
            lines.append(f"  hall.config's:  {str(exc).splitlines()[0]}")
    return lines


def main() -> None:
    logging.getLogger("hall.config").setLevel(logging.ERROR)  # public_url unset: fine here
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp")
    path = folder / "bench-codec.toml"
    path.write_text(hall_toml(), encoding="utf-8")
    config = load_config(path)
    for line in round_trips(config) + config_loads(path):
        print(line)


if __name__ == "__main__":
    main()
