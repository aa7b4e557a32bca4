"""How long a citizen will wait: a point estimate and an 80 % range (docs/forecast.md).

Pure: it reads a :class:`hall.state.HallState`, the hall configuration and the time it
is given, and does no I/O. The hub uses it for ``take_ticket``, ``ticket_info`` and
the waits it publishes; every replica can compute the same figures from its state.

The model, in short:

- **Service times** per service are log-normal, fitted robustly (median and median
  absolute deviation of the logarithms, so a forgotten ``finish`` of three hours moves
  nothing) to today's finished services, blended with the same weekday and hour of
  recent weeks (``HallState.forecast_prior``, read from the ledger by the hub).
- **Capacity** is what is true now: a window counts when it serves the service, is not
  paused, and has a clerk (signed in where the hall requires it; otherwise signed in or
  active in the last :data:`ACTIVE_WITHIN`). A window shared with other services gives
  this one a share in proportion to the work waiting for each, services of earlier
  tiers weighing more (the window prefers them).
- **Order rules**: a normal ticket also waits for the priority tickets expected to
  arrive over its wait (at most the priority ratio's share of the calls); a priority ticket gives
  way to the normal share of the cycle while normal tickets wait.
- **Out of it**: the time until ``ahead + 1`` calls, whose mean is ``(ahead + r) · m / c``
  (``r`` the mean residual of the services in progress) and whose spread comes from
  the service times' spread plus an allowance for the hall changing meanwhile; the
  point is the median and the range the 10th to the 90th percentile of a log-normal
  with that mean and spread.

Over 600 lines: the model, and what keeps it cheap enough to answer every take_ticket
(:class:`Kept`, :meth:`Snapshot.later` and :meth:`Snapshot.issued`, the running arrival
counts), act on the same views of the hall; apart, each would have to know the other's.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from itertools import islice
from statistics import NormalDist, median
from typing import Any
from zoneinfo import ZoneInfo

from hall.config import HallConfig, Window
from hall.state import HallState, Ticket

#: A window of a hall without sign-in counts as staffed this long after its last call.
ACTIVE_WITHIN = timedelta(minutes=20)
#: Finished services of today a service-time fit uses (the most recent ones).
TODAY_KEPT = 80
#: Evidence weight of the history prior at most (today's services each weigh 1).
PRIOR_WEIGHT = 20.0
#: Spread assumed when a service has never been timed (log-normal sigma).
DEFAULT_SIGMA = 0.6
#: Shortest duration the fit believes (a call finished at once is not a service).
MIN_DURATION_S = 10.0
#: How much the hall may change while a citizen waits (relative sd of the wait).
DRIFT = 0.18
#: The pace of arrivals is taken over this look-back, the priority share over the longer.
ARRIVALS_OVER = timedelta(minutes=30)
SHARE_OVER = timedelta(minutes=120)
#: The range is these quantiles of the wait.
LOW_Q, HIGH_Q = 0.10, 0.90
#: The largest share of calls that priority tickets are taken to pass a normal one by.
MAX_LOST = 0.9
#: Weight of a waiting service's work on a shared window, by its tier relative to ours.
EARLIER_TIER, LATER_TIER = 2.0, 0.5

_Z_LOW = NormalDist().inv_cdf(LOW_Q)
_Z_HIGH = NormalDist().inv_cdf(HIGH_Q)
_MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class ServiceTime:
    """A log-normal service time: ``mu``/``sigma`` of ln(seconds), ``n`` the evidence."""

    mu: float
    sigma: float
    n: float

    @cached_property
    def mean_s(self) -> float:
        return math.exp(self.mu + self.sigma ** 2 / 2)

    @cached_property
    def sd_s(self) -> float:
        return self.mean_s * math.sqrt(math.expm1(self.sigma ** 2))

    def to_json(self) -> list[float]:
        return [round(self.mu, 4), round(self.sigma, 4), round(self.n, 1)]

    @classmethod
    def parse(cls, raw: Any) -> ServiceTime:
        """From ``[mu, sigma, n]``. Raises ValueError."""
        if not isinstance(raw, Sequence) or len(raw) != 3:
            raise ValueError(f"a service-time fit is [mu, sigma, n], not {raw!r}")
        mu, sigma, n = (float(x) for x in raw)
        if not (math.isfinite(mu) and sigma >= 0 and n >= 0):
            raise ValueError(f"a service-time fit out of range: {raw!r}")
        return cls(mu, sigma, n)


def fit(durations_s: Iterable[float]) -> ServiceTime | None:
    """A robust log-normal fit of service durations (None for no durations): median
    and scaled median absolute deviation of the logarithms, so outliers such as a
    clerk's forgotten ``finish`` barely move it."""
    logs = sorted(math.log(max(MIN_DURATION_S, float(d))) for d in durations_s)
    if not logs:
        return None
    mu = median(logs)
    sigma = _MAD_TO_SD * median(abs(x - mu) for x in logs)
    if len(logs) < 5:  # too few to judge the spread: assume the usual one
        sigma = max(sigma, DEFAULT_SIGMA)
    return ServiceTime(mu, max(sigma, 0.05), float(len(logs)))


