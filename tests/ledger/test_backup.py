"""A copy of the database that is whole, or nothing at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.backup import backup
from ledger.store import DatabaseError, Store, last_seq, read_only
from tests.hub.engine_helpers import hall
from tests.ledger.test_stats import SCRIPT, play


def test_a_copy_holds_what_was_committed(tmp_path: Path) -> None:
    live = Store.open(str(tmp_path / "queue.db"))
    live.write(play(hall(), SCRIPT[:3]))
    backup(tmp_path / "queue.db", tmp_path / "copy.db")
    assert sorted(p.name for p in tmp_path.glob("copy.db*")) == ["copy.db"]
    copy = read_only(tmp_path / "copy.db")
    assert last_seq(copy) == live.last_seq() > 0
    copy.close()
    live.close()


def test_a_copy_that_cannot_be_made_leaves_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / "queue.db").write_text("not a database", encoding="utf-8")
    with pytest.raises(DatabaseError):
        backup(tmp_path / "queue.db", tmp_path / "copy.db")
    assert list(tmp_path.glob("copy.db*")) == []
