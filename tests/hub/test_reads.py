"""Managers' reads never take the writer's time (hub/reads.py, ledger/queries.py): one
read per connection, a hall-wide queue limit, a read dropped when its client has gone,
and every read answered in a process of its own."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from hall.protocol import Stats, TicketHistory
from hub.reads import ReadQueue
from hub.server import Hub
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import ClientFactory


def test_one_read_per_connection_and_a_limit_in_all() -> None:
    reads: ReadQueue[str] = ReadQueue(limit=2)
    assert reads.offer("a", Stats(id=1)) is None
    refused = reads.offer("a", Stats(id=2))
    assert refused is not None and refused.code == "busy"
    assert reads.offer("b", TicketHistory(id=3, number="A001")) is None
    full = reads.offer("c", Stats(id=4))
    assert full is not None and "2 reads are waiting" in str(full)
    job = reads.next()
    assert job is not None and job[0] == "a"
    assert reads.offer("a", Stats(id=5)) is not None  # still running
    reads.done()
    assert reads.offer("a", Stats(id=6)) is None


def test_a_read_whose_client_left_never_runs() -> None:
    reads: ReadQueue[str] = ReadQueue(limit=8)
    for conn in ("a", "b", "c"):
        reads.offer(conn, Stats(id=1))
    reads.left("b")
    assert [reads.next(), reads.next(), reads.next()] == [
        ("a", Stats(id=1)), ("c", Stats(id=1)), None]
    assert reads.dropped == 1


async def test_a_second_read_on_a_connection_is_busy_until_the_first_is_answered(
    hub: Hub, client: ClientFactory
) -> None:
    admin = await client("admin-1")
    futures = [admin.send_request("stats", start="2026-03-02", end="2026-03-02")
               for _ in range(5)]
    results = await asyncio.wait_for(asyncio.gather(*futures), TIMEOUT_S * 3)
    assert results[0]["ok"]
    assert [r["error"]["code"] for r in results[1:]] == ["busy"] * 4
    assert (await admin.request("stats", start="2026-03-02"))["ok"]  # answered: free again


async def test_the_plan_is_a_read_beside_the_writer_one_at_a_time(
    hub: Hub, client: ClientFactory
) -> None:
    admin = await client("admin-1")
    futures = [admin.send_request("plan", weeks=4, weekday=1) for _ in range(3)]
    results = await asyncio.wait_for(asyncio.gather(*futures), TIMEOUT_S * 3)
    assert results[0]["ok"] and results[0]["data"]["rows"] == []  # no history yet
    assert results[0]["data"]["weekday"] == 1 and results[0]["data"]["target_percent"] == 80
    assert [r["error"]["code"] for r in results[1:]] == ["busy"] * 2
    caller = await client("caller-1")
    refused = await caller.request("plan")
    assert refused["error"]["code"] == "forbidden"


async def test_reads_are_answered_in_a_process_of_their_own(
    hub: Hub, client: ClientFactory
) -> None:
    admin = await client("admin-1")
    assert (await admin.ok("ticket_history", number="A001")) == {"tickets": []}
    reader = hub._reader
    assert reader is not None and isinstance(reader._executor, ProcessPoolExecutor)
    pids = {p.pid for p in reader._executor._processes.values()}
    assert pids and os.getpid() not in pids


async def test_the_reader_process_ends_with_a_hub_killed_outright(tmp_path: Path) -> None:
    """A hub killed with SIGKILL cannot stop its reader process: the reader notices the
    hub is gone and ends by itself instead of waiting forever."""
    import psutil

    from tests.hub.test_crash import open_client, start_hub

    proc, url = await start_hub(tmp_path / "queue.db")
    try:
        admin = await open_client(url, "admin-1", "admin-secret")
        await admin.ok("ticket_history", number="A001")  # the reader process starts
        readers = [p for p in psutil.Process(proc.pid).children()
                   if "multiprocessing" in " ".join(p.cmdline()) and "spawn_main" in
                   " ".join(p.cmdline())]
        assert readers
    finally:
        proc.kill()
        await proc.wait()
    _, alive = await asyncio.to_thread(psutil.wait_procs, readers, TIMEOUT_S)
    for process in alive:
        process.kill()
    assert not alive
