"""Scripted hall days for the county tests and bench: an engine driven by a seeded
script (tickets with and without bookings and ID cards, calls, recalls, transfers,
no-shows, finishes, ratings with 差评, clerks signing in and out, the day's close),
its events written through the ledger like a hub writes them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hall import errors
from hall.config import Device, HallConfig, HallInfo, Role, Service, Staff, Window, Zone
from hall.protocol import (
    CallNext,
    CloseDay,
    Event,
    Finish,
    Rate,
    Recall,
    Request,
    SignIn,
    SignOut,
    Skip,
    TakeTicket,
    Transfer,
)
from hub.engine import Engine
from ledger.store import Store

TZ = ZoneInfo("Asia/Shanghai")
FIRST_DAY = date(2026, 11, 2)
KIOSK_TOKEN = "kiosk-1-county-secret"


def hall_config(name: str = "测试政务服务中心", windows: int = 6) -> HallConfig:
    """A hall with two zones, three services and ``windows`` windows."""
    return HallConfig(
        hall=HallInfo(name=name),
        zones=(Zone("tax", "办税服务区"), Zone("social", "社保服务区")),
        services=(Service("A", "办税服务", "tax"), Service("B", "社保服务", "social"),
                  Service("C", "不动产登记", "social")),
        windows=tuple(Window(n, f"{n}号窗口", (("A",), ("B",)) if n % 3 else (("C",), ("B",)))
                      for n in range(1, windows + 1)),
        staff=tuple(Staff(f"{n:04d}", f"办事员{n}") for n in range(1, windows + 1)),
        devices=(Device("kiosk-1", Role.KIOSK, token=KIOSK_TOKEN),),
    )


def person(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(64))


def day_script(config: HallConfig, day: date, rng: random.Random,
               tickets: int = 40) -> Iterator[tuple[datetime, Request]]:
    """One hall day: clerks sign in, ``tickets`` citizens arrive between 09:00 and
    15:00, windows call, serve and rate; the day closes at 18:00."""
    ids = iter(range(1, 10**9))
    start = datetime.combine(day, time(9), TZ)
    windows = [w.number for w in config.windows]
    for n in windows:
        yield start, SignIn(id=next(ids), window=n, staff=f"{n:04d}")
    arrivals = sorted(start + timedelta(seconds=rng.randint(0, 6 * 3600))
                      for _ in range(tickets))
    events: list[tuple[datetime, Request]] = []
    for i, moment in enumerate(arrivals):
        booking = f"BK{day:%m%d}{i:04d}" if rng.random() < 0.2 else None
        holder = person(rng) if rng.random() < 0.3 else None
        events.append((moment, TakeTicket(id=next(ids), service=rng.choice("AABC"),
                                          booking=booking, person=holder)))
    moment = start + timedelta(minutes=5)
    end = start + timedelta(hours=7)
    while moment < end:
        events.append((moment, CallNext(id=next(ids), window=rng.choice(windows))))
        moment += timedelta(seconds=rng.randint(60, 400))
    events.sort(key=lambda e: e[0])
    yield from events
    yield datetime.combine(day, time(15, 30), TZ), SignOut(id=next(ids), window=windows[0])
    yield datetime.combine(day, time(18), TZ), CloseDay(id=next(ids))


def play_days(config: HallConfig, days: int, seed: int, tickets: int = 40,
              first: date = FIRST_DAY) -> list[Event]:
    """The events of ``days`` hall days from ``first``."""
    rng = random.Random(seed)
    engine = Engine(config)
    out: list[Event] = []
    for d in range(days):
        for now, request in day_script(config, first + timedelta(days=d), rng, tickets):
            out.extend(engine.tick(now))
            out.extend(_run(engine, now, request, rng))
    return out


def _run(engine: Engine, now: datetime, request: Request, rng: random.Random) -> list[Event]:
    try:
        events = list(engine.execute(request, now).events)
    except errors.QueueError:
        return []
    if isinstance(request, CallNext) and events:
        window = request.window
        ticket = engine.state.windows[window].ticket if window in engine.state.windows \
            else None
        follow: list[Request] = []
        roll = rng.random()
        if roll < 0.1:
            follow.append(Recall(id=0, window=window))
            follow.append(Skip(id=0, window=window))
        elif roll < 0.2:
            follow.append(Transfer(id=0, window=window, service="B"))
        else:
            follow.append(Finish(id=0, window=window))
        later = now
        for req in follow:
            later = later + timedelta(seconds=rng.randint(30, 300))
            try:
                events += engine.execute(req, later).events
            except errors.QueueError:
                break
        if isinstance(follow[-1], Finish) and ticket is not None and rng.random() < 0.7:
            score = rng.choice((1, 2, 3, 4, 5, 5, 5, 4))
            try:
                events += engine.execute(Rate(id=0, window=window, ticket=ticket,
                                              score=score), later).events
            except errors.QueueError:
                pass
    return events


def write_hall(path: Path, events: list[Event]) -> None:
    """Write ``events`` into a hub database at ``path``, in batches like a hub does."""
    store = Store.open(str(path))
    try:
        store.load_state()
        for i in range(0, len(events), 50):
            store.write(events[i:i + 50])
    finally:
        store.close()


def hall_file(folder: Path, days: int, seed: int, name: str = "queue.db") -> Path:
    """A hub database in ``folder`` holding ``days`` scripted days of the test hall."""
    path = folder / name
    write_hall(path, play_days(hall_config(), days=days, seed=seed))
    return path
