"""The managers' dashboard, plain Python (no Qt): what each panel shows, and the admin
requests behind it (``stats``, ``cases``, ``case_update``, ``ticket_history``, ``plan``).

- **Live** (大厅实况): from the replica, at every event: each zone's queue and longest
  wait, each window's state, clerk and current citizen, the open alerts.
- **Today** (今日数据): the ``stats`` figures of today, fetched when something they
  count happened, at most every ``figures_every_s`` (a busy hall's calls coalesce).
- **Cases** (差评整改): the follow-up cases and their actions.
- **History** (电子监察): one ticket's events, by number and date.
- **Plan** (窗口排班建议): ``jiaohao plan``'s table, the windows each zone needs per half
  hour of a weekday for a waiting target, read from the hub's ledger on demand.

Offline: the last data stay on screen, marked stale, and the actions are disabled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hall.config import HallConfig
from hall.state import HallState, Ticket, TicketStatus
from qtkit.results import Reply, Requester
from supervisor.model_county import Observed, link_text

#: Event kinds that change today's figures.
COUNTED = frozenset({"ticket_issued", "ticket_called", "ticket_finished", "ticket_skipped",
                     "ticket_transferred", "rating_recorded", "assist_recorded",
                     "day_closed"})
CASE_KINDS = frozenset({"case_opened", "case_updated"})
STATE_NAMES = {"open": "待整改", "in_progress": "整改中", "fixed": "已整改",
               "cannot_fix": "无法整改"}
ACTION_NAMES = {"start": "开始整改", "note": "添加备注", "callback": "记录回访",
                "extend": "申请延期", "fix": "整改完成", "cannot_fix": "无法整改"}
WORDS = {"offline": "与叫号系统的连接已断开", "forbidden": "本设备没有管理权限",
         "case_refused": "不能这样操作", "unknown_case": "没有这个案件",
         "timeout": "叫号系统没有及时回应", "connection_lost": "连接中断，结果未知"}


@dataclass(frozen=True)
class ZoneRow:
    zone: str
    name: str
    waiting: int
    longest_min: int | None


@dataclass(frozen=True)
class WindowRow:
    number: int
    name: str
    state: str  # 办理中 | 空闲 | 暂停 | 未签到
    clerk: str
    ticket: str
    minutes: int | None  # how long the current citizen has been served


@dataclass(frozen=True)
class PlanRow:
    """One zone in one half hour of the staffing plan, as the table shows it."""

    zone: str
    slot: str
    arrivals_per_hour: float
    mean_min: float
    windows: int
    service_level: str  # 83%
    mean_wait_min: float
    p90_wait_min: float


WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True)
class AlertRow:
    alert: str
    level: str
    message: str
    since: str


class Dashboard(Observed):
    def __init__(self, requester: Requester, clock: Callable[[], datetime],
                 figures_every_s: float = 10.0) -> None:
        super().__init__()
        self._requester = requester
        self._clock = clock
        self.figures_every_s = figures_every_s
        self.connected = False
        self.zones: list[ZoneRow] = []
        self.windows: list[WindowRow] = []
        self.alerts: list[AlertRow] = []
        self.figures: dict[str, Any] | None = None
        self.cases: list[dict[str, Any]] = []
        self.history: list[dict[str, Any]] = []
        self.plan: list[PlanRow] = []
        self.plan_line = "选择星期与目标后点「生成建议」"
        self._plan_pending = False
        self.message = ""
        self.tone = "info"  # info | ok | error
        self.refreshes = 0  # stats requests sent (the bench reads it)
        #: The hall's link to the county as /healthz reports it (None: not shipping).
        self.county: dict[str, Any] | None = None
        self._figures_dirty = True
        self._cases_dirty = True
        self._figures_pending = False
        self._cases_pending = False
        self._figures_at: datetime | None = None

    def say(self, text: str, tone: str = "info") -> None:
        self.message, self.tone = text, tone
        self._changed()

    def set_county(self, link: dict[str, Any] | None) -> None:
        """The county link from the hub's /healthz (``county``)."""
        if link != self.county:
            self.county = link
            self._changed()

    def county_line(self) -> tuple[str, str]:
        """The link's line on the status bar and its tone."""
        return link_text(self.county)

    # -- the live hall ------------------------------------------------------------------

    def set_connected(self, connected: bool) -> None:
        self.connected = connected
        if connected:
            self._figures_dirty = self._cases_dirty = True
            self.say("已连接叫号系统", "ok")
            self.tick()
        else:
            self.say("与叫号系统的连接已断开：显示的是断开前的数据，正在自动重连…", "error")

    def refresh_live(self, hall: HallConfig, state: HallState) -> None:
        """Recompute the live panel from the replica."""
        now = self._clock()
        waiting: dict[str, list[Ticket]] = {}
        for ticket in state.tickets.values():
            if ticket.status is TicketStatus.WAITING:
                service = hall.service(ticket.service)
                if service is not None:
                    waiting.setdefault(service.zone, []).append(ticket)
        self.zones = []
        for zone in hall.zones:
            tickets = waiting.get(zone.id, [])
            oldest = min((datetime.fromisoformat(t.issued_at) for t in tickets), default=None)
            longest = None if oldest is None else int((now - oldest).total_seconds() // 60)
            self.zones.append(ZoneRow(zone.id, zone.name, len(tickets), longest))
        self.windows = []
        for window in hall.windows:
            ws = state.windows.get(window.number)
            current = state.tickets.get(ws.ticket) if ws is not None and ws.ticket else None
            minutes = None
            if current is not None and current.called_at:
                minutes = int((now - datetime.fromisoformat(current.called_at))
                              .total_seconds() // 60)
            if ws is None or (ws.staff is None and current is None and not ws.paused):
                status = "未签到"
            elif ws.paused:
                status = "暂停" + (f"（{ws.pause_reason}）" if ws.pause_reason else "")
            elif current is not None:
                status = "办理中"
            else:
                status = "空闲"
            clerk = ""
            if ws is not None and ws.staff:
                clerk = f"{ws.staff_name or ''} {ws.staff}".strip()
            self.windows.append(WindowRow(window.number, window.name, status, clerk,
                                          current.number if current else "", minutes))
        self.alerts = sorted(
            (AlertRow(a.alert, a.level, a.message, a.since)
             for a in getattr(state, "alerts", {}).values()),
            key=lambda a: (a.level != "critical", a.since))
        self._changed()

    def event(self, kind: str) -> None:
        """An event arrived: mark what it changes (fetched on the next :meth:`tick`)."""
        if kind in COUNTED:
            self._figures_dirty = True
        if kind in CASE_KINDS or kind == "rating_recorded":
            self._cases_dirty = True

    def tick(self) -> None:
        """Called every second or so: fetch what is stale, no more often than allowed."""
        if not self.connected:
            return
        now = self._clock()
        due = self._figures_at is None or (
            (now - self._figures_at).total_seconds() >= self.figures_every_s)
        if self._figures_dirty and due and not self._figures_pending:
            self._figures_dirty = False
            self._figures_pending = True
            self._figures_at = now
            self.refreshes += 1
            self._requester.request("stats", {}, self._got_figures)
        if self._cases_dirty and not self._cases_pending:
            self._cases_dirty = False
            self._cases_pending = True
            self._requester.request("cases", {}, self._got_cases)

    def _got_figures(self, reply: Reply) -> None:
        self._figures_pending = False
        if reply.ok:
            self.figures = reply.data
            self._changed()
        else:
            self._figures_dirty = True
            self._refused("今日数据", reply)

    def _got_cases(self, reply: Reply) -> None:
        self._cases_pending = False
        if reply.ok:
            self.cases = list(reply.data.get("cases", []))
            self._changed()
        else:
            self._cases_dirty = True
            self._refused("差评案件", reply)

    # -- cases ----------------------------------------------------------------------------

    def act(self, case: int, action: str, text: str = "", *, reached: bool | None = None,
            satisfied: bool | None = None) -> None:
        if not self.connected:
            self.say("未连接叫号系统，操作未发送", "error")
            return
        fields: dict[str, Any] = {"case": case, "action": action}
        if text.strip():
            fields["text"] = text.strip()
        if action == "callback":
            fields["reached"] = bool(reached)
            if reached:
                fields["satisfied"] = bool(satisfied)
        self._requester.request("case_update", fields, lambda r: self._acted(action, r))

    def _acted(self, action: str, reply: Reply) -> None:
        if reply.ok:
            case = reply.data["case"]
            self.cases = [case if c["id"] == case["id"] else c for c in self.cases]
            self.say(f"案件 {case['id']}（{case['number']}）：{ACTION_NAMES[action]}，"
                     f"现为{STATE_NAMES[case['state']]}", "ok")
        else:
            self._refused(ACTION_NAMES.get(action, action), reply)

    # -- ticket history -----------------------------------------------------------------

    def search(self, number: str, day: str = "") -> None:
        number = number.strip().upper()
        if not number:
            self.say("请输入号码，如 A012", "error")
            return
        fields: dict[str, Any] = {"number": number}
        if day.strip():
            fields["day"] = day.strip()
        self._requester.request("ticket_history", fields, self._found)

    def _found(self, reply: Reply) -> None:
        if reply.ok:
            self.history = list(reply.data.get("tickets", []))
            self.say(f"找到 {len(self.history)} 张号票" if self.history else "没有这个号码",
                     "ok" if self.history else "info")
        else:
            self._refused("查询号票", reply)

    # -- staffing plan ------------------------------------------------------------------

    def ask_plan(self, weeks: int = 6, weekday: int | None = None, target_min: int = 15,
                 target_percent: int = 80) -> None:
        """Ask the hub for the staffing plan (``plan``; ``weekday`` 1 = Monday, None:
        today's). One at a time: a second ask while one is out is not sent."""
        if not self.connected:
            self.say("未连接叫号系统，无法生成排班建议", "error")
            return
        if self._plan_pending:
            return
        fields: dict[str, Any] = {"weeks": weeks, "target_min": target_min,
                                  "target_percent": target_percent}
        if weekday is not None:
            fields["weekday"] = weekday
        self._plan_pending = True
        self.plan_line = "正在生成排班建议…"
        self._changed()
        self._requester.request("plan", fields, self._got_plan)

    def _got_plan(self, reply: Reply) -> None:
        self._plan_pending = False
        if not reply.ok:
            self.plan_line = "排班建议未生成"
            self._refused("排班建议", reply)
            return
        d = reply.data
        self.plan = [PlanRow(r["zone_name"], r["slot"], r["arrivals_per_hour"], r["mean_min"],
                             r["windows"], f"{r['service_level'] * 100:.0f}%",
                             round(r["mean_wait_min"], 1), round(r["p90_wait_min"], 1))
                     for r in d["rows"]]
        head = (f"{WEEKDAYS[d['weekday'] - 1]}，近 {d['weeks']} 周（其中 {d['days']} 天有数据），"
                f"目标：{d['target_percent']}% 的群众等候不超过 {d['target_min']} 分钟")
        self.plan_line = head if self.plan else head + "：没有可用的历史数据"
        self._changed()

    def _refused(self, what: str, reply: Reply) -> None:
        words = WORDS.get(reply.code, reply.message or reply.code)
        self.say(f"{what}未成功：{words}", "error")


def forecast_line(figures: dict[str, Any]) -> str:
    """How true today's promised waits were (a stats row's ``forecast``), in one line:
    mean error, share inside the range shown, share that waited over a minute longer."""
    f = figures.get("forecast") or {}
    if not f.get("tickets"):
        return "等候预估：今日尚无已叫号的预估"
    return (f"等候预估（{f['tickets']} 张）：平均误差 {f['mae_min']:.1f} 分钟　"
            f"落在范围内 {f['in_range'] * 100:.0f}%　低估超 1 分钟 {f['under'] * 100:.0f}%")