@lru_cache(maxsize=256)
def _fit_recent(durations_s: tuple[float, ...]) -> ServiceTime | None:
    """:func:`fit` of today's most recent services, kept for the same durations (they
    change only when a service finishes, so a burst of tickets fits them once)."""
    return fit(durations_s)


def blend(today: ServiceTime | None, prior: ServiceTime | None,
          typical_s: float) -> ServiceTime:
    """Today's fit weighed with the history prior (at most :data:`PRIOR_WEIGHT` services'
    worth); the configured typical time when neither exists."""
    if prior is not None and prior.n > 0:
        prior = ServiceTime(prior.mu, prior.sigma, min(prior.n, PRIOR_WEIGHT))
    parts = [p for p in (today, prior) if p is not None and p.n > 0]
    if not parts:
        sigma = DEFAULT_SIGMA
        return ServiceTime(math.log(max(typical_s, MIN_DURATION_S)) - sigma ** 2 / 2, sigma, 0.0)
    total = sum(p.n for p in parts)
    mu = sum(p.mu * p.n for p in parts) / total
    var = sum(p.n * (p.sigma ** 2 + (p.mu - mu) ** 2) for p in parts) / total
    return ServiceTime(mu, math.sqrt(var), total)


def prior_for(prior: Mapping[str, Mapping[str, Any]], service: str,
              hour: int) -> ServiceTime | None:
    """The history prior of ``service`` at ``hour`` (or over all hours, key ``"*"``)."""
    table = prior.get(service)
    if not table:
        return None
    raw = table.get(str(hour)) or table.get("*")
    return ServiceTime.parse(raw) if raw is not None else None


@dataclass(frozen=True)
class Wait:
    """A wait forecast in minutes: ``minutes`` the point, ``[low, high]`` the 80 % range;
    ``known`` False when no window can serve the service now (暂无法估计)."""

    minutes: int
    low: int
    high: int
    known: bool = True

    @property
    def range(self) -> list[int]:
        return [self.low, self.high]


UNKNOWN = Wait(0, 0, 0, known=False)
NO_WAIT = Wait(0, 0, 0)


class _ServiceView:
    """What the waits of one service at one moment are worked out from."""

    __slots__ = ("capacity", "idle", "idle_share", "lanes", "normals", "priority_rate", "time",
                 "up", "waits")

    def __init__(self, up: tuple[tuple[int, bool], ...], time: ServiceTime, capacity: float,
                 idle: int, idle_share: float, priority_rate: float, normals: bool) -> None:
        self.up = up  # the staffed windows it counts (Kept.serving's answer)
        self.time = time
        self.capacity = capacity  # windows' worth serving it now
        self.idle = idle  # staffed, unpaused windows serving it that hold no ticket
        self.idle_share = idle_share  # their shares
        self.priority_rate = priority_rate  # priority tickets per second, recently
        self.normals = normals  # whether normal tickets of it wait
        #: the waits already worked out from it: (ahead, priority) -> wait
        self.waits: dict[tuple[int, bool], Wait] = {}
        #: what the waits of each lane have in common (Snapshot._lane), by priority
        self.lanes: dict[bool, tuple[float, float, float, float, float, float | None]] = {}


