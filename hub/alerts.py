"""Alerts for managers, decided from the hall state and the clock (pure).

:func:`wanted` lists every alert the hall deserves now; the engine raises the new ones
(``alert_raised``) and clears those no longer wanted (``alert_cleared``), so each
alert is raised once and cleared once however often it is evaluated. The rules are
``[alerts]`` of the hall config (docs/config.md):

- ``wait``: a zone's (or a service's) longest-waiting citizen over ``wait_minutes``;
- ``queue``: more than ``queue`` citizens waiting in a zone (or a service);
- ``pause``: a window paused for longer than ``pause_minutes``;
- ``overdue``: a citizen served longer than the service's ``max_minutes``;
- ``device``: a device reporting a fault (a kiosk's printer out of paper …).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hall.config import HallConfig, Limits
from hall.state import HallState

#: Faults a device may report, in words for managers.
FAULTS = {"paper_out": "缺纸", "paper_near_end": "纸将用完", "cover_open": "机盖打开",
          "offline": "离线", "unknown": "状态不明"}


@dataclass(frozen=True)
class Wanted:
    alert: str
    category: str
    scope: str
    level: str
    message: str
    value: float | None
    limit: float | None


def wanted(state: HallState, config: HallConfig, now: datetime) -> dict[str, Wanted]:
    """Every alert the hall deserves at ``now``, by alert id."""
    rules = config.alerts
    out: dict[str, Wanted] = {}
    oldest, count = _waiting(state, config)
    names = {f"zone:{z.id}": z.name for z in config.zones}
    names.update({f"service:{s.id}": s.name for s in config.services})
    limits: dict[str, Limits] = {f"zone:{z.id}": rules.zone_limits(z.id) for z in config.zones}
    limits.update({f"service:{sid}": lim for sid, lim in rules.services.items()})
    for scope, limit in limits.items():
        name = names.get(scope, scope)
        if limit.wait_minutes is not None and scope in oldest:
            waited = (now - oldest[scope]).total_seconds() / 60
            if waited > limit.wait_minutes:
                _add(out, "wait", scope, waited, limit.wait_minutes,
                     f"{name} 最长等候 {waited:.0f} 分钟（上限 {limit.wait_minutes:g} 分钟）")
        if limit.queue is not None and count.get(scope, 0) > limit.queue:
            _add(out, "queue", scope, count[scope], limit.queue,
                 f"{name} 等候 {count[scope]} 人（上限 {limit.queue} 人）")
    for ws in state.windows.values():
        window = config.window(ws.number)
        name = window.name if window is not None else f"{ws.number}号窗口"
        scope = f"window:{ws.number}"
        if rules.pause_minutes is not None and ws.paused and ws.paused_at:
            paused = (now - datetime.fromisoformat(ws.paused_at)).total_seconds() / 60
            if paused > rules.pause_minutes:
                reason = f"（{ws.pause_reason}）" if ws.pause_reason else ""
                _add(out, "pause", scope, paused, rules.pause_minutes,
                     f"{name} 暂停服务 {paused:.0f} 分钟{reason}")
        current = state.tickets.get(ws.ticket) if ws.ticket is not None else None
        service = config.service(current.service) if current is not None else None
        if (rules.overdue and current is not None and current.called_at and service is not None
                and service.max_minutes is not None):
            serving = (now - datetime.fromisoformat(current.called_at)).total_seconds() / 60
            if serving > service.max_minutes:
                _add(out, "overdue", scope, serving, service.max_minutes,
                     f"{name} {current.number} 已办理 {serving:.0f} 分钟"
                     f"（{service.name} 限时 {service.max_minutes:g} 分钟）")
    if rules.devices:
        for device, fault in state.faults.items():
            words = FAULTS.get(fault.status, fault.status)
            detail = f"：{fault.detail}" if fault.detail else ""
            level = "critical" if fault.status in ("paper_out", "offline") else "warning"
            _add(out, "device", f"device:{device}", None, None,
                 f"{device} {fault.device_kind} {words}{detail}", level=level)
    return out


def _waiting(state: HallState, config: HallConfig) -> tuple[dict[str, datetime], dict[str, int]]:
    """The earliest issue time and the number of citizens waiting, by scope (each
    service, each zone). From the services' queues, which hold exactly the waiting
    tickets: the day's finished tickets are not walked (at 30,000 tickets of a day that
    walk took ~70 ms, every 5 s, in the writer's path)."""
    oldest: dict[str, datetime] = {}
    count: dict[str, int] = {}
    tickets = state.tickets
    for service_id, queue in state.queues.items():
        waiting = len(queue)
        if not waiting:
            continue
        issued = min(map(datetime.fromisoformat,
                         [tickets[i].issued_at for lane in (queue.priority, queue.normal)
                          for _, i in lane]))
        service = config.service(service_id)
        scopes = [f"service:{service_id}"]
        if service is not None:
            scopes.append(f"zone:{service.zone}")
        for scope in scopes:
            count[scope] = count.get(scope, 0) + waiting
            if scope not in oldest or issued < oldest[scope]:
                oldest[scope] = issued
    return oldest, count


def _add(out: dict[str, Wanted], category: str, scope: str, value: float | None,
         limit: float | None, message: str, level: str = "warning") -> None:
    alert = f"{category}:{scope}"
    out[alert] = Wanted(alert, category, scope, level, message,
                        None if value is None else round(value, 1), limit)
