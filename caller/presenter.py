"""The calling terminal's presenter: plain Python, no Qt (an import contract checks it).

It reads the hall and the replica's state, turns the clerk's actions into hub requests
through a :class:`qtkit.results.Requester`, and keeps one :class:`CallerView` that the
widgets draw. Every action changes the view at once ("正在呼叫…") and again when the
hub answers; refusals are told in plain words (:func:`caller.words.refusal`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from caller.actions import ACTIONS, SPECIAL, Action
from caller.words import refusal
from hall.calling import call_order
from hall.clock import Clock
from hall.config import HallConfig
from hall.protocol import ASSIST_SOURCES
from hall.state import HallState, Ticket, TicketStatus
from qtkit.results import Reply, Requester

log = logging.getLogger(__name__)

#: Waiting numbers shown on the terminal (the count shows them all).
SHOWN_NUMBERS = 12

#: What a paused window may still do: serve its current citizen to the end (the hub
#: refuses to call anyone, a recall included, until it resumes).
PAUSED = frozenset({"resume", "sign_out", "skip", "finish", "transfer", "hold",
                    "ask_rating", "call_manager", "help", "proxy", "proxy_item"})


@dataclass(frozen=True)
class Current:
    """The ticket the window is serving."""

    id: int
    number: str
    service: str
    service_name: str
    called_at: str
    recalls: int
    elapsed_s: float
    max_s: float | None
    #: 帮办代办: whether its service is listed as such, and what it is marked (help,
    #: proxy; "" not yet).
    assist: bool = False
    assisted: str = ""

    @property
    def over_time(self) -> bool:
        return self.max_s is not None and self.elapsed_s > self.max_s


@dataclass(frozen=True)
class CallerView:
    """Everything the terminal shows, recomputed after each change."""

    window: int
    window_name: str = ""
    online: bool = False
    ready: bool = False  # a welcome has arrived
    staff: str | None = None
    staff_name: str | None = None
    paused: bool = False
    pause_reason: str = ""
    current: Current | None = None
    recall_limit: int = 5
    waiting: dict[str, int] = field(default_factory=dict)  # this window's services
    waiting_numbers: tuple[str, ...] = ()
    skipped: tuple[tuple[int, str], ...] = ()  # (id, number) of skipped tickets here
    held: tuple[tuple[int, str], ...] = ()  # (id, number) held aside by this terminal
    services: tuple[tuple[str, str], ...] = ()  # (id, name) of the hall, for transfer
    #: (id, name) of the 帮办代办 services this window may record a 代办 item for.
    assist_services: tuple[tuple[str, str], ...] = ()
    message: str = ""
    message_kind: str = "info"  # info | ok | error | warn
    notice: str = ""  # the queue stopped being empty
    busy: str = ""  # the action waiting for the hub's answer
    enabled: frozenset[str] = frozenset()

    @property
    def total_waiting(self) -> int:
        return sum(self.waiting.values())

    @property
    def signed_in(self) -> bool:
        return self.staff is not None


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


class CallerPresenter:
    """The terminal of one window.

    Args:
        window: the window number this terminal (its caller device) belongs to.
        requester: the bridge, or a fake in tests.
        clock: the current time (aware); the service timer counts from ``called_at``.
        on_finished: called with ``(ticket_id, number, staff)`` after a finish the hub
            accepted, so the wiring can ask the window's pad for a rating.
    """

    def __init__(
        self,
        window: int,
        requester: Requester,
        clock: Clock,
        on_finished: Callable[[int, str, str | None], None] | None = None,
    ) -> None:
        self.window = window
        self._requester = requester
        self._clock = clock
        self._on_finished = on_finished
        self._hall: HallConfig | None = None
        self._state: HallState | None = None
        self._online = False
        self._busy = ""
        self._message = ("请输入工号签到", "info")
        self._notice = ""
        self._pause_reason = ""
        self._since: tuple[int | None, str | None] = (None, None)  # first call seen
        self._held: dict[int, str] = {}
        self._last_waiting = 0
        self._listeners: list[Callable[[CallerView], None]] = []
        self.view = CallerView(window=window)

    # -- feeding ------------------------------------------------------------------------
    def on_change(self, listener: Callable[[CallerView], None]) -> None:
        self._listeners.append(listener)

    def refresh(self, hall: HallConfig, state: HallState) -> None:
        """Recompute from the replica (after a reset or an event)."""
        self._hall, self._state = hall, state
        waiting = self._waiting_total()
        current = self._window_ticket()
        if waiting > 0 and self._last_waiting == 0 and current is None:
            self._notice = "有人排队了"
        elif waiting == 0 or current is not None:
            self._notice = ""
        self._last_waiting = waiting
        # Held tickets that someone else called back or the day closed are gone.
        for ticket_id in list(self._held):
            ticket = state.tickets.get(ticket_id)
            if ticket is None or ticket.status is not TicketStatus.SKIPPED:
                del self._held[ticket_id]
        self._publish()

    def set_online(self, online: bool) -> None:
        """The link to the hub went up or down; the last state stays on screen."""
        if online == self._online:
            return
        self._online = online
        if online:
            self._message = ("已连接叫号服务器", "ok")
        else:
            self._message = ("与叫号服务器断开，正在自动重连…（显示的是断开前的状态）", "error")
        self._publish()

    def tick(self) -> None:
        """Redraw the running service time (the window calls this every second)."""
        self._publish()

    # -- actions ------------------------------------------------------------------------
    def act(self, name: str, **fields: Any) -> None:
        """Run one action by name (buttons, shortcuts, keypads and the CLI use this)."""
        action = ACTIONS.get(name)
        if action is None:
            raise ValueError(f"unknown action {name!r}; known: {', '.join(ACTIONS)}")
        if name not in self.view.enabled:
            self.say(self._why_not(action), "error")
            return
        getattr(self, f"_do_{name}")(action, **fields)

    def _why_not(self, action: Action) -> str:
        if not self._online:
            return f"{action.label}：未连接叫号服务器，请稍候自动重连"
        if self._busy:
            return f"{action.label}：请等上一个操作完成"
        if not self.view.signed_in and action.name != "sign_in":
            return f"{action.label}：请先签到"
        if self.view.paused and action.name not in PAUSED:
            return f"{action.label}：窗口暂停中，请先恢复服务"
        return f"{action.label}：现在不能操作"

    def _send(self, action: Action, type_: str, fields: dict[str, Any],
              done: Callable[[Reply], None] | None = None) -> None:
        self._busy = action.name
        self.say(f"{action.label}…", "info")

        def answered(reply: Reply) -> None:
            self._busy = ""
            if reply.ok:
                if done is not None:
                    done(reply)
                else:
                    self.say(f"{action.label}：完成", "ok")
            else:
                self.say(f"{action.label}未成功：{refusal(reply.code, reply.message)}",
                          "error")
            self._publish()

        self._requester.request(type_, {"window": self.window, **fields}, answered)

    def _ticket_said(self, action: Action, verb: str) -> Callable[[Reply], None]:
        def done(reply: Reply) -> None:
            ticket = reply.data.get("ticket")
            if ticket:
                self.say(f"{verb} {ticket['number']}", "ok")
            else:
                self.say(f"{action.label}：完成", "ok")
        return done

    def _do_sign_in(self, action: Action, staff: str = "") -> None:
        staff = staff.strip()
        if not staff:
            self.say("请输入工号", "error")
            return
        self._send(action, "sign_in", {"staff": staff},
                   lambda _r: self.say(f"已签到：工号 {staff}", "ok"))

    def _do_sign_out(self, action: Action) -> None:
        self._send(action, "sign_out", {}, lambda _r: self.say("已签退", "ok"))

    def _do_call_next(self, action: Action) -> None:
        def done(reply: Reply) -> None:
            ticket = reply.data.get("ticket")
            if ticket:
                self.say(f"已呼叫 {ticket['number']}", "ok")
            else:
                self.say("没有人在等候", "warn")
        self._send(action, "call_next", {}, done)

    def _do_recall(self, action: Action) -> None:
        def done(reply: Reply) -> None:
            ticket = reply.data["ticket"]
            self.say(f"已重呼 {ticket['number']}（第 {ticket['recalls']} 次，"
                      f"最多 {self.view.recall_limit} 次）", "ok")
        self._send(action, "recall", {}, done)

    def _do_skip(self, action: Action) -> None:
        self._send(action, "skip", {}, self._ticket_said(action, "已过号"))

    def _do_finish(self, action: Action) -> None:
        staff = self.view.staff

        def done(reply: Reply) -> None:
            ticket = reply.data["ticket"]
            self.say(f"{ticket['number']} 已办结", "ok")
            if self._on_finished is not None:
                self._on_finished(int(ticket["id"]), str(ticket["number"]), staff)
        self._send(action, "finish", {}, done)

    def _do_transfer(self, action: Action, service: str = "") -> None:
        if not service:
            self.say("请选择转到哪个业务", "error")
            return
        name = dict(self.view.services).get(service, service)
        self._send(action, "transfer", {"service": service},
                   self._ticket_said(action, f"已转到{name}："))

    def _do_pause(self, action: Action, reason: str = "") -> None:
        reason = reason.strip()
        if not reason:
            self.say("暂停：请先选择或填写暂停原因", "error")
            return

        def done(_reply: Reply) -> None:
            self._pause_reason = reason
            self.say("已暂停服务" + (f"（{reason}）" if reason else ""), "ok")
        self._send(action, "pause", {"reason": reason}, done)

    def _do_resume(self, action: Action) -> None:
        def done(_reply: Reply) -> None:
            self._pause_reason = ""
            self.say("已恢复服务", "ok")
        self._send(action, "resume", {}, done)

    def _do_call_number(self, action: Action, number: str = "") -> None:
        number = number.strip().upper()
        if not number:
            self.say("请输入要呼叫的号码，如 A012", "error")
            return
        self._send(action, "call_number", {"number": number},
                   self._ticket_said(action, "已呼叫"))

    def _do_reinstate(self, action: Action, ticket: int | None = None) -> None:
        if ticket is None:
            self.say("请选择要恢复排队的过号号码", "error")
            return

        def done(reply: Reply) -> None:
            self.say(f"{reply.data['ticket']['number']} 已恢复排队，前面 "
                      f"{reply.data.get('ahead', 0)} 人", "ok")
        self._send(action, "reinstate", {"ticket": ticket}, done)

    def _do_help(self, action: Action) -> None:
        self._mark(action, "help")

    def _do_proxy(self, action: Action) -> None:
        self._mark(action, "proxy")

    def _mark(self, action: Action, kind: str) -> None:
        def done(reply: Reply) -> None:
            self.say(f"{reply.data.get('number') or ''} 已记为{action.label}", "ok")
        self._send(action, "assist", {"assist": kind}, done)

    def _do_proxy_item(self, action: Action, service: str = "", source: str = "",
                       note: str = "") -> None:
        if not service:
            self.say("代办登记：请选择代办的业务", "error")
            return
        source = source or "other"
        fields: dict[str, Any] = {"assist": "proxy", "service": service, "source": source}
        if note.strip():
            fields["note"] = note.strip()
        name = dict(self.view.assist_services).get(service, service)
        self._send(action, "assist", fields,
                   lambda _r: self.say(f"已登记代办：{name}（{ASSIST_SOURCES[source]}）", "ok"))

    def _do_ask_rating(self, action: Action) -> None:
        self._special(action)

    def _do_call_manager(self, action: Action) -> None:
        self._special(action)

    def _special(self, action: Action) -> None:
        self._send(action, "announce", {"call": SPECIAL[action.name]},
                   lambda _r: self.say(f"{action.label}：已播报", "ok"))

    def _do_hold(self, action: Action) -> None:
        # 挂起 is a skip the terminal remembers: the citizen stays listed as held here
        # and 回呼 calls the number back directly (call_number takes skipped tickets).
        current = self.view.current
        if current is None:
            return

        def done(_reply: Reply) -> None:
            self._held[current.id] = current.number
            self.say(f"{current.number} 已挂起，可随时回呼", "ok")
        self._send(action, "skip", {}, done)

    def _do_call_back(self, action: Action, ticket: int | None = None) -> None:
        if ticket is None:
            if not self._held:
                return
            ticket = next(iter(self._held))
        number = self._held.get(ticket) or dict(self.view.skipped).get(ticket)
        if number is None:
            self.say("这个号码已不在挂起列表中", "error")
            return
        self._send(action, "call_number", {"number": number},
                   self._ticket_said(action, "已回呼"))

    # -- computing the view ---------------------------------------------------------------
    def say(self, text: str, kind: str) -> None:
        self._message = (text, kind)
        self._publish()

    def _my_services(self) -> set[str]:
        hall = self._hall
        config = hall.window(self.window) if hall else None
        return {s for tier in config.tiers for s in tier} if config else set()

    def _waiting_total(self) -> int:
        return sum(self._waiting_counts().values())

    def _waiting_counts(self) -> dict[str, int]:
        state = self._state
        if state is None:
            return {}
        hall = self._hall
        config = hall.window(self.window) if hall else None
        order = [s for tier in config.tiers for s in tier] if config else []
        return {s: len(state.queues[s]) if s in state.queues else 0 for s in order}

    def _window_ticket(self) -> Ticket | None:
        state = self._state
        if state is None or self.window not in state.windows:
            return None
        ticket_id = state.windows[self.window].ticket
        return state.tickets.get(ticket_id) if ticket_id is not None else None

    def _current(self) -> Current | None:
        ticket = self._window_ticket()
        if ticket is None:
            return None
        service = self._hall.service(ticket.service) if self._hall else None
        # the hub counts the service from the first call of this visit, not a recall; a
        # replica that began after that call keeps the first call time it saw
        first = ticket.visits[-1].called_at if ticket.visits else None
        if first is None:
            first = self._since[1] if self._since[0] == ticket.id else ticket.called_at
        self._since = (ticket.id, first)
        called = _parse_time(first)
        elapsed = max(0.0, (self._clock() - called).total_seconds()) if called else 0.0
        max_min = service.max_minutes if service else None
        mine = next((v for v in reversed(ticket.visits) if v.window == self.window), None)
        return Current(
            id=ticket.id, number=ticket.number, service=ticket.service,
            service_name=service.name if service else ticket.service,
            called_at=ticket.called_at or "", recalls=ticket.recalls, elapsed_s=elapsed,
            max_s=max_min * 60.0 if max_min is not None else None,
            assist=bool(service and service.assist),
            assisted=(mine.assisted or "") if mine else "",
        )

    def _lists(self) -> tuple[tuple[str, ...], tuple[tuple[int, str], ...]]:
        state = self._state
        if state is None:
            return (), ()
        mine = self._my_services()
        hall = self._hall
        config = hall.window(self.window) if hall else None
        waiting: list[Ticket] = []
        if hall is not None and config is not None:  # in the order F1 will call them
            window = state.windows.get(self.window)
            order = call_order(state, config.tiers, window.streaks if window else {},
                               hall.policy.priority_ratio, SHOWN_NUMBERS)
            waiting = [state.tickets[c.ticket] for c in order]
        skipped = sorted(
            (t for t in state.tickets.values()
             if t.status is TicketStatus.SKIPPED
             and (t.service in mine or t.window == self.window)),
            key=lambda t: t.order,
        )
        return (tuple(t.number for t in waiting),
                tuple((t.id, t.number) for t in skipped))

    def _assist_services(self) -> tuple[tuple[str, str], ...]:
        """The 帮办代办 services a 代办 item may be recorded for here: all of them at
        the hall's 帮办代办 window, else those this window serves."""
        hall = self._hall
        config = hall.window(self.window) if hall else None
        if hall is None or config is None:
            return ()
        return tuple((s.id, s.name) for s in hall.services
                     if s.assist and (config.assist or s.id in config.services))

    def _enabled(self, view: CallerView) -> frozenset[str]:
        if not self._online or self._busy or not view.ready:
            return frozenset()
        if not view.signed_in:
            return frozenset({"sign_in"})
        if view.paused:  # paused mid-service: the citizen can still be served to the end
            if view.current is not None:
                mark = view.current.assist and not view.current.assisted
                return frozenset(PAUSED - (set() if mark else {"help", "proxy"})
                                 - (set() if view.assist_services else {"proxy_item"}))
            return frozenset({"resume", "sign_out", "ask_rating", "call_manager"}
                             | ({"proxy_item"} if view.assist_services else set()))
        on: set[str] = {"sign_out", "pause", "call_next", "call_number", "call_manager",
                        "ask_rating"}
        if view.assist_services:
            on.add("proxy_item")
        if view.current is not None:
            on |= {"recall", "skip", "finish", "transfer", "hold"}
            if view.current.assist and not view.current.assisted:
                on |= {"help", "proxy"}
            if view.current.recalls >= view.recall_limit:
                on.discard("recall")
        if view.skipped:
            on.add("reinstate")
        if view.held:
            on.add("call_back")
        return frozenset(on)

    def _publish(self) -> None:
        hall, state = self._hall, self._state
        window_state = state.windows.get(self.window) if state else None
        config = hall.window(self.window) if hall else None
        waiting_numbers, skipped = self._lists()
        view = CallerView(
            window=self.window,
            window_name=config.name if config else f"{self.window}号窗口",
            online=self._online,
            ready=state is not None,
            staff=window_state.staff if window_state else None,
            staff_name=window_state.staff_name if window_state else None,
            paused=window_state.paused if window_state else False,
            pause_reason=(window_state.pause_reason or self._pause_reason
                          if window_state and window_state.paused else ""),
            current=self._current(),
            recall_limit=hall.policy.recall_limit if hall else 5,
            waiting=self._waiting_counts(),
            waiting_numbers=waiting_numbers,
            skipped=tuple(s for s in skipped if s[0] not in self._held),
            held=tuple(self._held.items()),
            services=tuple((s.id, s.name) for s in hall.services) if hall else (),
            assist_services=self._assist_services(),
            message=self._message[0],
            message_kind=self._message[1],
            notice=self._notice,
            busy=self._busy,
        )
        enabled = self._enabled(view)
        self.view = CallerView(**{**view.__dict__, "enabled": enabled})
        for listener in self._listeners:
            listener(self.view)

