"""Suite-wide settings and the one fake clock.

Qt must run offscreen: without this pytest aborts headless. Every hub and app in the
suite is given a :class:`FakeClock` (10:00 in Shanghai on a working Monday) instead of
the wall clock, so the suite passes at any hour and on any day (tests/test_clock_ban.py
keeps the wall clock out of everything but the CLIs; CI runs the whole suite again under
faketime at other hall times and days: .ci/hours).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: One scalable unit for every wait in the suite: raise JIAOHAO_TEST_TIMEOUT on a slow machine.
TIMEOUT_S = float(os.environ.get("JIAOHAO_TEST_TIMEOUT", "10"))

#: The suite's hall time: Monday 2 March 2026, 10:00 in Asia/Shanghai (a working day,
#: inside every example service's hours and outside the lunch quiet hours).
TEN_AM = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


class FakeClock:
    """A settable clock (a :data:`hall.clock.Clock`): ``now`` until moved on."""

    def __init__(self, now: datetime = TEN_AM) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class RunningClock:
    """A clock that starts at ``start`` and runs with the monotonic clock: for an app
    beside a real ``jiaohao hub`` process, whose own time its welcome gives the app."""

    def __init__(self, start: datetime = TEN_AM) -> None:
        self._start, self._mono = start, time.monotonic()

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._mono)


@pytest.fixture
def clock() -> FakeClock:
    """The fake clock every hub and app of one test shares."""
    return FakeClock()
