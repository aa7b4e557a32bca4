"""The report's tables and chart series from the ``stats`` figures: plain Python, shared
by the PDF, the XLSX and the CSV so all three show the same numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: (heading, how a row's value is read) for every column after the row's name.
Column = tuple[str, Callable[[dict[str, Any]], Any]]


def _minutes(field: str, stat: str) -> Callable[[dict[str, Any]], float | None]:
    def read(row: dict[str, Any]) -> float | None:
        value = row[field][stat]
        return None if value is None else round(value / 60, 1)
    return read


def _count(name: str) -> Callable[[dict[str, Any]], int]:
    return lambda row: int(row[name])


def _count_if(name: str) -> Callable[[dict[str, Any]], int | None]:
    """A count some sources do not keep (the county's figures have no 帮办代办): None."""
    return lambda row: None if row.get(name) is None else int(row[name])


def _share(name: str) -> Callable[[dict[str, Any]], float | None]:
    return lambda row: None if row[name] is None else round(row[name] * 100, 1)


COLUMNS: tuple[Column, ...] = (
    ("取号", _count("issued")),
    ("叫号", _count("called")),
    ("重呼", _count("recalled")),
    ("办结", _count("finished")),
    ("过号", _count("skipped")),
    ("转移", _count("transferred")),
    ("未办结", _count("closed_unfinished")),
    ("预约", _count("bookings_kept")),
    ("帮办", _count_if("help")),
    ("代办", _count_if("proxy")),
    ("延时", _count_if("extended")),
    ("错时", _count_if("off_hours")),
    ("平均等候(分)", _minutes("wait_s", "mean")),
    ("中位等候(分)", _minutes("wait_s", "median")),
    ("P90等候(分)", _minutes("wait_s", "p90")),
    ("最长等候(分)", _minutes("wait_s", "max")),
    ("平均办理(分)", _minutes("service_s", "mean")),
    ("最长办理(分)", _minutes("service_s", "max")),
    ("评价数", lambda row: sum(row["ratings"].values())),
    ("差评", lambda row: row["ratings"]["1"] + row["ratings"]["2"]),
    ("满意率(%)", _share("satisfaction")),
    ("参评率(%)", _share("rated_share")),
)

#: Extra columns of the clerks' table.
ATTENDANCE: tuple[Column, ...] = (
    ("签到次数", lambda row: row["attendance"]["sessions"]),
    ("在岗(时)", lambda row: round(row["attendance"]["signed_in_s"] / 3600, 2)),
)

#: (section title, key of the stats answer, name column heading).
SECTIONS = (
    ("全厅合计", "total", "范围"),
    ("按大厅", "by_hall", "大厅"),  # the county's report only
    ("按日", "by_day", "日期"),
    ("按时段", "by_hour", "时段"),
    ("按区域", "by_zone", "区域"),
    ("按业务", "by_service", "业务"),
    ("按窗口", "by_window", "窗口"),
    ("按人员", "by_clerk", "人员"),
)


@dataclass(frozen=True)
class Table:
    title: str
    key: str  # the stats key, also the sheet and CSV name
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


#: How a rating came, as the report names it.
CHANNELS = {"pad": "评价器", "phone": "手机", "kiosk": "自助机", "web": "网页"}


def tables(stats: dict[str, Any]) -> list[Table]:
    """Every table of the report, in order."""
    out = []
    for title, key, name in SECTIONS:
        if key not in stats:
            continue  # the county's report has no windows nor clerks, a hall's no halls
        if key == "total" and "by_hall" in stats:
            title = "全县合计"
        columns = COLUMNS + (ATTENDANCE if key == "by_clerk" else ())
        source = [{"name": period(stats), **stats["total"]}] if key == "total" else stats[key]
        if key == "by_day" and len(source) < 2:
            continue  # a one-day report: the total says it
        header = (name, *(heading for heading, _ in columns))
        rows = tuple((row["name"], *(read(row) for _, read in columns)) for row in source)
        out.append(Table(title, key, header, rows))
    for title, key, name in FORECAST_SECTIONS:
        source = [row for row in stats.get(key, ()) if (row.get("forecast") or {}).get("tickets")]
        if source:
            header = (name, *(heading for heading, _ in FORECAST_COLUMNS))
            rows = tuple((row["name"], *(read(row) for _, read in FORECAST_COLUMNS))
                         for row in source)
            out.append(Table(title, f"forecast_{key}", header, rows))
    if stats.get("comments"):
        header = ("号码", "评价时间", "窗口", "人员", "评分", "渠道", "原因", "意见")
        rows = tuple((c["number"], str(c["rated_at"])[:16].replace("T", " "), c["window"],
                      c["staff"], c["score"], CHANNELS.get(c["channel"], c["channel"]),
                      c["reason"], c["comment"]) for c in stats["comments"])
        out.append(Table("评价意见", "comments", header, rows))
    if "cases_by_hall" in stats:
        header = ("大厅", *(heading for heading, _ in CASE_COLUMNS))
        rows = tuple((row["name"], *(read(row) for _, read in CASE_COLUMNS))
                     for row in stats["cases_by_hall"])
        out.append(Table("差评整改（按大厅）", "cases_by_hall", header, rows))
    return out


#: How true the waits promised at issue were (docs/forecast.md): tickets with a promise
#: that were called, mean absolute error, share inside the 80 % range, share that
#: waited more than a minute longer than promised.
FORECAST_COLUMNS: tuple[Column, ...] = (
    ("预估票数", lambda row: row["forecast"]["tickets"]),
    ("平均误差(分)", lambda row: row["forecast"]["mae_min"]),
    ("落在范围内(%)", lambda row: _pct(row["forecast"]["in_range"])),
    ("低估超1分钟(%)", lambda row: _pct(row["forecast"]["under"])),
)
FORECAST_SECTIONS = (
    ("等候预估准确度（按日）", "by_day", "日期"),
    ("等候预估准确度（按业务）", "by_service", "业务"),
)


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


#: The county's 差评 table: cases per hall (county/figures.py ``cases_by_hall``).
CASE_COLUMNS: tuple[Column, ...] = (
    ("期内差评", _count("opened")),
    ("待整改", _count("open")),
    ("整改中", _count("in_progress")),
    ("逾期", _count("overdue")),
)


def period(stats: dict[str, Any]) -> str:
    start, end = stats["start"], stats["end"]
    return start if start == end else f"{start} 至 {end}"


def headline(stats: dict[str, Any]) -> list[tuple[str, str]]:
    """The few figures a manager reads first, as (label, text)."""
    total = stats["total"]

    def minutes(value: float | None) -> str:
        return "—" if value is None else f"{value / 60:.1f} 分钟"

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.1f}%"

    rated = sum(total["ratings"].values())
    bad = total["ratings"]["1"] + total["ratings"]["2"]
    return [
        ("取号", str(total["issued"])),
        ("办结", str(total["finished"])),
        ("过号", str(total["skipped"])),
        ("平均等候", minutes(total["wait_s"]["mean"])),
        ("P90 等候", minutes(total["wait_s"]["p90"])),
        ("平均办理", minutes(total["service_s"]["mean"])),
        ("评价 / 差评", f"{rated} / {bad}"),
        ("满意率", share(total["satisfaction"])),
    ]


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]


