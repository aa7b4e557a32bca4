"""One hub per database: an advisory lock file held for the hub's lifetime.

The lock is a separate file beside the database (``<db>.lock``), taken with
``fcntl.flock`` (``msvcrt.locking`` on Windows), so SQLite's own locking is untouched
and readers such as backups and ``jiaohao report`` can still open the database (WAL)
while the hub runs. The operating system drops the lock when the process dies, so a
killed hub never leaves a stale lock behind.
"""

from __future__ import annotations

import os
import sys
from typing import IO


class DatabaseInUse(RuntimeError):
    """Another hub holds this database."""


class DatabaseLock:
    """The lock on ``db_path``; :meth:`acquire` raises :class:`DatabaseInUse`."""

    def __init__(self, db_path: str) -> None:
        self.path = f"{db_path}.lock"
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`DatabaseInUse` at once (never waits)."""
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held open)
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise DatabaseInUse(
                f"another hub is already using this database (lock {self.path} is held); "
                "stop it first — two hubs on one database lose each other's events"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing drops the lock
            self._file = None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