class Kept:
    """What the forecast may keep from one moment to a later one while no window changes
    and no service finishes: which windows serving each service are staffed (and idle),
    and each service's time fit for the hour (and the history prior it was blended with).

    Each answer holds for a later moment up to the first at which a window's answer
    changes with time alone (a clerk's last call :data:`ACTIVE_WITHIN` ago, say); not
    for an earlier moment (the clock went back). Whoever keeps one between snapshots
    (hub/engine.py) drops it when an event changes a window or finishes a service."""

    def __init__(self, state: HallState, config: HallConfig) -> None:
        self.state, self.config = state, config
        self._opened: datetime | object | None = _LOOK_UP
        #: service -> (asked at, holds until (None: for good), groups of alike windows'
        #: tiers, and per staffed window: its group and whether it holds no ticket)
        self._serving: dict[str, tuple[datetime, datetime | None,
                                       tuple[Window, ...], tuple[tuple[int, bool], ...]]] = {}
        #: (service, the groups' shares) -> capacity, idle windows, their shares
        self._sums: dict[tuple[str, tuple[float, ...]], tuple[float, int, float]] = {}
        #: (service, hour) -> its time fit, blended with ``_prior``
        self._times: dict[tuple[str, int], ServiceTime] = {}
        self._prior: object = None

    def serving(self, service: str, now: datetime
                ) -> tuple[tuple[Window, ...], tuple[tuple[int, bool], ...]]:
        """The staffed windows serving ``service`` at ``now``, in the configuration's
        order: one window per distinct ``tiers`` (the groups), then per staffed window
        its group's index and whether it is idle (holds no ticket)."""
        kept = self._serving.get(service)
        if kept is not None and kept[0] <= now and (kept[1] is None or now <= kept[1]):
            return kept[2], kept[3]
        if self._opened is _LOOK_UP:
            self._opened = opened_at(self.state)
        until: datetime | None = None
        groups: dict[tuple[tuple[str, ...], ...], int] = {}
        alike: list[Window] = []
        up: list[tuple[int, bool]] = []
        for window in self.config.windows_serving(service):  # the others give 0
            answer, holds = _staffed_until(self.state, self.config, window, now, self._opened)
            if holds is not None and (until is None or holds < until):
                until = holds
            if not answer:
                continue
            group = groups.get(window.tiers)
            if group is None:
                group = groups[window.tiers] = len(alike)
                alike.append(window)
            ws = self.state.windows.get(window.number)
            up.append((group, ws is None or ws.ticket is None))
        found = self._serving[service] = (now, until, tuple(alike), tuple(up))
        self._sums.clear()
        return found[2], found[3]

    def capacity(self, service: str, shares: tuple[float, ...], up: tuple[tuple[int, bool], ...]
                 ) -> tuple[float, int, float]:
        """The windows' worth serving ``service`` (``up`` from :meth:`serving`, each
        group's share in ``shares``), how many are idle and their shares; kept for the
        same shares (while the windows are as they were)."""
        key = (service, shares)
        found = self._sums.get(key)
        if found is None:
            capacity, idle, idle_share = 0.0, 0, 0.0
            for group, free in up:
                share = shares[group]
                capacity += share
                if share > 0 and free:
                    idle += 1
                    idle_share += share
            if len(self._sums) >= 64:
                self._sums.clear()
            found = self._sums[key] = (capacity, idle, idle_share)
        return found

    def service_time(self, service: str, hour: int) -> ServiceTime:
        """The blended service-time fit of ``service`` at ``hour`` (hall time): today's
        most recent services with the history prior of that hour, or the typical time."""
        prior = self.state.forecast_prior
        if prior is not self._prior:  # the hub read another prior from its ledger
            self._prior = prior
            self._times.clear()
        found = self._times.get((service, hour))
        if found is None:
            done = self.state.durations.get(service) or ()
            today = _fit_recent(tuple(islice(done, max(0, len(done) - TODAY_KEPT), None)))
            conf = self.config.service(service)
            typical = (conf.typical_minutes if conf else 5.0) * 60.0
            found = self._times[service, hour] = blend(
                today, prior_for(prior, service, hour), typical)
        return found


