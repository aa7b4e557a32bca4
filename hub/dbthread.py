"""The hub's one database thread: the store, opened and used only there, and the lock
that keeps a second hub off the same database file (ledger/dblock.py).

Every write and every read of the live store runs in this one thread, in order; the
event loop awaits it, so a slow disk never blocks a socket.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import time
from functools import partial
from typing import Any, TypeVar

from ledger.dblock import DatabaseLock
from ledger.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")


class StoreThread:
    """``db_path``'s store in a thread of its own (``":memory:"``: no lock)."""

    def __init__(self, db_path: str, booking_memory_days: int,
                 day_starts: time | None = None) -> None:
        self.db_path = db_path
        self.booking_memory_days = booking_memory_days
        self.day_starts = day_starts
        self._store: Store | None = None
        self._lock: DatabaseLock | None = None
        self._executor: ThreadPoolExecutor | None = None

    @property
    def store(self) -> Store:
        """The open store: call its methods through :meth:`run` only."""
        if self._store is None:
            raise RuntimeError("the store is not open")
        return self._store

    async def open(self) -> Store:
        """Lock the file, start the thread and open (and migrate) the store there.

        Raises:
            DatabaseInUse: another hub runs on this database.
            sqlite3.Error: the database cannot be opened or migrated.
        """
        if self.db_path != ":memory:":
            self._lock = DatabaseLock(self.db_path)
            self._lock.acquire()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jiaohao-db")
        try:
            self._store = await self.run(partial(
                Store.open, self.db_path, booking_memory_days=self.booking_memory_days,
                day_starts=self.day_starts))
        except BaseException:
            await self.close()
            raise
        return self._store

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in the database thread."""
        assert self._executor is not None
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def close(self) -> None:
        """Close the store, stop the thread, release the lock (safe to call twice)."""
        if self._executor is not None:
            if self._store is not None:
                try:
                    await self.run(self._store.close)
                except Exception:
                    log.exception("closing the database failed")
            self._executor.shutdown(wait=True)
            self._executor = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None
