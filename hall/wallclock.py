"""The wall clock, for a process's wiring only (its CLI or ``app.py``).

Everything below the wiring is handed a :data:`hall.clock.Clock` instead; an import
contract and tests/test_clock_ban.py keep engines, models, presenters, windows and
announcers from importing this module or reading the time themselves.
"""

from __future__ import annotations

from datetime import UTC, datetime


def wall_clock() -> datetime:
    """Now, in UTC (timezone-aware)."""
    return datetime.now(UTC)
