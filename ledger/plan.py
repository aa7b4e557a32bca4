"""What the staffing planner learns from the ledger (``jiaohao plan``, docs/forecast.md):
arrivals per half hour and service, by weekday, and each service's mean service time,
over the last weeks. Reads the ``tickets`` table (issue times) and the
``ticket_finished`` events of those days. From that, :func:`plan`: the windows each
zone needs per half hour (Erlang C, hall/staffing.py), for ``jiaohao plan`` and for the
supervisor's ``plan`` read (ledger/queries.py).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from hall.config import HallConfig
from hall.forecast import fit
from hall.staffing import windows_needed


@dataclass
class Demand:
    """Per weekday (0 = Monday): mean arrivals per half hour (``"09:30"``) and service
    over the days of that weekday that had any; the mean service minutes per service
    (robust fit: a forgotten finish does not count), and the days seen."""

    arrivals: dict[int, dict[str, dict[str, float]]] = field(default_factory=dict)
    mean_min: dict[str, float] = field(default_factory=dict)
    days: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """One zone in one half hour."""

    zone: str
    zone_name: str
    slot: str
    arrivals_per_hour: float
    mean_min: float
    windows: int
    service_level: float
    mean_wait_min: float
    p90_wait_min: float


def slot_of(moment: datetime) -> str:
    """The half hour a moment falls in, as ``HH:MM``."""
    return f"{moment.hour:02d}:{30 if moment.minute >= 30 else 0:02d}"


def demand(db: Database, today: date, weeks: int) -> Demand:
    """The demand of the ``weeks`` weeks before ``today``. Raises sqlite3.Error."""
    start = (today - timedelta(weeks=weeks)).isoformat()
    end = today.isoformat()
    counts: dict[tuple[int, str], dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int)))
    days: dict[int, set[str]] = defaultdict(set)
    for issued_at, service in db.execute(
            "SELECT issued_at, service FROM tickets WHERE day >= ? AND day < ?", [start, end]):
        moment = datetime.fromisoformat(issued_at)
        weekday = moment.weekday()
        label = moment.date().isoformat()
        days[weekday].add(label)
        counts[(weekday, label)][service][slot_of(moment)] += 1
    out = Demand()
    for weekday, labels in days.items():
        table: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for label in labels:
            for service, slots in counts[(weekday, label)].items():
                for slot, n in slots.items():
                    table[service][slot] += n / len(labels)
        out.arrivals[weekday] = {s: dict(v) for s, v in table.items()}
        out.days[weekday] = len(labels)
    durations: dict[str, list[float]] = defaultdict(list)
    for (data,) in db.execute(
            "SELECT data FROM events WHERE day >= ? AND day < ? AND kind = 'ticket_finished'",
            [start, end]):
        payload = json.loads(data)
        if isinstance(payload.get("service"), str) and isinstance(
                payload.get("duration_s"), int | float):
            durations[payload["service"]].append(float(payload["duration_s"]))
    for service, values in durations.items():
        found = fit(values)
        if found is not None:
            out.mean_min[service] = found.mean_s / 60.0
    return out


def zone_load(config: HallConfig, found: Demand, weekday: int, zone: str,
              slot: str) -> tuple[float, float]:
    """Arrivals per minute and their mean service minutes for ``zone`` in ``slot``."""
    table = found.arrivals.get(weekday, {})
    arrivals = 0.0
    work = 0.0
    for service in config.services:
        if service.zone != zone:
            continue
        n = table.get(service.id, {}).get(slot, 0.0)
        mean = found.mean_min.get(service.id, service.typical_minutes)
        arrivals += n
        work += n * mean
    if arrivals <= 0:
        return 0.0, 0.0
    return arrivals / 30.0, work / arrivals


def half_hours(found: Demand, weekday: int) -> list[str]:
    """The half hours of ``weekday`` that had arrivals, in order."""
    return sorted({slot for slots in found.arrivals.get(weekday, {}).values() for slot in slots})


def plan(config: HallConfig, found: Demand, weekday: int, target_min: float,
         share: float) -> list[Row]:
    """Windows needed per zone and half hour of ``weekday`` (0 = Monday)."""
    rows = []
    for zone in config.zones:
        for slot in half_hours(found, weekday):
            rate, mean = zone_load(config, found, weekday, zone.id, slot)
            if rate <= 0:
                continue
            need = windows_needed(rate, mean, target_min, share)
            rows.append(Row(zone.id, zone.name, slot, round(rate * 60, 1), round(mean, 1),
                            need.windows, need.service_level, need.mean_wait_min,
                            need.p90_wait_min))
    return rows
