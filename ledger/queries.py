"""Reads of the hall's history for managers (``stats``, ``ticket_history``), answered
beside the writer: a thread and SQLite connection of their own (WAL lets them read
while the writer commits), so a report over months never delays a call.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from sqlite_utils import Database

from hall.config import HallConfig
from hall.protocol import Stats, StoreQuery, TicketHistory
from ledger.history import ticket_history
from ledger.stats import DayCache, day_figures, hall_stats, snapshot
from ledger.store import read_only

log = logging.getLogger(__name__)


class Reader:
    """Answers :class:`StoreQuery` requests from the database at ``path``."""

    def __init__(self, config: HallConfig, path: str) -> None:
        if path == ":memory:":
            raise ValueError("a reader needs a database file (an in-memory one is private)")
        self.config = config
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jiaohao-read")
        self._db: Database | None = None
        self._cache: DayCache | None = None

    async def answer(self, request: StoreQuery, today: date) -> dict[str, Any]:
        """The result data of ``request``; ``today`` is the current hall day's date.
        Raises sqlite3.Error when the store cannot be read."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._answer, request, today)

    async def warm(self, label: str) -> None:
        """Put the figures of hall day ``label``, just closed, in the day cache, so
        reports over months only add days up."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._warm, label)
        except Exception:
            log.exception("keeping the figures of %s failed (reports compute them later)",
                          label)

    def _warm(self, label: str) -> None:
        db = self._open()
        with snapshot(db):
            day_figures(db, self.config, label, self._cache)

    def close(self) -> None:
        self._executor.submit(self._close).result()
        self._executor.shutdown(wait=True)

    def _answer(self, request: StoreQuery, today: date) -> dict[str, Any]:
        db = self._open()
        return self.answer_with(db, self.config, request, today, self._cache)

    @staticmethod
    def answer_with(db: Database, config: HallConfig, request: StoreQuery,
                    today: date, cache: DayCache | None = None) -> dict[str, Any]:
        """Answer ``request`` from ``db`` in the calling thread."""
        if isinstance(request, Stats):
            start = date.fromisoformat(request.start) if request.start else None
            end = date.fromisoformat(request.end) if request.end else None
            start, end = start or end or today, end or start or today
            return hall_stats(db, config, start, end, cache)
        if isinstance(request, TicketHistory):
            on = date.fromisoformat(request.day) if request.day else today
            return {"tickets": ticket_history(db, request.number, on)}
        raise TypeError(f"not a store query: {request.type}")

    def _open(self) -> Database:
        if self._db is None:
            self._db = read_only(self.path)
            self._cache = DayCache(self.path + "-stats")
        return self._db

    def _close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None
        if self._db is not None:
            self._db.conn.close()
            self._db = None
