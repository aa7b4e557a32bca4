"""Reads of the hall's history for managers (``stats``, ``ticket_history``, ``plan``), answered
beside the writer: in a process of their own by default (a SQLite connection of its
own, WAL lets it read while the writer commits, and its CPU time is not the hub's: a
90-day report computed in the hub's process would hold the interpreter from the writer
for its whole length), so a report over months never delays a call.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import sqlite3
import threading
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlite_utils import Database

from hall.config import HallConfig
from hall.protocol import StaffingPlan, Stats, StoreQuery, TicketHistory
from ledger import push
from ledger.history import ticket_history
from ledger.plan import demand, plan
from ledger.stats import DayCache, day_figures, hall_stats, snapshot
from ledger.store import read_only

log = logging.getLogger(__name__)


class _Local:
    """The reading side in the process (or thread) that runs it: a read-only
    connection and the day cache, opened on first use."""

    def __init__(self, config: HallConfig, path: str) -> None:
        self.config, self.path = config, path
        self.db: Database | None = None
        self.cache: DayCache | None = None

    def open(self) -> Database:
        if self.db is None:
            self.db = read_only(self.path)
            self.cache = DayCache(self.path + "-stats")
        return self.db

    def answer(self, request: StoreQuery, today: date) -> dict[str, Any]:
        return Reader.answer_with(self.open(), self.config, request, today, self.cache)

    def warm(self, label: str) -> None:
        db = self.open()
        with snapshot(db):
            day_figures(db, self.config, label, self.cache)

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()
            self.cache = None
        if self.db is not None:
            self.db.conn.close()
            self.db = None


#: The reading side of a reader process (set by its initializer).
_WORKER: _Local | None = None


def _start_worker(config: HallConfig, path: str) -> None:
    global _WORKER
    _WORKER = _Local(config, path)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True,
                         name="jiaohao-read-orphan").start()


def _exit_with(sentinel: int) -> None:
    """End this reader process as soon as the hub's is gone (a hub killed with SIGKILL
    cannot shut its reader down; without this it would wait forever)."""
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _worker_answer(request: StoreQuery, today: date) -> dict[str, Any]:
    assert _WORKER is not None
    return _WORKER.answer(request, today)


def _worker_warm(label: str) -> None:
    assert _WORKER is not None
    _WORKER.warm(label)


class Reader:
    """Answers :class:`StoreQuery` requests from the database at ``path``, one at a
    time, in a process of its own (``process=False``: a thread of the caller's process,
    for tools and tests that need no isolation)."""

    def __init__(self, config: HallConfig, path: str, *, process: bool = True) -> None:
        if path == ":memory:":
            raise ValueError("a reader needs a database file (an in-memory one is private)")
        self.config = config
        self.path = path
        self._local: _Local | None = None
        self._executor: Executor
        if process:  # spawn: a fresh interpreter, no copy of the hub's threads or sockets
            self._executor = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(config, path))
        else:
            self._local = _Local(config, path)
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jiaohao-read")

    async def answer(self, request: StoreQuery, today: date) -> dict[str, Any]:
        """The result data of ``request``; ``today`` is the current hall day's date.
        Raises sqlite3.Error when the store cannot be read."""
        loop = asyncio.get_running_loop()
        if self._local is not None:
            return await loop.run_in_executor(self._executor, self._local.answer, request,
                                              today)
        return await loop.run_in_executor(self._executor, _worker_answer, request, today)

    async def warm(self, label: str) -> None:
        """Put the figures of hall day ``label``, just closed, in the day cache, so
        reports over months only add days up."""
        loop = asyncio.get_running_loop()
        try:
            if self._local is not None:
                await loop.run_in_executor(self._executor, self._local.warm, label)
            else:
                await loop.run_in_executor(self._executor, _worker_warm, label)
        except Exception:
            log.exception("keeping the figures of %s failed (reports compute them later)",
                          label)

    def close(self) -> None:
        """Stop the reader: reads not begun are dropped, the one running finishes."""
        if self._local is not None:
            self._executor.submit(self._local.close).result()
        self._executor.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def answer_with(db: Database, config: HallConfig, request: StoreQuery,
                    today: date, cache: DayCache | None = None) -> dict[str, Any]:
        """Answer ``request`` from ``db`` in the calling thread."""
        if isinstance(request, Stats):
            start = date.fromisoformat(request.start) if request.start else None
            end = date.fromisoformat(request.end) if request.end else None
            start, end = start or end or today, end or start or today
            figures = hall_stats(db, config, start, end, cache)
            try:
                figures["push"] = push.status(db)  # the push to the province, now
            except sqlite3.OperationalError:
                pass  # a database from before the outbox
            return figures
        if isinstance(request, TicketHistory):
            on = date.fromisoformat(request.day) if request.day else today
            return {"tickets": ticket_history(db, request.number, on)}
        if isinstance(request, StaffingPlan):
            weekday = request.weekday or today.isoweekday()
            found = demand(db, today, request.weeks)
            rows = plan(config, found, weekday - 1, request.target_min,
                        request.target_percent / 100)
            return {"weekday": weekday, "weeks": request.weeks,
                    "days": found.days.get(weekday - 1, 0), "target_min": request.target_min,
                    "target_percent": request.target_percent, "rows": [asdict(r) for r in rows]}
        raise TypeError(f"not a store query: {request.type}")