class Snapshot:
    """The hall as the forecast sees it at one moment; ask it for many waits cheaply.
    ``kept``: what an earlier moment's forecast kept (:class:`Kept`), for a state in
    which no window changed and no service finished since; a new one when not given.
    ``hour``: the hour of ``now`` in the hall's time zone, when the caller knows it."""

    def __init__(self, state: HallState, config: HallConfig, now: datetime,
                 kept: Kept | None = None, *, hour: int | None = None) -> None:
        self.state, self.config, self.now = state, config, now
        self._views: dict[str, _ServiceView] = {}
        self.kept = kept if kept is not None else Kept(state, config)
        #: the recent arrivals are counted at once: the state may change after
        self._rates = _priority_rates(state, now)
        self._times: dict[str, ServiceTime] = {}
        self._hour = hour
        #: the state as it was seen: :meth:`later` holds for it only
        self._seq, self._prior = state.seq, state.forecast_prior

    def _moved(self, now: datetime, rates: dict[str, float]) -> Snapshot:
        """A snapshot of the same state and kept answers at ``now``, with nothing worked
        out yet but the ``rates``."""
        moved = Snapshot.__new__(Snapshot)
        moved.state, moved.config, moved.now, moved.kept = self.state, self.config, now, self.kept
        moved._rates, moved._views, moved._times, moved._hour = rates, {}, {}, None
        moved._seq, moved._prior = self.state.seq, self.state.forecast_prior
        return moved

    def later(self, now: datetime, hour: int | None = None) -> Snapshot:
        """The same state (no event since, the same history prior) at ``now``, this
        moment or a later one (``hour``: its hour in the hall, when known): keeps what
        time alone cannot have changed. The service times are kept within the hour;
        the view of a service (and the waits worked out from it) when its service time
        is kept, its staffed windows are those :class:`Kept` still answers, and no
        priority ticket of it was issued within SHARE_OVER (time only takes tickets
        out of the look-back: its priority pace stays nil). An earlier moment, or a
        state that changed, gets a new Snapshot."""
        state = self.state
        same = state.seq == self._seq and state.forecast_prior is self._prior
        if same and now == self.now and (hour is None or hour == self._hour):
            return self
        if not same or now < self.now:
            return Snapshot(state, self.config, now, self.kept, hour=hour)
        moved = self._moved(now, _priority_rates(state, now) if self._rates else self._rates)
        if hour is None:
            hour = now.astimezone(_tz(self.config)).hour
        moved._hour = hour
        if hour != self._hour:
            return moved
        moved._times = self._times
        rates = self._rates
        for service, view in self._views.items():
            if service not in rates and self.kept.serving(service, now)[1] is view.up:
                moved._views[service] = view
        return moved

    def service_time(self, service: str) -> ServiceTime:
        """The blended service-time fit of ``service`` at this moment."""
        found = self._times.get(service)
        if found is None:
            if self._hour is None:
                self._hour = self.now.astimezone(_tz(self.config)).hour
            found = self._times[service] = self.kept.service_time(service, self._hour)
        return found

    def _view(self, service: str) -> _ServiceView:
        view = self._views.get(service)
        if view is None:
            alike, up = self.kept.serving(service, self.now)
            # a window's share, once for the windows with the same tiers
            shares = tuple(window_share(self.state, window, service, self.service_time)
                           for window in alike)
            capacity, idle, idle_share = self.kept.capacity(service, shares, up)
            queue = self.state.queues.get(service)
            view = self._views[service] = _ServiceView(
                up, self.service_time(service), capacity, idle, idle_share,
                self._rates.get(service, 0.0), bool(queue and queue.normal))
        return view

    def issued(self, ticket: Ticket) -> Snapshot:
        """The same moment after ``ticket`` was issued (the state holds it now, and
        nothing else changed): a snapshot that keeps what the new ticket cannot have
        changed. Its service's view (and the waits worked out from it) is kept when
        each window serving it serves it alone (its share is all of it, whatever
        waits) and no priority ticket of that service was issued within SHARE_OVER,
        this one included (its priority pace stays nil); whether normal tickets wait is
        looked at again. Otherwise it is worked out anew, as a new Snapshot would."""
        after = self._moved(self.now, self._rates)
        after._times, after._hour = self._times, self._hour  # same moment, same services
        service = ticket.service
        view = self._views.get(service)
        if view is None or ticket.priority or service in self._rates:
            after._rates = _priority_rates(self.state, self.now)
            return after
        after._rates = self._rates  # a normal ticket of a service without priority ones
        alike = self.kept.serving(service, self.now)[0]
        for window in alike:
            if window.tiers != ((service,),):
                return after
        queue = self.state.queues.get(service)
        normals = bool(queue and queue.normal)
        after._views[service] = view if normals == view.normals else _ServiceView(
            view.up, view.time, view.capacity, view.idle, view.idle_share, view.priority_rate,
            normals)
        return after

    def wait(self, service: str, ahead: int, priority: bool = False) -> Wait:
        """The wait of a ticket of ``service`` with ``ahead`` people called before it."""
        view = self._view(service)
        waits = view.waits
        found = waits.get((ahead, priority))
        if found is None:
            if len(waits) >= 256:  # a view kept all day long must not keep every wait
                waits.clear()
            found = waits[ahead, priority] = self._wait(view, ahead, priority)
        return found

    def _wait(self, view: _ServiceView, ahead: int, priority: bool) -> Wait:
        if view.capacity <= 0:
            return UNKNOWN
        if ahead < view.idle:  # a clerk is free for it now: 无需等候
            return NO_WAIT
        lane = view.lanes.get(priority)
        if lane is None:
            lane = view.lanes[priority] = self._lane(view, priority)
        m, rate, residual, sd2, rate2, passing = lane
        calls = ahead - view.idle + residual
        mean = calls * m / rate
        var = (calls + 1) * sd2 / rate2 + (DRIFT * mean) ** 2
        if passing is not None:  # how many priority tickets pass meanwhile is itself random
            var += view.priority_rate * mean * passing
        return _wait_from(mean, var)

    def _lane(self, view: _ServiceView, priority: bool
              ) -> tuple[float, float, float, float, float, float | None]:
        """What the waits of one lane (priority or normal) of a view have in common:
        the mean and the rate of calls, the mean residual of the services in progress,
        the variance terms."""
        capacity = view.capacity
        p_calls, n_calls = self.config.policy.priority_ratio
        cycle = p_calls + n_calls
        m, sd = view.time.mean_s, view.time.sd_s
        if priority:
            lost = min(n_calls / cycle, MAX_LOST) if view.normals and cycle else 0.0
        else:
            # the priority tickets expected to arrive over the wait without them, each a
            # service ahead: the wait grows by that share, not compounded (the pace of
            # arrivals is not taken to hold over the longer wait as well)
            share = view.priority_rate * m / capacity
            need = share / (1.0 + share)
            # (capped: even a hall calling only priority tickets serves a normal one at
            # some point, and the estimate must stay finite)
            lost = min(p_calls / cycle if cycle else 0.0, need, MAX_LOST)
        rate = capacity * (1.0 - lost)  # windows' worth of calls for this lane
        cv2 = (sd / m) ** 2
        # Until the next call: the services in progress have (1 + cv²)/2 of a mean left
        # (renewal theory; at most one mean, so that more windows never add to it);
        # those the idle windows start now take a whole one.
        idle_share = view.idle_share
        busy = max(0.0, capacity - idle_share)
        left = min(1.0, (1.0 + cv2) / 2.0)
        residual = (busy * left + idle_share) / (busy + idle_share)
        passing = None if priority else (m / capacity) ** 2
        return m, rate, residual, sd ** 2, rate ** 2, passing

    def newcomer(self, service: str, priority: bool = False) -> Wait:
        """The wait of a ticket taken now."""
        queue = self.state.queues.get(service)
        if queue is None:
            ahead = 0
        else:
            ahead = len(queue.priority) if priority else len(queue.priority) + len(queue.normal)
        return self.wait(service, ahead, priority)


