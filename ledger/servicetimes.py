"""Service times of recent weeks, for the wait forecast (hall/forecast.py, docs/forecast.md).

The hub asks once a day (at start and when a hall day closes) for the service times of
the same weekday in the last few weeks, fitted per service and hour (and over all
hours), and hands them to the forecast as ``HallState.forecast_prior``. Reads the
``ticket_finished`` events of those days only (indexed by day).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from hall.forecast import ServiceTime, fit, prior_json

#: Weeks of history the prior looks back.
PRIOR_WEEKS = 6
#: An hour needs this many timed services to have a fit of its own.
HOUR_MIN = 8


def service_time_prior(db: Database, today: date,
                       weeks: int = PRIOR_WEEKS) -> dict[str, dict[str, list[float]]]:
    """Per service, per hour (``"9"``) and over all hours (``"*"``): the robust
    log-normal fit ``[mu, sigma, n]`` of the services finished on ``today``'s weekday in
    the ``weeks`` weeks before it. Raises sqlite3.Error when the store cannot be read."""
    by_hour: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for back in range(1, weeks + 1):
        day = (today - timedelta(weeks=back)).isoformat()
        rows = db.execute(
            "SELECT at, data FROM events WHERE day >= ? AND day < ?"
            " AND kind = 'ticket_finished'",
            [day, day + "~"],  # the day and its later numbering sessions (day#2)
        ).fetchall()
        for at, data in rows:
            payload = json.loads(data)
            service, duration = payload.get("service"), payload.get("duration_s")
            if not isinstance(service, str) or not isinstance(duration, int | float):
                continue
            by_hour[service][datetime.fromisoformat(at).hour].append(float(duration))
    fits: dict[str, dict[str, ServiceTime]] = {}
    for service, hours in by_hour.items():
        table: dict[str, ServiceTime] = {}
        every = [d for durations in hours.values() for d in durations]
        overall = fit(every)
        if overall is not None:
            table["*"] = overall
        for hour, durations in hours.items():
            if len(durations) >= HOUR_MIN:
                found = fit(durations)
                if found is not None:
                    table[str(hour)] = found
        fits[service] = table
    return prior_json(fits)
