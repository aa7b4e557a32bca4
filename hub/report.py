"""The day's report (日通报) from the store: tickets, waits, service times, no-shows and
ratings per service, zone and window.

Wait = call time − issue time; service time = finish − call (DOMAIN.md). A rating of
3 (基本满意) or better counts as satisfied; 1 and 2 are 差评.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from hall.config import HallConfig


@dataclass
class Line:
    """One row of the report: a service, a zone, a window or the whole hall."""

    key: str
    name: str
    issued: int = 0
    served: int = 0
    no_show: int = 0
    open: int = 0
    waits_min: list[float] = field(default_factory=list)
    services_min: list[float] = field(default_factory=list)
    scores: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        rated = len(self.scores)
        return {
            "key": self.key,
            "name": self.name,
            "issued": self.issued,
            "served": self.served,
            "no_show": self.no_show,
            "open": self.open,
            "average_wait_min": _mean(self.waits_min),
            "average_service_min": _mean(self.services_min),
            "ratings": rated,
            "satisfaction": round(sum(s >= 3 for s in self.scores) / rated, 3) if rated else None,
            "bad_ratings": sum(s <= 2 for s in self.scores),
        }


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _minutes(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 60


def day_report(db: Database, config: HallConfig, day: str) -> dict[str, Any]:
    """Figures of one hall day (an indexed read of that day's rows only)."""
    hall = Line("hall", config.hall.name)
    services = {s.id: Line(s.id, s.name) for s in config.services}
    zones = {z.id: Line(z.id, z.name) for z in config.zones}
    windows = {w.number: Line(str(w.number), w.name) for w in config.windows}

    def lines_for(service: str | None, window: int | None) -> list[Line]:
        out = [hall]
        if service in services:
            out.append(services[service])
            zone = config.service(service)
            if zone is not None and zone.zone in zones:
                out.append(zones[zone.zone])
        if window in windows:
            out.append(windows[window])
        return out

    rows = db.execute(
        "SELECT service, status, issued_at, called_at, finished_at, window FROM tickets"
        " WHERE day = ?", [day],
    ).fetchall()
    for service, status, issued_at, called_at, finished_at, window in rows:
        for line in lines_for(service, None):
            line.issued += 1
            line.no_show += status == "skipped" or (status == "closed" and called_at is not None)
            line.open += status in ("waiting", "called")
        wait = _minutes(issued_at, called_at)
        served = _minutes(called_at, finished_at)
        for line in lines_for(service, window):
            if wait is not None:
                line.waits_min.append(wait)
            if status == "finished":
                line.served += 1
                if served is not None:
                    line.services_min.append(served)
    for service, window, score in db.execute(
        "SELECT service, window, score FROM ratings WHERE day = ?", [day]
    ).fetchall():
        for line in lines_for(service, window):
            line.scores.append(int(score))
    return {
        "day": day,
        "hall": hall.summary(),
        "services": [line.summary() for line in services.values() if line.issued],
        "zones": [line.summary() for line in zones.values() if line.issued],
        "windows": [line.summary() for line in windows.values() if line.served or line.scores],
    }


def report_markdown(report: dict[str, Any]) -> str:
    """The report as a Markdown page a hall manager can read or print."""

    def cell(value: object, pct: bool = False) -> str:
        if value is None:
            return "—"
        if pct and isinstance(value, float):
            return f"{value * 100:.1f}%"
        return str(value)

    def table(title: str, rows: list[dict[str, Any]]) -> list[str]:
        out = [f"## {title}", "",
               "| | 取号 issued | 办结 served | 过号 no-show | 平均等候 wait (min) |"
               " 平均办理 service (min) | 评价 ratings | 满意率 satisfied | 差评 bad |",
               "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            out.append(
                f"| {r['name']} | {r['issued']} | {r['served']} | {r['no_show']} |"
                f" {cell(r['average_wait_min'])} | {cell(r['average_service_min'])} |"
                f" {r['ratings']} | {cell(r['satisfaction'], pct=True)} | {r['bad_ratings']} |"
            )
        return [*out, ""]

    hall = report["hall"]
    lines = [f"# {hall['name']} 日通报 — {report['day']}", ""]
    lines += table("全厅 Hall", [hall])
    lines += table("按业务 By service", report["services"])
    lines += table("按区域 By zone", report["zones"])
    lines += table("按窗口 By window", report["windows"])
    return "\n".join(lines)