def wait_over(forecast: Snapshot, services: Iterable[str]) -> Wait:
    """A newcomer's wait across ``services`` (a zone of the wall): the range spanning
    those with people waiting, its point their largest; 无需等候 (0–0) when nobody waits
    in any; :data:`UNKNOWN` (暂无法估计) when none with people waiting can be estimated."""
    known: list[Wait] = []
    unknown = False
    for service in services:
        queue = forecast.state.queues.get(service)
        if queue is None or not len(queue):
            continue
        wait = forecast.newcomer(service)
        if wait.known:
            known.append(wait)
        else:
            unknown = True
    if known:
        return Wait(max(w.minutes for w in known), min(w.low for w in known),
                    max(w.high for w in known))
    return UNKNOWN if unknown else Wait(0, 0, 0)


def _wait_from(mean_s: float, var_s: float) -> Wait:
    """Median and 10th/90th percentiles, in minutes, of a log-normal wait."""
    sigma2 = math.log1p(var_s / mean_s ** 2)
    mu = math.log(mean_s) - sigma2 / 2
    sigma = math.sqrt(sigma2)
    point = math.exp(mu) / 60
    low = math.exp(mu + _Z_LOW * sigma) / 60
    high = math.exp(mu + _Z_HIGH * sigma) / 60
    minutes = max(1, round(point))
    key = (minutes, min(math.floor(low), minutes), max(math.ceil(high), minutes))
    found = _WAITS.get(key)
    if found is None:
        if len(_WAITS) >= 4096:
            _WAITS.clear()
        found = _WAITS[key] = Wait(*key)
    return found


