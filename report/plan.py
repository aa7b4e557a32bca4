"""`jiaohao plan`: how many windows each zone needs, per half hour, for a waiting target.

From the last weeks of the ledger (ledger/plan.py): arrivals per half hour and service
on the chosen weekday, and each service's mean service time. Per zone and half hour,
Erlang C (hall/staffing.py) gives the fewest windows that serve the target share within
the target wait (「80 % 的群众等候不超过 15 分钟」 by default). ``--what-if ZONE:K@HH:MM``
gives the expected and 90th-percentile wait with K windows open in a zone at a time.
``--check`` runs the real engine on simulated time (hub/simulation.py) at the planned
windows of each zone's busiest half hour and shows the service level it reached beside
the one Erlang C predicted. Writes XLSX, a PDF with a chart per zone, and JSON.
The command line is report/plan_cli.py.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from hall.config import (
    HallConfig,
    HallInfo,
    Policy,
    Service,
    Window,
    Zone,
)
from hall.staffing import staffing
from ledger.plan import Demand, Row, plan, zone_load
from report.sheets import write_xlsx
from report.tables import Chart, Series, Table

FORMATS = ("xlsx", "pdf", "json")
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True)
class WhatIf:
    zone: str
    zone_name: str
    at: str
    windows: int
    arrivals_per_hour: float
    mean_min: float
    service_level: float
    mean_wait_min: float
    p90_wait_min: float


def what_if(config: HallConfig, found: Demand, weekday: int, zone: str, windows: int,
            at: time, target_min: float) -> WhatIf:
    """The waits with ``windows`` open in ``zone`` in the half hour holding ``at``."""
    slot = f"{at.hour:02d}:{30 if at.minute >= 30 else 0:02d}"
    rate, mean = zone_load(config, found, weekday, zone, slot)
    figures = staffing(windows, rate, mean or 1.0, target_min)
    known = config.zone(zone)
    return WhatIf(zone, known.name if known else zone, slot, windows, round(rate * 60, 1),
                  round(mean, 1), figures.service_level, figures.mean_wait_min,
                  figures.p90_wait_min)


@dataclass(frozen=True)
class Simulated:
    """What the engine on simulated time gave: the share called within the target, and
    the load that actually came (arrivals per minute, mean service minutes)."""

    service_level: float
    arrivals_per_min: float
    mean_min: float
    tickets: int


def simulated_level(windows: int, arrivals_per_min: float, mean_min: float,
                    target_min: float, *, hours: float = 24.0, seeds: int = 3) -> Simulated:
    """The share of citizens called within ``target_min`` when the real engine, on
    simulated time, serves a steady load with ``windows`` windows (exponential service,
    Poisson arrivals: Erlang C's own assumptions); the first hour is left out."""
    from hub.simulation import Demand as Arrivals
    from hub.simulation import Shift, simulate

    config = HallConfig(
        hall=HallInfo(name="模拟", timezone="Asia/Shanghai"), zones=(Zone("Z", "区"),),
        services=(Service(id="A", name="业务", zone="Z", typical_minutes=mean_min),),
        windows=tuple(Window(number=n, name=f"{n}号窗口", tiers=(("A",),))
                      for n in range(1, windows + 1)),
        policy=Policy(require_sign_in=True))
    start = datetime(2026, 11, 2, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    within = total = arrived = 0
    served: list[float] = []
    for seed in range(seeds):
        morning = simulate(config, [Arrivals("A", [arrivals_per_min * 60], mean_min, None)],
                           [Shift(n) for n in range(1, windows + 1)], start=start,
                           minutes=hours * 60, seed=seed)
        arrived += len(morning.issues)
        served += morning.served
        for issue in morning.issues:
            if issue.issued < 60 or issue.waited is None:
                continue
            total += 1
            within += issue.waited <= target_min
    return Simulated(within / total if total else 1.0, arrived / (seeds * hours * 60),
                     sum(served) / len(served) if served else mean_min, total)


def _tables(rows: list[Row], ifs: list[WhatIf],
            checks: list[tuple[Row, Simulated]]) -> list[Table]:
    def minutes(value: float) -> float | None:
        return None if math.isinf(value) else round(value, 1)

    out = [Table("各区域每半小时所需窗口", "plan",
                 ("区域", "时段", "到达(人/时)", "平均办理(分)", "所需窗口", "达标率(%)",
                  "平均等候(分)", "P90等候(分)"),
                 tuple((r.zone_name, r.slot, r.arrivals_per_hour, r.mean_min, r.windows,
                        round(r.service_level * 100, 1), minutes(r.mean_wait_min),
                        minutes(r.p90_wait_min)) for r in rows))]
    if ifs:
        out.append(Table("假设开窗", "what_if",
                         ("区域", "时段", "开窗数", "到达(人/时)", "平均办理(分)", "达标率(%)",
                          "平均等候(分)", "P90等候(分)"),
                         tuple((w.zone_name, w.at, w.windows, w.arrivals_per_hour, w.mean_min,
                                round(w.service_level * 100, 1), minutes(w.mean_wait_min),
                                minutes(w.p90_wait_min)) for w in ifs)))
    if checks:
        out.append(Table("模拟核验（各区域最忙时段）", "check",
                         ("区域", "时段", "所需窗口", "预测达标率(%)", "模拟达标率(%)",
                          "模拟票数"),
                         tuple((r.zone_name, r.slot, r.windows, round(r.service_level * 100, 1),
                                round(sim.service_level * 100, 1), sim.tickets)
                               for r, sim in checks)))
    return out


def _charts(rows: list[Row]) -> list[Chart]:
    charts = []
    for zone in dict.fromkeys(r.zone_name for r in rows):
        mine = [r for r in rows if r.zone_name == zone]
        charts.append(Chart(f"{zone} 所需窗口", "个", tuple(r.slot for r in mine),
                            (Series("所需窗口", tuple(float(r.windows) for r in mine)),)))
    return charts


def write_plan(config: HallConfig, found: Demand, weekday: int, today: date,
               target_min: float, share: float, asks: list[tuple[str, int, time]],
               check: bool, out: Path, formats: list[str], weeks: int) -> list[Path]:
    """Compute the plan and write it into ``out``; the files written."""
    rows = plan(config, found, weekday, target_min, share)
    ifs = [what_if(config, found, weekday, zone, k, at, target_min) for zone, k, at in asks]
    checks = []
    if check:
        for zone in dict.fromkeys(r.zone for r in rows):
            busiest = max((r for r in rows if r.zone == zone), key=lambda r: r.arrivals_per_hour)
            checks.append((busiest, simulated_level(busiest.windows,
                                                    busiest.arrivals_per_hour / 60,
                                                    busiest.mean_min, target_min)))
    out.mkdir(parents=True, exist_ok=True)
    stem = f"plan-{WEEKDAYS[weekday]}"
    title = f"{config.hall.name} 窗口配置建议（{WEEKDAYS[weekday]}）"
    subtitle = (f"目标：{share * 100:g}% 的群众等候不超过 {target_min:g} 分钟；依据 {today} 前 "
                f"{weeks} 周（{found.days.get(weekday, 0)} 个{WEEKDAYS[weekday]}）的数据")
    tables = _tables(rows, ifs, checks)
    written: list[Path] = []
    if "json" in formats:
        path = out / f"{stem}.json"
        path.write_text(json.dumps({
            "weekday": weekday + 1, "target_min": target_min, "target_share": share,
            "plan": [asdict(r) for r in rows], "what_if": [asdict(w) for w in ifs],
            "check": [{"zone": r.zone, "slot": r.slot, "windows": r.windows,
                       "predicted": r.service_level, "simulated": sim.service_level}
                      for r, sim in checks],
        }, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        written.append(path)
    if "xlsx" in formats:
        period = {"start": f"{WEEKDAYS[weekday]}", "end": f"{WEEKDAYS[weekday]}"}
        written.append(write_xlsx(period, config.hall.name, tables, out / f"{stem}.xlsx"))
    if "pdf" in formats:
        from report.pdf import render_document  # Qt only when a PDF is asked for

        written.append(render_document(title, subtitle, _charts(rows), tables,
                                       out / f"{stem}.pdf"))
    return written
