"""The protocol's typing, measured: what the codec costs per ``take_ticket`` round trip,
per event read back, and per load of the hall config. Prints figures for
docs/benchmarks.md.

    python bench/codec.py
    JIAOHAO_BENCH_CODEC_ROOT=<old checkout> python bench/codec.py --compare

The round trip is the hub's share of one ``take_ticket``, without sockets or SQLite:
the request frame decoded and checked, the ``ticket_issued`` event broadcast and
stored, the result encoded. "Read back" is that stored event read again (the store, a
replica after a resume) and its broadcast frame parsed by a client. ``--compare`` runs
the same measurements on another checkout's hall/ in a second process (the payloads
before msgspec Structs: the hand-written dataclasses), alternating, and prints both.
The floor is msgspec Structs encoded straight to bytes with no checks at all. The hall
config is the bench hall of bench/hub.py (60 windows, 611 devices), loaded by
hall.config and decoded by msgspec into Structs that check only types and keys.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import msgspec

#: The checkout measured: this one, or the one JIAOHAO_BENCH_CODEC_ROOT names.
ROOT = Path(os.environ.get("JIAOHAO_BENCH_CODEC_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))

from bench.hub import hall_toml  # noqa: E402
from hall.config import HallConfig, load_config, parse_config  # noqa: E402
from hall.protocol import Event, Result, decode_frame, encode, parse_request  # noqa: E402
from hub.engine import Engine  # noqa: E402

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
FRAME = '{"type":"take_ticket","id":17,"service":"A","request":"k-7f3a"}'


def best_us(fn: Callable[[], object], n: int, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(n):
            fn()
        times.append(time.perf_counter() - started)
    return min(times) / n * 1e6


class TakeTicketStruct(msgspec.Struct):
    id: int | str
    service: str
    priority: bool = False
    booking: str | None = None
    request: str | None = None


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


def codec_figures(config: HallConfig) -> dict[str, float]:
    """Microseconds per operation, best of alternating rounds."""
    engine = Engine(config)
    outcome = engine.execute(parse_request(decode_frame(FRAME)), NOW)
    (issued,) = outcome.events
    stored = json.dumps(issued.to_store(), ensure_ascii=False)
    frame = encode(issued.to_json())
    encoder = msgspec.json.Encoder()
    decoder = msgspec.json.Decoder(TakeTicketStruct)

    def round_trip() -> object:
        request = parse_request(decode_frame(FRAME))
        event = Event(issued.seq, issued.at, issued.payload)  # as the engine makes it
        encode(event.to_json())  # broadcast
        json.dumps(event.to_store(), ensure_ascii=False)  # stored (as the ledger does)
        return encode(Result.success(request.id, outcome.result.to_json()).to_json())

    def read_back() -> object:
        Event.of(issued.seq, issued.at, issued.kind, json.loads(stored))
        return Event.parse(decode_frame(frame))

    def floor() -> object:
        request = decoder.decode(FRAME)
        ticket = TicketStruct(1, "A001", request.service, request.priority, "waiting",
                              "2026-11-23T10:00:00+08:00", None, 1, None, 0)
        encoder.encode(ticket)
        return encoder.encode(ResultStruct(request.id, True, EstimateStruct(ticket, 3, 4)))

    figures: dict[str, float] = {}
    for _ in range(3):  # alternating, so that the machine's drift hits all alike
        for name, fn in (("round_trip", round_trip), ("read_back", read_back),
                         ("floor", floor)):
            figures[name] = min(figures.get(name, 1e9), best_us(fn, 5_000, rounds=2))
    figures["engine"] = best_us(
        lambda: engine.execute(parse_request(decode_frame(FRAME)), NOW), 2_000)
    return figures


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


def config_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    ours = best_us(lambda: parse_config(text, path), 20) / 1000
    theirs = best_us(lambda: msgspec.toml.decode(text, type=ConfigStruct), 20) / 1000
    misspelt = text.replace('name = "综合区"', 'nmae = "综合区"')
    lines = [f"hall config (60 windows, 611 devices), hall.config:  {ours:7.1f} ms"
             " (every check, every message)",
             f"hall config, msgspec.toml into Structs (types only): {theirs:7.1f} ms"]
    try:
        msgspec.toml.decode(misspelt, type=ConfigStruct)
    except msgspec.ValidationError as exc:
        lines.append(f"  msgspec's error for a misspelt key: {exc}")
    try:
        parse_config(misspelt, "hall.toml")
    except Exception as exc:
        lines.append(f"  hall.config's:  {str(exc).splitlines()[0]}")
    return lines


LABELS = {
    "engine": "take_ticket in the engine (for scale)",
    "round_trip": "take_ticket codec (request in; event and result out)",
    "read_back": "ticket_issued read back (stored row, then a client's frame)",
    "floor": "floor: Structs straight to bytes, no checks",
}


def main() -> None:
    logging.getLogger("hall.config").setLevel(logging.ERROR)  # public_url unset: fine here
    args = sys.argv[1:]
    folder = Path(next((a for a in args if not a.startswith("--")), "/tmp"))
    path = folder / "bench-codec.toml"
    path.write_text(hall_toml(), encoding="utf-8")
    config = load_config(path)
    if "--json" in args:
        print(json.dumps(codec_figures(config)))
        return
    if "--compare" not in args:
        for key, us in codec_figures(config).items():
            print(f"{LABELS[key]:62} {us:7.1f} us")
        print("\n".join(config_lines(path)))
        return
    other = os.environ.get("JIAOHAO_BENCH_CODEC_ROOT")
    if not other:
        raise SystemExit("--compare: set JIAOHAO_BENCH_CODEC_ROOT to the checkout to compare")
    here = dict(os.environ, JIAOHAO_BENCH_CODEC_ROOT=str(Path(__file__).resolve().parents[1]))
    before: dict[str, float] = {}
    after: dict[str, float] = {}
    for _ in range(2):  # alternating processes
        for env, into in ((os.environ, before), (here, after)):
            out = subprocess.run([sys.executable, __file__, str(folder), "--json"], env=env,
                                 check=True, capture_output=True, text=True).stdout
            for key, us in json.loads(out).items():
                into[key] = min(into.get(key, 1e9), us)
    print(f"{'':62} {'before':>9} {'after':>9}")
    for key in LABELS:
        print(f"{LABELS[key]:62} {before[key]:6.1f} us {after[key]:6.1f} us"
              f"  ({before[key] / after[key]:.1f}x)")


if __name__ == "__main__":
    main()
