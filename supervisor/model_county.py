"""The county dashboard (`jiaohao supervisor --county URL`) and the hall dashboard's
county line, plain Python (no Qt, no database): what each table shows, from a
snapshot the wiring fetched (county/dashboard.py).

- **Halls and their links** (各大厅连接): state, events not yet shipped, when the
  shipper last reported; a link silent for ``silent_after_s`` is 无响应.
- **Today per hall** (今日各大厅): the report's figures of today.
- **Cases** (差评整改): open and in-progress cases across halls, overdue ones marked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

LINK_WORDS = {"registered": "已登记，尚未连接", "starting": "正在连接", "shipping": "正在上传",
              "caught_up": "已同步", "down": "连接中断", "diverged": "数据不一致（需技术人员处理）"}
CASE_STATES = {"open": "待整改", "in_progress": "整改中"}


def link_text(link: Mapping[str, Any] | None) -> tuple[str, str]:
    """One line for a hall's link to the county, and its tone (ok, info, error)."""
    if link is None:
        return "未接入县级平台", "info"
    state = str(link.get("state"))
    text = f"县级平台：{LINK_WORDS.get(state, state)}"
    behind = link.get("behind")
    if behind:
        text += f"（待上传 {behind} 条）"
    error = link.get("last_error")
    if error and state in ("down", "diverged"):
        text += f"：{error}"
    tone = {"caught_up": "ok", "shipping": "info", "starting": "info"}.get(state, "error")
    return text, tone


class Observed:
    """A model whose views redraw on :meth:`on_change` (both dashboards)."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()


def _minutes(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 60:.1f}"


class CountyBoard(Observed):
    """The county dashboard's state; :meth:`show` a snapshot, :meth:`failed` when the
    county database could not be read (the last data stay, marked stale)."""

    def __init__(self, today: Callable[[], date], silent_after_s: float = 300.0) -> None:
        super().__init__()
        self._today = today
        self.silent_after_s = silent_after_s
        self.links: list[list[str]] = []
        self.today: list[list[str]] = []
        self.cases: list[list[str]] = []
        self.overdue_rows: set[int] = set()
        self.summary = "正在读取县级数据库…"
        self.message = ""
        self.tone = "info"
        self.stale = True

    def show(self, snapshot: Mapping[str, Any]) -> None:
        names = {link["hall_id"]: link["name"] for link in snapshot["links"]}
        self.links = []
        troubled = 0
        for link in snapshot["links"]:
            state = link["state"]
            age = link["age_s"]
            behind = max(0, link["hall_seq"] - link["shipped_seq"])
            if age is not None and age > self.silent_after_s and state != "diverged":
                words = f"无响应（{age / 60:.0f} 分钟未报告）"
                troubled += 1
            else:
                words = LINK_WORDS.get(state, state)
                troubled += state in ("down", "diverged")
            self.links.append([link["name"], words, str(behind), _minutes(age),
                               link["last_error"] or ""])
        figures = snapshot["today"]
        self.today = [
            [row["name"], str(row["issued"]), str(row["finished"]), str(row["skipped"]),
             _minutes(row["wait_s"]["mean"]), _minutes(row["wait_s"]["p90"]),
             "—" if row["satisfaction"] is None else f"{row['satisfaction'] * 100:.1f}",
             str(row["ratings"]["1"] + row["ratings"]["2"])]
            for row in figures["by_hall"]]
        today = self._today()
        self.cases, self.overdue_rows = [], set()
        for case in snapshot["cases"]:
            overdue = today > date.fromisoformat(case["deadline"])
            if overdue:
                self.overdue_rows.add(len(self.cases))
            self.cases.append([names.get(case["hall_id"], case["hall_id"]), str(case["case"]),
                               case["number"] or "", str(case["window"] or ""),
                               case["staff"] or "", CASE_STATES.get(case["state"], case["state"]),
                               case["deadline"], "逾期" if overdue else ""])
        total = figures["total"]
        self.summary = (f"{len(self.links)} 个大厅，{troubled} 个连接异常；今日取号 "
                        f"{total['issued']}，办结 {total['finished']}；差评整改未结 "
                        f"{len(self.cases)} 件，其中逾期 {len(self.overdue_rows)} 件")
        self.stale = False
        self.message, self.tone = "", "ok"
        self._changed()

    def failed(self, error: str) -> None:
        self.stale = True
        self.message, self.tone = f"读取县级数据库失败（显示的是上次的数据）：{error}", "error"
        self._changed()
