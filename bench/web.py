"""Public-side benchmark: phones following their tickets while the hall works.

    python bench/web.py [--phones 1000] [--seconds 8]

Runs the hub in its own process twice on a fresh database: once with no phones, once
with ``--phones`` pages following their tickets over /public/ws. In both, 50 kiosks
take tickets as fast as the hub answers and 60 callers each call the next ticket
every half second. Prints take_ticket/s and call_next latency side by side, and the
time from a call_next being sent to the called ticket's page receiving "called".
Nothing is asserted (shared, noisy machine): compare the two runs' ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hall.client import HubClient  # noqa: E402

WINDOWS = 60
KIOSKS = 50
FILL = 3000

SERVE = """
import asyncio, signal, sys
sys.path.insert(0, {root!r})
from hall.config import load_config
from hall.wallclock import wall_clock
from hub.admission import Limits
from hub.public import PublicLimits
from hub.server import Hub
from hub.settings import HubSettings

async def main():
    limits = PublicLimits(http_rate=1e6, http_burst=1e6, sockets_per_address=100000,
                          sockets_total=100000)
    settings = HubSettings(limits=Limits(rate=None), ping_interval_s=None,
                           ping_timeout_s=None, public_limits=limits)
    hub = Hub(load_config({config!r}), {db!r}, "127.0.0.1", 0, settings=settings,
              clock=wall_clock)
    await hub.start()
    print(hub.port, flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await hub.stop()

asyncio.run(main())
"""


def hall_toml() -> str:
    lines = ['[hall]\nname = "基准测试大厅"\nday_starts = "00:00"\n'
             'public_url = "http://127.0.0.1:1"\n',
             '[[zone]]\nid = "z"\nname = "综合区"\n',
             '[[service]]\nid = "A"\nname = "综合受理"\nzone = "z"\n']
    for n in range(1, WINDOWS + 1):
        lines.append(f'[[window]]\nnumber = {n}\nservices = ["A"]\n')
        lines.append(f'[[device]]\nid = "caller-{n}"\nrole = "caller"\n'
                     f'token = "caller-{n}-token-long-enough"\nwindow = {n}\n')
    for k in range(KIOSKS):
        lines.append(f'[[device]]\nid = "kiosk-{k}"\nrole = "kiosk"\n'
                     f'token = "kiosk-{k}-token-long-enough"\n')
    lines.append('[[device]]\nid = "admin"\nrole = "admin"\ntoken = "admin-token-long-enough"\n')
    return "\n".join(lines)


def client(url: str, device: str) -> HubClient:
    return HubClient(url, device, f"{device}-token-long-enough", subscribe=False,
                     request_timeout_s=60.0)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def scenario(folder: Path, phones: int, seconds: float) -> dict[str, Any]:
    config = folder / "hall.toml"
    config.write_text(hall_toml(), encoding="utf-8")
    db = folder / f"queue-{phones}.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE.format(root=str(ROOT), config=str(config), db=str(db))],
        stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    url = f"ws://127.0.0.1:{port}"
    hub_ps = psutil.Process(proc.pid)
    try:
        admin = client(url, "admin")
        await admin.connect()
        tokens: dict[str, str] = {}
        for start in range(0, FILL, 200):
            results = await asyncio.gather(*(admin.request("take_ticket", service="A")
                                             for _ in range(min(200, FILL - start))))
            for data in results:
                tokens[data["ticket"]["number"]] = data["link"].rsplit("/", 1)[1]
        await admin.close()

        followed = {n: tokens[n] for n in sorted(tokens)[:phones]}
        tokens_file = folder / "tokens.json"
        tokens_file.write_text(json.dumps(followed), encoding="utf-8")
        phones_proc = None
        if phones:  # the phones live in their own process, as they would on their own CPUs
            phones_proc = subprocess.Popen(
                [sys.executable, __file__, "--child", url, str(tokens_file)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            assert phones_proc.stdout is not None
            assert phones_proc.stdout.readline().strip() == "ready"

        kiosks = [client(url, f"kiosk-{k}") for k in range(KIOSKS)]
        callers = [client(url, f"caller-{n}") for n in range(1, WINDOWS + 1)]
        await asyncio.gather(*(c.connect() for c in [*kiosks, *callers]))
        taken = 0
        latencies: list[float] = []
        sent_at: dict[str, float] = {}
        deadline = time.perf_counter() + seconds
        hub_ps.cpu_percent()

        async def kiosk_loop(k: HubClient) -> None:
            nonlocal taken
            while time.perf_counter() < deadline:
                await k.request("take_ticket", service="A")
                taken += 1

        async def caller_loop(n: int, c: HubClient) -> None:
            await asyncio.sleep(n / WINDOWS * 0.5)  # spread the callers over the period
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                data = await c.request("call_next", window=n)
                latencies.append((time.perf_counter() - started) * 1000)
                if data["ticket"] is not None:
                    sent_at[data["ticket"]["number"]] = time.monotonic() - (
                        time.perf_counter() - started)
                await asyncio.sleep(0.5)

        started = time.perf_counter()
        await asyncio.gather(*(kiosk_loop(k) for k in kiosks),
                             *(caller_loop(n, c) for n, c in enumerate(callers, 1)))
        elapsed = time.perf_counter() - started
        cpu = hub_ps.cpu_percent()
        rss = hub_ps.memory_info().rss / 1e6
        await asyncio.gather(*(c.close() for c in [*kiosks, *callers]))
        called_at_page: dict[str, float] = {}
        if phones_proc is not None:
            await asyncio.sleep(1.0)  # the last calls' pages
            out, _ = await asyncio.to_thread(phones_proc.communicate, "stop\n")
            called_at_page = json.loads(out)
        page_ms = [(called_at_page[n] - sent_at[n]) * 1000
                   for n in sent_at if n in called_at_page]
        return {"take_s": taken / elapsed, "call_p50": pct(latencies, 50),
                "call_p99": pct(latencies, 99), "calls": len(latencies),
                "pages": page_ms, "hub_cpu": cpu, "hub_rss": rss}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def phones_child(url: str, tokens_file: str) -> None:
    """Follow every ticket in ``tokens_file`` until a line arrives on stdin; then print
    when each page saw "called"."""
    tokens: dict[str, str] = json.loads(Path(tokens_file).read_text(encoding="utf-8"))
    called: dict[str, float] = {}
    opened = 0

    async def follow(number: str, token: str) -> None:
        nonlocal opened
        async with connect(f"{url}/public/ws?t={token}", max_size=None) as ws:
            opened += 1
            async for text in ws:
                if number not in called and json.loads(text).get("status") == "called":
                    called[number] = time.monotonic()

    tasks = [asyncio.create_task(follow(n, t)) for n, t in tokens.items()]
    while opened < len(tokens):
        await asyncio.sleep(0.05)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    for task in tasks:
        task.cancel()
    print(json.dumps(called), flush=True)


async def run(args: argparse.Namespace) -> None:
    # Alternating rounds, medians reported: the machine's noise hits both alike.
    rounds: dict[int, list[dict[str, float]]] = {0: [], args.phones: []}
    for _ in range(args.rounds):
        for phones in (0, args.phones):
            with tempfile.TemporaryDirectory() as tmp:
                rounds[phones].append(await scenario(Path(tmp), phones, args.seconds))
    without = {k: statistics.median(r[k] for r in rounds[0])
               for k in rounds[0][0] if k != "pages"}
    with_ = {k: statistics.median(r[k] for r in rounds[args.phones])
             for k in rounds[args.phones][0] if k != "pages"}
    pages = [ms for r in rounds[args.phones] for ms in r["pages"]]
    print(f"medians of {args.rounds} alternating rounds of {args.seconds:g} s")
    print(f"{'':34}{'no phones':>12}{f'{args.phones} phones':>14}")
    rows = [("take_ticket/s (50 kiosks)", "take_s", "{:.0f}"),
            ("call_next p50 ms (60 callers)", "call_p50", "{:.1f}"),
            ("call_next p99 ms", "call_p99", "{:.1f}"),
            ("hub CPU % during the load", "hub_cpu", "{:.0f}"),
            ("hub RSS MB", "hub_rss", "{:.0f}")]
    for label, key, fmt in rows:
        print(f"{label:34}{fmt.format(without[key]):>12}{fmt.format(with_[key]):>14}")
    ratio = with_["take_s"] / without["take_s"] if without["take_s"] else float("nan")
    print(f"take_ticket/s with phones / without: {ratio:.2f}")
    print(f"call sent -> page shows 'called': p50 {pct(pages, 50):.0f} ms, "
          f"p99 {pct(pages, 99):.0f} ms over {len(pages)} followed calls "
          f"(per round: {[len(r['pages']) for r in rounds[args.phones]]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, tokens_file = args.child
        asyncio.run(phones_child(url, tokens_file))
        return
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
