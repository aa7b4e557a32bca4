"""A burst of calls through the voice: twenty windows calling at once.

    python bench/voice.py [--windows 20] [--no-live]

Two parts, both with the hall's real announcer rules and espeak-ng rendering every
announcement (the audio is timed, not played: no sound card needed):

- **simulated**: the calls of ``--windows`` windows reach the speaker together; the
  queue is then worked through on a virtual clock that advances by the real render time
  plus the rendered audio's length. Run with the shortening policy on and off. Prints,
  per run: the backlog (calls waiting when each is taken: max, mean), and call → start
  of its announcement (p50, max), and checks every call is said once, in order, with its
  own number and window.
- **live** (policy on): a real hub on a free port, ``--windows`` caller clients sending
  ``call_next`` at the same moment, and ``jiaohao voice station``'s Station with a sink
  that waits as long as each announcement lasts. Real time (about a minute): call
  (request sent) → start of its announcement, p50/max, and the same checks.

Figures go into docs/benchmarks.md ("Voice bursts").
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.hub import pct
from hall.client import HubClient
from hall.config import HallConfig, VoiceSettings, parse_config
from voice.announcer import Announcement, Announcer, Form
from voice.backends import AudioBackend, render
from voice.espeak import EspeakVoice, espeak_available
from voice.reading import read_amount, read_ticket

#: 10:00 in the hall (Asia/Shanghai) on a Monday: no quiet hours.
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def hall(windows: int, shorten: bool = True) -> HallConfig:
    """A hall of ``windows`` windows all serving 办税服务 (A), one speaker for all, the
    shipped voice defaults."""
    lines = ['[hall]\nname = "东乡区政务服务中心"\ntimezone = "Asia/Shanghai"\n'
             'day_starts = "00:00"\n', '[[zone]]\nid = "tax"\nname = "办税服务区"\n',
             '[[service]]\nid = "A"\nname = "办税服务"\nzone = "tax"\n',
             '[[device]]\nid = "kiosk-1"\nrole = "kiosk"\ntoken = "kiosk-1-token"\n',
             '[[device]]\nid = "display-1"\nrole = "display"\ntoken = "display-1-token"\n']
    for n in range(1, windows + 1):
        lines.append(f'[[window]]\nnumber = {n}\nservices = ["A"]\n')
        lines.append(f'[[device]]\nid = "caller-{n}"\nrole = "caller"\n'
                     f'token = "caller-{n}-token"\nwindow = {n}\n')
    config = parse_config("\n".join(lines))
    return dataclasses.replace(config, voice=VoiceSettings(shorten=shorten))


def call_data(n: int) -> dict[str, object]:
    """Window ``n`` calls ticket A{n:03d} (a ``ticket_called`` event's data)."""
    return {"ticket": {"id": n, "number": f"A{n:03d}", "service": "A"}, "window": n,
            "recall": 0}


@dataclass
class Run:
    said: list[tuple[str, int]]
    forms: list[Form]
    backlog: list[int]  # calls waiting (this one included) when each was taken
    waits: list[float]  # call -> start of its announcement, seconds

    def check(self, windows: int) -> str:
        expected = [(f"A{n:03d}", n) for n in range(1, windows + 1)]
        return "every call said once, in order, own number and window: " + (
            "yes" if self.said == expected else f"NO ({self.said})")

    def line(self, label: str) -> str:
        forms = ", ".join(f"{f}×{self.forms.count(f)}" for f in Form if f in self.forms)
        return (f"{label:<28} backlog max {max(self.backlog):>2}, mean "
                f"{statistics.fmean(self.backlog):4.1f}; call→start p50 "
                f"{pct(self.waits, 50):5.1f} s, max {max(self.waits):5.1f} s  ({forms})")


def simulated(windows: int, shorten: bool) -> Run:
    """All calls at once, worked through on a virtual clock (render + audio length)."""
    rules = Announcer(hall(windows, shorten))
    voice = EspeakVoice()
    for n in range(1, windows + 1):
        rules.offer(call_data(n), START)
    now = START
    run = Run([], [], [], [])
    while True:
        behind = len(rules.waiting)
        item = rules.next(now)
        if item is None:
            return run
        began = time.perf_counter()
        audio = render(voice, item)
        start = now + timedelta(seconds=time.perf_counter() - began)
        number, window = "".join(read_ticket(item.number)), "".join(read_amount(item.window))
        for text in (u.text for u in item.utterances if u.lang == "zh"):
            assert number in text and f"{window}号窗口" in text, text  # its own words
        run.said.append((item.number, item.window))
        run.forms.append(item.form)
        run.backlog.append(behind)
        run.waits.append((start - START).total_seconds())
        now = start + timedelta(seconds=audio.duration_s)


class TimedSink:
    """Waits as long as each announcement lasts (as a player would), noting when each
    began; it plays nothing."""

    def __init__(self) -> None:
        self.started: list[float] = []

    def play_wav(self, wav: bytes, duration_s: float) -> None:
        self.started.append(time.perf_counter())
        time.sleep(duration_s)


class NotingBackend(AudioBackend):
    """Espeak-ng into a :class:`TimedSink`, noting which call each start belongs to."""

    def __init__(self) -> None:
        self.timed = TimedSink()
        super().__init__(EspeakVoice(), self.timed)
        self.items: list[Announcement] = []
        self.done = threading.Event()
        self.expected = 0

    def play(self, item: Announcement) -> None:
        super().play(item)
        self.items.append(item)
        if len(self.items) >= self.expected:
            self.done.set()


async def live(windows: int) -> Run:
    """A real hub, ``windows`` callers pressing call_next together, the voice station."""
    from hub.server import Hub
    from voice.station import Station

    config = hall(windows)
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        hub = Hub(config, str(Path(tmp) / "queue.db"), port=0,
                  clock=lambda: START + timedelta(seconds=time.monotonic() - began))
        await hub.start()
        backend = NotingBackend()
        backend.expected = windows
        station = Station(hub.url, "display-1", "display-1-token", backend,
                          clock=lambda: datetime.now(UTC))
        callers = [HubClient(hub.url, f"caller-{n}", f"caller-{n}-token", subscribe=False)
                   for n in range(1, windows + 1)]
        try:
            await station.start(10)
            async with HubClient(hub.url, "kiosk-1", "kiosk-1-token", subscribe=False) as kiosk:
                for _ in range(windows):
                    await kiosk.request("take_ticket", service="A")
            for caller in callers:
                await caller.connect(10)
            sent: dict[int, float] = {}

            async def press(n: int, caller: HubClient) -> tuple[int, str]:
                sent[n] = time.perf_counter()
                data = await caller.request("call_next", window=n)
                return n, str(data["ticket"]["number"])

            numbers = dict(await asyncio.gather(*(press(n, c)
                                                  for n, c in enumerate(callers, start=1))))
            await asyncio.to_thread(backend.done.wait, 60 + 30 * windows)
        finally:
            for caller in callers:
                await caller.close()
            await station.close()
            await hub.stop()
    run = Run([(i.number, i.window) for i in backend.items], [i.form for i in backend.items],
              [], [])
    for index, item in enumerate(backend.items):
        run.backlog.append(len(backend.items) - index)  # all came at once
        run.waits.append(backend.timed.started[index] - sent[item.window])
    # the hub served the simultaneous presses one after the other, each taking the oldest
    # ticket: said in the hub's order means the numbers ascend
    own = all(numbers[item.window] == item.number for item in backend.items)
    ordered = [n for n, _ in run.said] == sorted(numbers.values())
    print(f"live: every call said once, in the hub's order, each with its own window's "
          f"number: {'yes' if own and ordered and len(run.said) == windows else 'NO'}")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--windows", type=int, default=20)
    parser.add_argument("--no-live", dest="live", action="store_false",
                        help="skip the real-time run against a real hub")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the bench hall has no public_url: not news
    if not espeak_available():
        print("bench/voice.py needs espeak-ng (system-packages.txt)", file=sys.stderr)
        return 2
    print(f"{args.windows} windows calling at once; espeak-ng renders every announcement")
    for shorten in (True, False):
        run = simulated(args.windows, shorten)
        print(run.line(f"simulated, shorten = {'true' if shorten else 'false'}"))
        print("   ", run.check(args.windows))
    if args.live:
        run = asyncio.run(live(args.windows))
        print(run.line("live hub + station, shorten"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