#: The waits made so far, by (minutes, low, high): they repeat, and are not changed.
_WAITS: dict[tuple[int, int, int], Wait] = {}


#: ``staffed(opened=...)`` not given: it is looked up (None is an answer: nobody yet).
_LOOK_UP: Any = object()


def staffed(state: HallState, config: HallConfig, window: Window, now: datetime,
            opened: datetime | object | None = _LOOK_UP) -> bool:
    """Whether ``window`` can call now: not paused, and a clerk is there (signed in where
    the hall requires it; else signed in, holding a ticket or active in the last
    :data:`ACTIVE_WITHIN`). In a hall without sign-in, a window that has done nothing
    yet today counts until ACTIVE_WITHIN after the hall's first activity, ``opened``
    (:func:`opened_at`, None when nobody has done anything; looked up when not given)."""
    return _staffed_until(state, config, window, now, opened)[0]


def _staffed_until(state: HallState, config: HallConfig, window: Window, now: datetime,
                   opened: datetime | object | None = _LOOK_UP) -> tuple[bool, datetime | None]:
    """:func:`staffed`, and the last moment its answer holds while the window and the
    hall's opening stay as they are (None: at every later moment; time alone turns a
    window only from staffed to not)."""
    ws = state.windows.get(window.number)
    if ws is not None and ws.paused:
        return False, None
    if config.policy.require_sign_in:
        return ws is not None and ws.staff is not None, None
    if ws is not None and (ws.staff is not None or ws.ticket is not None):
        return True, None
    if ws is not None and ws.active_at is not None:
        until = datetime.fromisoformat(ws.active_at) + ACTIVE_WITHIN
        return (True, until) if now <= until else (False, None)
    if opened is _LOOK_UP:
        opened = opened_at(state)
    assert opened is None or isinstance(opened, datetime)
    if opened is None:
        return True, None
    until = opened + ACTIVE_WITHIN
    return (True, until) if now <= until else (False, None)


def opened_at(state: HallState) -> datetime | None:
    """The earliest activity of any window today (None: nobody has done anything)."""
    times = [datetime.fromisoformat(w.active_at) for w in state.windows.values() if w.active_at]
    return min(times, default=None)


