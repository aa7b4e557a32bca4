"""The event log read beside the hub: by sequence number, in bounded batches."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hall.config import HallConfig
from hall.protocol import CloseDay, EventKind, TakeTicket
from hub.engine import Engine
from ledger.store import Store, events_after, last_seq, read_only

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _filled(config: HallConfig, path: Path) -> Store:
    store = Store.open(str(path))
    engine = Engine(config, store.load_state())
    for n in range(1, 6):
        person = f"{n:064x}"  # the salted hash of an ID number a kiosk read
        store.write(engine.execute(TakeTicket(id=n, service="A", person=person), NOW).events)
    store.write(engine.execute(CloseDay(id=6), NOW).events)
    store.write(engine.execute(TakeTicket(id=7, service="A"), NOW).events)
    return store


def test_the_log_is_read_in_batches_from_a_sequence_number(
    config: HallConfig, tmp_path: Path
) -> None:
    path = tmp_path / "queue.db"
    store = _filled(config, path)
    everything = store.events_after(0, 1000)
    db = read_only(path)
    seen = []
    after = 0
    while batch := events_after(db, after, 2):
        assert len(batch) <= 2
        seen += batch
        after = batch[-1].event.seq
    assert [logged.event for logged in seen] == everything
    assert after == last_seq(db) == store.last_seq()
    assert events_after(db, after, 2) == []
    days = {logged.event.kind: logged.day for logged in seen}
    assert days[EventKind.DAY_CLOSED] == "2026-03-02"
    assert seen[-1].day == "2026-03-02#2"  # the ticket after a manual close
    issued = next(logged.event for logged in seen if logged.event.kind == EventKind.TICKET_ISSUED)
    assert "person" in issued.to_store()["ticket"]  # personal data is the reader's
    assert "person" not in issued.to_json()["ticket"]  # to strip before it leaves
    db.close()
    store.close()


def test_a_read_only_reader_cannot_write_and_needs_a_database(
    config: HallConfig, tmp_path: Path
) -> None:
    path = tmp_path / "queue.db"
    _filled(config, path).close()
    db = read_only(path)
    with pytest.raises(sqlite3.OperationalError):
        db.execute("DELETE FROM events")
    db.close()
    with pytest.raises(sqlite3.OperationalError):
        read_only(tmp_path / "none.db")


def test_a_batch_has_a_size(config: HallConfig, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        events_after(Store.open(":memory:").db, 0, 0)
