"""The store: one transaction per batch, state rebuilt at start, history never scanned."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from bench.history import seed_history
from hall.config import HallConfig
from hall.protocol import CallNext, Event, EventKind, Pause, SignIn, TakeTicket, TicketIssued
from hub.engine import Engine
from hub.server import Hub
from ledger.store import Store
from tests.hub.conftest import ClientFactory, Clock, significant

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_a_batch_is_written_whole_or_not_at_all(config: HallConfig) -> None:
    store = Store.open(":memory:")
    engine = Engine(config, store.load_state())
    events = engine.execute(TakeTicket(id=1, service="A"), NOW).events
    store.write(events)
    more = engine.execute(TakeTicket(id=2, service="A"), NOW).events
    clash = Event.of(1, more[0].at, EventKind.WINDOW_PAUSED, {"window": 1})
    with pytest.raises(sqlite3.IntegrityError):
        store.write([*more, clash])
    assert store.counts()["events"] == 1 and store.counts()["tickets"] == 1
    expected = Engine(config)
    expected.execute(TakeTicket(id=1, service="A"), NOW)
    assert Engine(config, store.load_state()).state.public() == expected.state.public()
    assert store.load_state().seq == 1


def test_pragmas_and_schema(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "q.db"))
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert {"events", "tickets", "ratings", "attendance", "windows"} <= set(
        store.db.table_names())
    store.migrate()  # twice is harmless


async def test_restart_keeps_everything(
    config: HallConfig, db_path: str, clock: Clock, client: ClientFactory, hub: Hub
) -> None:
    kiosk = await client("kiosk-1")
    caller = await client("caller-1")
    await kiosk.ok("take_ticket", service="A")
    await kiosk.ok("take_ticket", service="A", booking="BK-1")
    await kiosk.ok("take_ticket", service="B", priority=True)
    await caller.ok("sign_in", window=1, staff="0007")
    await caller.ok("call_next", window=1)
    await (await client("caller-5")).ok("pause", window=5)
    await caller.ok("status")
    before = hub.engine.state
    public, bookings = before.public(), dict(before.used_bookings)
    await hub.stop()

    again = Hub(config, db_path, port=0, clock=clock)
    await again.start()
    try:
        state = again.engine.state
        assert significant(state.public()) == significant(public)
        assert state.used_bookings == bookings == {"BK-1": "2026-03-02"}
        assert state.windows[1].staff == "0007" and state.windows[5].paused
        kiosk = await client("kiosk-1", hub_=again)
        assert (await kiosk.ok("take_ticket", service="A"))["ticket"]["number"] == "A003"
        assert await kiosk.error("take_ticket", service="A", booking="BK-1") == "booking_used"
    finally:
        await again.stop()


async def test_restart_after_day_close(
    config: HallConfig, db_path: str, clock: Clock, client: ClientFactory, hub: Hub
) -> None:
    kiosk = await client("kiosk-1")
    caller = await client("caller-1")
    await kiosk.ok("take_ticket", service="A", booking="BK-2")
    await kiosk.ok("take_ticket", service="A")
    await caller.ok("sign_in", window=1, staff="0007")
    await caller.ok("call_next", window=1)
    clock.advance(days=1)
    taken = await kiosk.ok("take_ticket", service="A")  # closes yesterday first
    assert (taken["ticket"]["number"], taken["ticket"]["id"]) == ("A001", 3)
    await hub.stop()

    again = Hub(config, db_path, port=0, clock=clock)
    await again.start()
    try:
        state = again.engine.state
        assert state.day == "2026-03-03" and state.next_id == 4
        assert list(state.tickets) == [3]
        assert state.windows[1].staff == "0007" and state.windows[1].ticket is None
        assert "BK-2" in state.used_bookings
        with sqlite3.connect(db_path) as db:
            rows = db.execute("SELECT id, day, number, status FROM tickets ORDER BY id").fetchall()
        assert rows == [(1, "2026-03-02", "A001", "closed"), (2, "2026-03-02", "A002", "closed"),
                        (3, "2026-03-03", "A001", "waiting")]
    finally:
        await again.stop()


def test_seeded_history_is_not_replayed(config: HallConfig, tmp_path: Path) -> None:
    db = Database(str(tmp_path / "history.db"))
    now = Clock()()
    seed_history(db, config, 3_000, days=30, now=now)
    store = Store(db)
    counts = store.counts()
    assert counts["tickets"] == 3_000 and counts["events"] == 3 * 3_000 + 30
    state = store.load_state()
    assert state.tickets == {} and state.next_id == 3_001
    assert state.seq == counts["events"]
    engine = Engine(config, state)
    store.write(engine.tick(now))
    taken = engine.execute(TakeTicket(id=1, service="A"), now)
    store.write(taken.events)
    assert taken.data["ticket"]["number"] == "A001" and taken.data["ticket"]["id"] == 3_001
    for request in (SignIn(id=2, window=1, staff="1"), CallNext(id=3, window=1),
                    Pause(id=4, window=2)):
        store.write(engine.execute(request, now).events)
    assert significant(store.load_state().public()) == significant(engine.state.public())


@pytest.mark.parametrize("query", [
    ("SELECT max(seq) FROM events WHERE kind = ?", ("day_closed",)),
    ("SELECT seq, at, kind, data FROM events WHERE seq >= ? ORDER BY seq", (5,)),
    ("SELECT seq, at, kind, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (5, 10)),
    ("SELECT max(id) FROM tickets", ()),
    ("SELECT booking, day FROM tickets WHERE booking IS NOT NULL AND day >= ?", ("2026-01-01",)),
    ("UPDATE tickets SET status='finished', finished_at=? WHERE id=?", ("x", 1)),
])
def test_live_path_queries_use_indexes(query: tuple[str, tuple[object, ...]]) -> None:
    store = Store.open(":memory:")
    sql, params = query
    plan = " | ".join(row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "SCAN events" not in plan and "SCAN tickets" not in plan, plan


def test_the_log_keeps_each_event_as_json_dumps_writes_it() -> None:
    """The log's rows are what they always were (county digests hash them): ``data`` is
    ``json.dumps(event.to_store(), ensure_ascii=False)``, each projection as before."""
    import json

    from tests.hub.engine_helpers import hall
    from tests.ledger.test_stats import SCRIPT, play

    events = play(hall(), SCRIPT)
    store = Store.open(":memory:")
    store.write(events)
    rows = store.db.execute("SELECT seq, at, kind, data FROM events ORDER BY seq").fetchall()
    assert rows == [(e.seq, e.at, str(e.kind), json.dumps(e.to_store(), ensure_ascii=False))
                    for e in events]
    issued = store.db.execute(
        "SELECT id, day, number, priority, issued_at, booking, issued_seq FROM tickets"
        " ORDER BY id").fetchall()
    assert issued == [
        (t.id, e.payload.day, t.number, int(t.priority), t.issued_at, t.booking, e.seq)
        for e in events if isinstance(e.payload, TicketIssued)
        for t in [e.payload.ticket]]


@pytest.mark.parametrize("value", [
    {"text": "叫号 \u2028 \x00 \x1f \"q\" \\ /", "n": [0, -1, 2**70, 1.5, 1e-300, 1e300]},
    {"nan": float("nan"), "inf": [float("inf"), float("-inf")], "none": None, "t": True},
    [], {}, "top", 7, {"nested": [{"a": {"b": []}}]},
])
def test_the_store_writes_json_as_json_dumps_does(value: object) -> None:
    import json

    from ledger.store import _store_json

    assert _store_json(value) == json.dumps(value, ensure_ascii=False)


def test_a_day_in_one_batch_leaves_the_tables_as_one_event_per_batch_does() -> None:
    """Tickets issued in one batch are one INSERT, written before any other change of
    the batch: a ticket called, finished or closed right after its issue is changed."""
    from tests.hub.engine_helpers import hall
    from tests.ledger.test_stats import SCRIPT, play

    events = play(hall(), SCRIPT)
    whole, single = Store.open(":memory:"), Store.open(":memory:")
    whole.write(events)
    for event in events:
        single.write([event])
    for table in ("events", "tickets", "ratings", "attendance", "windows"):
        query = f"SELECT * FROM {table} ORDER BY 1"
        assert whole.db.execute(query).fetchall() == single.db.execute(query).fetchall(), table
    assert whole.db.execute("SELECT count(*) FROM tickets WHERE status != 'waiting'"
                            ).fetchone()[0] > 0  # the script changes tickets after issue


@pytest.mark.parametrize("count", [0, 1, 2, 3, 24, 63, 64, 65, 200])
def test_rows_are_written_in_order_by_one_statement_per_power_of_two(count: int) -> None:
    from ledger.store import Rows

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    Rows("t", ("a", "b")).write(conn, [v for i in range(count) for v in (i, f"行{i}")])
    conn.set_trace_callback(None)
    assert conn.execute("SELECT a, b FROM t ORDER BY rowid").fetchall() == [
        (i, f"行{i}") for i in range(count)]
    inserts = [text for text in statements if text.startswith("INSERT")]
    assert len(inserts) == bin(count % Rows.MOST).count("1") + count // Rows.MOST
