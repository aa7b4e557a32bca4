"""SIGKILL the hub at random moments while clients work; every acknowledged ticket,
call and rating survives, and nothing is repeated."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import signal
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import connect

from tests.conftest import TIMEOUT_S
from tests.hub.conftest import Client

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 8


@dataclass
class Acks:
    tickets: dict[int, str] = field(default_factory=dict)  # id -> number
    calls: set[tuple[int, int]] = field(default_factory=set)  # (ticket id, window)
    ratings: set[tuple[int, int, int]] = field(default_factory=set)  # ticket, window, score


async def start_hub(db: Path) -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.hub.run_hub", str(db), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), TIMEOUT_S)).decode()
    assert line.startswith("jiaohao hub listening on ws://"), line
    return proc, line.rsplit(" ", 1)[1].strip()


async def open_client(url: str, device: str, token: str) -> Client:
    client = Client(await connect(url, open_timeout=TIMEOUT_S))
    await client.hello(device, token)
    return client


async def kiosk_loop(url: str, acks: Acks, rng: random.Random) -> None:
    client = await open_client(url, "kiosk-1", "kiosk-secret")
    while True:
        data = await client.ok("take_ticket", service=rng.choice("AAB"))
        acks.tickets[data["ticket"]["id"]] = data["ticket"]["number"]


async def caller_loop(url: str, window: int, acks: Acks, rng: random.Random) -> None:
    client = await open_client(url, f"caller-{window}", f"caller-{window}-secret")
    while True:
        result = await client.request("call_next", window=window)
        ticket = result["data"]["ticket"] if result["ok"] else None
        if ticket is None:
            await asyncio.sleep(0.005)
            continue
        acks.calls.add((ticket["id"], window))
        await client.ok("finish", window=window)
        score = rng.randint(1, 5)
        rated = await client.request("rate", window=window, ticket=ticket["id"], score=score)
        if rated["ok"]:
            acks.ratings.add((ticket["id"], window, score))


async def test_sigkill_loses_no_acknowledged_change(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    rng = random.Random(20261121)
    acks = Acks()
    for _ in range(ROUNDS):
        proc, url = await start_hub(db)
        workers = [asyncio.create_task(kiosk_loop(url, acks, rng)) for _ in range(2)]
        workers += [asyncio.create_task(caller_loop(url, w, acks, rng)) for w in (1, 2, 61)]
        await asyncio.sleep(rng.uniform(0.2, 0.8))
        proc.send_signal(signal.SIGKILL)
        await asyncio.wait_for(proc.wait(), TIMEOUT_S)
        for worker in workers:
            with contextlib.suppress(ConnectionError):  # the hub died under it
                await asyncio.wait_for(worker, TIMEOUT_S)
    print(f"acknowledged: {len(acks.tickets)} tickets, {len(acks.calls)} calls,"
          f" {len(acks.ratings)} ratings over {ROUNDS} kills")
    assert len(acks.tickets) > 50 and len(acks.calls) > 20 and len(acks.ratings) > 10

    # one more start: the store must load, and the hub must serve
    proc, url = await start_hub(db)
    try:
        client = await open_client(url, "admin-1", "admin-secret")
        await client.ok("status")
        await client.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), TIMEOUT_S) == 0

    with sqlite3.connect(db) as conn:
        seqs = [row[0] for row in conn.execute("SELECT seq FROM events ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))
        tickets = {row[0]: row[1] for row in conn.execute("SELECT id, number FROM tickets")}
        for ticket_id, number in acks.tickets.items():
            assert tickets.get(ticket_id) == number
        duplicates = conn.execute(
            "SELECT day, number, count(*) FROM tickets GROUP BY day, number HAVING count(*) > 1"
        ).fetchall()
        assert duplicates == []
        issued = [json.loads(d)["ticket"]["id"] for (d,) in conn.execute(
            "SELECT data FROM events WHERE kind = 'ticket_issued'")]
        assert len(issued) == len(set(issued)) == len(tickets)
        calls = {(json.loads(d)["ticket"]["id"], json.loads(d)["window"]) for (d,) in
                 conn.execute("SELECT data FROM events WHERE kind = 'ticket_called'")}
        assert acks.calls <= calls
        ratings = conn.execute("SELECT ticket_id, window, score FROM ratings").fetchall()
        assert len(ratings) == len(set((t, w) for t, w, _ in ratings))
        assert acks.ratings <= set(ratings)
