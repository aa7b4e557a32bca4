"""A consistent copy of the hub's database while the hub runs (`jiaohao hub backup`).

SQLite's online backup copies the database in steps, so the hub keeps writing
meanwhile; transactions committed but still in the WAL are included. The copy is made
beside its final name and renamed only once it passes an integrity check, so a
half-made copy never looks like a good one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ledger.store import DatabaseError


def backup(source: Path, target: Path, *, pages: int = 1024) -> None:
    """Copy the database at ``source`` to ``target``, which must not exist yet.
    Raises :data:`ledger.store.DatabaseError` (nothing is left at ``target``)."""
    partial = target.with_name(target.name + ".partial")
    try:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        writer = sqlite3.connect(partial)
        try:
            reader.backup(writer, pages=pages)
            check = writer.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            writer.close()
            reader.close()
        if check != "ok":
            raise sqlite3.DatabaseError(f"the copy fails its integrity check: {check}")
        partial.replace(target)
    except DatabaseError:
        partial.unlink(missing_ok=True)
        raise