def charts(stats: dict[str, Any]) -> list[Chart]:
    """The report's charts: arrivals vs served per hour, waits per zone, satisfaction
    per window (only windows with ratings)."""
    hours = stats["by_hour"]
    zones = stats["by_zone"]
    rated = [w for w in stats.get("by_window", ()) if w["satisfaction"] is not None]
    out = [
        Chart("每小时取号与办结", "人次", tuple(h["name"] for h in hours), (
            Series("取号", tuple(float(h["issued"]) for h in hours)),
            Series("办结", tuple(float(h["finished"]) for h in hours)),
        )),
        Chart("各区域等候时间", "分钟", tuple(z["name"] for z in zones), (
            Series("平均", tuple(_min(z["wait_s"]["mean"]) for z in zones)),
            Series("P90", tuple(_min(z["wait_s"]["p90"]) for z in zones)),
        )),
    ]
    halls = stats.get("by_hall", [])
    if halls:
        out.append(Chart("各大厅取号与办结", "人次", tuple(h["name"] for h in halls), (
            Series("取号", tuple(float(h["issued"]) for h in halls)),
            Series("办结", tuple(float(h["finished"]) for h in halls)),
        )))
        out.append(Chart("各大厅等候时间", "分钟", tuple(h["name"] for h in halls), (
            Series("平均", tuple(_min(h["wait_s"]["mean"]) for h in halls)),
            Series("P90", tuple(_min(h["wait_s"]["p90"]) for h in halls)),
        )))
    if rated:
        out.append(Chart("各窗口满意率", "%", tuple(w["name"] for w in rated), (
            Series("满意率", tuple(round(w["satisfaction"] * 100, 1) for w in rated)),
        )))
    return out


def _min(seconds: float | None) -> float:
    return 0.0 if seconds is None else round(seconds / 60, 1)
