"""A simulated hall morning through the real engine, driven by simulated time.

Citizens arrive at random (Poisson, a rate per half hour and service, some of them
priority), clerks sign in for their shifts, call the next ticket as soon as they are
free, serve for a random time (log-normal), pause when told and sign out at the end.
Every request goes through :class:`hub.engine.Engine` exactly as on a running hub, so
the queue's own rules (tiers, priority ratio, sign-in) are the ones simulated.

Pure: no I/O, no clock. Used by ``bench/forecast.py`` (how true the waits are) and by
the staffing planner (``jiaohao plan``, checked against this simulation).
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from hall.config import HallConfig
from hall.forecast import Wait
from hall.protocol import CallNext, Finish, Pause, Resume, SignIn, SignOut, TakeTicket
from hall.state import HallState, estimated_wait_min
from hub.engine import Engine

#: Length of one arrival-rate step.
STEP_MIN = 30.0


@dataclass(frozen=True)
class Demand:
    """Who comes for one service: arrivals per hour in each half hour from the start
    (the last rate holds after), the service time (log-normal: mean minutes, sigma of
    its logarithm; ``sigma`` None: exponential) and the share of priority tickets."""

    service: str
    per_hour: Sequence[float]
    mean_min: float
    sigma: float | None = 0.5
    priority_share: float = 0.0

    def rate(self, minute: float) -> float:
        """Arrivals per minute at ``minute`` after the start."""
        index = min(int(minute // STEP_MIN), len(self.per_hour) - 1)
        return self.per_hour[index] / 60.0

    def duration_min(self, rng: random.Random) -> float:
        if self.sigma is None:
            return rng.expovariate(1.0 / self.mean_min)
        mu = math.log(self.mean_min) - self.sigma ** 2 / 2
        return rng.lognormvariate(mu, self.sigma)


@dataclass(frozen=True)
class Shift:
    """A clerk at ``window`` from ``start`` to ``end`` minutes, pausing in ``pauses``
    (start, end) minutes (a pause begins once the service in hand is finished)."""

    window: int
    start: float = 0.0
    end: float = math.inf
    pauses: tuple[tuple[float, float], ...] = ()


@dataclass
class Issue:
    """One ticket as issued: what each formula promised, and when it was called."""

    ticket: int
    service: str
    priority: bool
    issued: float  # minutes from the start
    ahead: int
    new: Wait
    old: int
    called: float | None = None

    @property
    def waited(self) -> float | None:
        return None if self.called is None else self.called - self.issued


@dataclass
class Morning:
    """What a simulated morning gave: every ticket, and the engine at the end."""

    issues: list[Issue] = field(default_factory=list)
    engine: Engine | None = None
    #: every service time drawn (minutes), in the order services began
    served: list[float] = field(default_factory=list)


@dataclass(order=True)
class _Step:
    at: float
    order: int
    act: Callable[[], None] = field(compare=False)


def simulate(config: HallConfig, demands: Sequence[Demand], shifts: Sequence[Shift], *,
             start: datetime, minutes: float, seed: int = 0,
             prior: Mapping[str, Mapping[str, Any]] | None = None,
             serve_until: float | None = None) -> Morning:
    """Run ``minutes`` of arrivals from ``start`` (timezone-aware), clerks serving until
    ``serve_until`` minutes (default: until everyone is called). ``prior`` becomes the
    state's ``forecast_prior`` (the hall's history). The config should require sign-in
    for shifts to decide who is there (else windows count by activity, as in a hall)."""
    rng = random.Random(seed)
    engine = Engine(config, HallState())
    if prior is not None:
        engine.state.forecast_prior = {s: dict(h) for s, h in prior.items()}
    morning = Morning(engine=engine)
    steps: list[_Step] = []
    counter = iter(range(1 << 62))
    clock = [0.0]
    by_id: dict[int, Issue] = {}
    serving: dict[int, bool] = {}
    pause_due: dict[int, float] = {}  # window -> end of the pause to begin after service
    on: dict[int, bool] = {}  # clerk at the window and not paused
    by_service = {d.service: d for d in demands}
    limit = math.inf if serve_until is None else serve_until

    def now() -> datetime:
        return start + timedelta(minutes=clock[0])

    def at(minute: float, act: Callable[[], None]) -> None:
        heapq.heappush(steps, _Step(minute, next(counter), act))

    def run(request: Any) -> dict[str, Any]:
        return engine.execute(request, now()).data

    def call(window: int) -> None:
        """The clerk presses 呼叫下一位 (finishing the service in hand)."""
        if pause_due.get(window) is not None:
            if serving.get(window):
                run(Finish(id=1, window=window))
                serving[window] = False
            end = pause_due.pop(window)
            run(Pause(id=1, window=window))
            on[window] = False
            at(end, partial(resume, window))
            return
        if not on.get(window) or clock[0] > limit:
            if serving.get(window):
                run(Finish(id=1, window=window))
                serving[window] = False
            return
        data = run(CallNext(id=1, window=window))
        ticket = data.get("ticket")
        serving[window] = ticket is not None
        if ticket is None:
            return
        issue = by_id.get(int(ticket["id"]))
        if issue is not None and issue.called is None:
            issue.called = clock[0]
        demand = by_service.get(str(ticket["service"]))
        length = demand.duration_min(rng) if demand else 5.0
        morning.served.append(length)
        at(clock[0] + length, partial(call, window))

    def resume(window: int) -> None:
        run(Resume(id=1, window=window))
        on[window] = True
        call(window)

    def wake_idle() -> None:
        for window, present in on.items():
            if present and not serving.get(window):
                call(window)

    def arrive(demand: Demand) -> None:
        priority = rng.random() < demand.priority_share
        data = run(TakeTicket(id=1, service=demand.service, priority=priority))
        ticket = data["ticket"]
        span = data.get("wait_range_min")
        wait = (Wait(int(data["estimated_wait_min"]), int(span[0]), int(span[1]))
                if span is not None else Wait(0, 0, 0, known=False))
        old = estimated_wait_min(engine.state, config, demand.service, int(data["ahead"]))
        issue = Issue(ticket=int(ticket["id"]), service=demand.service, priority=priority,
                      issued=clock[0], ahead=int(data["ahead"]), new=wait, old=old)
        by_id[issue.ticket] = issue
        morning.issues.append(issue)
        wake_idle()
        schedule_arrival(demand)

    def schedule_arrival(demand: Demand) -> None:
        minute = clock[0]
        while minute < minutes:  # thinning over the piecewise-constant rate
            peak = max(demand.per_hour) / 60.0
            if peak <= 0:
                return
            minute += rng.expovariate(peak)
            if minute < minutes and rng.random() < demand.rate(minute) / peak:
                at(minute, partial(arrive, demand))
                return

    def sign_in(shift: Shift) -> None:
        run(SignIn(id=1, window=shift.window, staff=f"S{shift.window:03d}"))
        on[shift.window] = True
        call(shift.window)

    def sign_out(shift: Shift) -> None:
        on[shift.window] = False
        if serving.get(shift.window):
            run(Finish(id=1, window=shift.window))
            serving[shift.window] = False
        run(SignOut(id=1, window=shift.window))

    def pause(shift: Shift, begin: float, end: float) -> None:
        pause_due[shift.window] = end
        if not serving.get(shift.window):
            call(shift.window)

    for shift in shifts:
        at(shift.start, partial(sign_in, shift))
        if math.isfinite(shift.end):
            at(shift.end, partial(sign_out, shift))
        for begin, end in shift.pauses:
            at(begin, partial(pause, shift, begin, end))
    for demand in demands:
        schedule_arrival(demand)
    while steps:
        step = heapq.heappop(steps)
        clock[0] = step.at
        step.act()
    return morning