def window_share(state: HallState, window: Window, service: str,
                 times: Any) -> float:
    """The part of ``window``'s time going to ``service`` (0 when it does not serve it):
    in proportion to the work waiting for each of its services (this one counted as at
    least one ticket), earlier tiers weighing :data:`EARLIER_TIER`, later ones
    :data:`LATER_TIER`. ``times(service) -> ServiceTime``."""
    if window.tiers == ((service,),):  # its only service: all of it (own / own)
        return 1.0
    mine = next((i for i, tier in enumerate(window.tiers) if service in tier), None)
    if mine is None:
        return 0.0
    own = 0.0
    total = 0.0
    for index, tier in enumerate(window.tiers):
        weight = 1.0 if index == mine else EARLIER_TIER if index < mine else LATER_TIER
        for other in tier:
            queue = state.queues.get(other)
            waiting = len(queue) if queue else 0
            if other == service:
                work = max(waiting, 1) * times(other).mean_s
                own = work
            else:
                work = waiting * times(other).mean_s
            total += weight * work
    return own / total if total > 0 else 1.0


def _priority_rates(state: HallState, now: datetime) -> dict[str, float]:
    """Priority tickets expected per second per service: the service's arrivals over the
    last ARRIVALS_OVER (the pace now) times its priority share over the last
    SHARE_OVER (steadier: priority tickets are few)."""
    kept = state.__dict__.get("_arrivals")  # one per state (and so per thread)
    if not isinstance(kept, _Arrivals):
        kept = state.__dict__["_arrivals"] = _Arrivals()
    return kept.rates(state, now)


class _Arrivals:
    """When each ticket of the day was issued, per service, and when each priority one
    was: kept up to date as tickets are added, so that the counts over a look-back are
    two bisections, not a pass over the day's tickets, and a service without priority
    tickets costs nothing. Tickets are in the order they were issued: the new ones are
    read from the end (a new day or another state starts over)."""

    def __init__(self) -> None:
        self._tickets: dict[int, Ticket] | None = None
        self._seen = 0  # tickets read
        self._issued: dict[str, list[datetime]] = {}  # per service, in time order
        self._priority: dict[str, list[datetime]] = {}

    def rates(self, state: HallState, now: datetime) -> dict[str, float]:
        tickets = state.tickets
        if tickets is not self._tickets or len(tickets) < self._seen:
            self._tickets, self._seen = tickets, 0
            self._issued, self._priority = {}, {}
        new = len(tickets) - self._seen
        if new > 0:  # the tickets added since, from the end (not a walk past the others)
            self._seen = len(tickets)
            added = list(islice(reversed(tickets.values()), new))
            for ticket in reversed(added):
                issued = datetime.fromisoformat(ticket.issued_at)
                _add(self._issued.setdefault(ticket.service, []), issued)
                if ticket.priority:
                    _add(self._priority.setdefault(ticket.service, []), issued)
        out: dict[str, float] = {}
        if not self._priority:
            return out
        share_since = now - SHARE_OVER
        seconds = ARRIVALS_OVER.total_seconds()
        for service, first in self._priority.items():
            if first[-1] < share_since:
                continue
            n = len(first) - bisect_left(first, share_since)
            issued_list = self._issued[service]
            tickets_n = len(issued_list) - bisect_left(issued_list, share_since)
            arrivals = len(issued_list) - bisect_left(issued_list, now - ARRIVALS_OVER)
            out[service] = arrivals / seconds * n / tickets_n
        return out


def _add(times: list[datetime], moment: datetime) -> None:
    """``moment`` into ``times``, kept in order (at the end, unless the clock went back)."""
    if not times or times[-1] <= moment:
        times.append(moment)
    else:
        insort(times, moment)


def _tz(config: HallConfig) -> ZoneInfo:
    return ZoneInfo(config.hall.timezone)


def prior_json(fits: Mapping[str, Mapping[str, ServiceTime]]) -> dict[str, dict[str, list[float]]]:
    """``HallState.forecast_prior`` from fits per service and hour (``"*"``: all hours)."""
    return {s: {h: f.to_json() for h, f in hours.items()} for s, hours in fits.items()}
