"""Reads of the hall's history for managers (``stats``, ``ticket_history``), answered
beside the writer: a thread and SQLite connection of their own (WAL lets them read
while the writer commits), so a report over months never delays a call.
"""

from __future__ import annotations

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from sqlite_utils import Database

from hall.config import HallConfig
from hall.protocol import Stats, StoreQuery, TicketHistory
from hub.history import ticket_history
from hub.stats import hall_stats


class Reader:
    """Answers :class:`StoreQuery` requests from the database at ``path``."""

    def __init__(self, config: HallConfig, path: str) -> None:
        if path == ":memory:":
            raise ValueError("a reader needs a database file (an in-memory one is private)")
        self.config = config
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jiaohao-read")
        self._db: Database | None = None

    async def answer(self, request: StoreQuery, today: date) -> dict[str, Any]:
        """The result data of ``request``; ``today`` is the current hall day's date.
        Raises sqlite3.Error when the store cannot be read."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._answer, request, today)

    def close(self) -> None:
        self._executor.submit(self._close).result()
        self._executor.shutdown(wait=True)

    def _answer(self, request: StoreQuery, today: date) -> dict[str, Any]:
        return self.answer_with(self._open(), self.config, request, today)

    @staticmethod
    def answer_with(db: Database, config: HallConfig, request: StoreQuery,
                    today: date) -> dict[str, Any]:
        """Answer ``request`` from ``db`` in the calling thread."""
        if isinstance(request, Stats):
            start = date.fromisoformat(request.start) if request.start else None
            end = date.fromisoformat(request.end) if request.end else None
            start, end = start or end or today, end or start or today
            return hall_stats(db, config, start, end)
        if isinstance(request, TicketHistory):
            on = date.fromisoformat(request.day) if request.day else today
            return {"tickets": ticket_history(db, request.number, on)}
        raise TypeError(f"not a store query: {request.type}")

    def _open(self) -> Database:
        if self._db is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            self._db = Database(conn)
        return self._db

    def _close(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None
