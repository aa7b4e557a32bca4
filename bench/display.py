"""Wall display benchmark: prints figures from one run.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python bench/display.py [--quick]

The hub runs in its own process on the 200-window bench hall (bench/display_hall.py);
callers and the kiosk are real websocket clients on a loop in a thread; the wall is a
real ``WallApp`` window of 1920×1080 in this process, and a second one in a process of
its own for the cold start and its memory after a busy day. Figures go to
docs/benchmarks.md by hand. Nothing is asserted: the machine is shared and noisy.

- event received → frame painted: from the bridge handing an event to the GUI
  thread to the end of the next full paint, over a busy day's flood of events;
- ``call_next`` sent by a caller → frame painted showing that call, one call at a time;
- call → first audio sample queued: ``call_next`` sent → the voice package's espeak-ng
  backend hands the rendered announcement's samples to the audio sink (a sink that
  only notes the time: the machine has no sound card);
- cold start: ``jiaohao display`` launched → first frame painted with the hall's state;
- RSS of that display process after a busy day (2,000 tickets, each called, recalls).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.display_hall import BigHall  # noqa: E402
from bench.hub import pct  # noqa: E402
from display.app import WallApp  # noqa: E402
from display.voicehost import VoiceSpeaker  # noqa: E402
from display.window import WallWindow  # noqa: E402
from hall.errors import RequestFailed  # noqa: E402
from hall.protocol import Event  # noqa: E402
from hall.wallclock import wall_clock  # noqa: E402
from qtkit.bridge import HubBridge  # noqa: E402
from qtkit.fonts import setup_fonts  # noqa: E402
from voice.backends import AudioBackend  # noqa: E402
from voice.espeak import EspeakVoice, espeak_available  # noqa: E402

CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from PySide6.QtWidgets import QApplication
from qtkit.fonts import setup_fonts
from qtkit.bridge import HubBridge
from display.app import WallApp
from hall.wallclock import wall_clock

app = QApplication(sys.argv[:1])
setup_fonts(app)
wall = WallApp(HubBridge({url!r}, "display-2", "display-2-token"), now=wall_clock)
wall.window.resize(1920, 1080)
wall.window.show()
told = []

def painted(_at):
    if wall.model.ready and not told:
        told.append(1)
        print("ready", flush=True)

wall.window.painted.connect(painted)
wall.start()
app.exec()
"""


class TimingSink:
    """A voice sink that notes when each announcement's samples are handed to it (the
    moment a sound card would get them) and plays nothing."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.latencies: list[float] = []  # ms from the call sent, filled by the bench
        self.sent = 0.0

    def play_wav(self, wav: bytes, duration_s: float) -> None:
        self.times.append(time.perf_counter())
        self.latencies.append((self.times[-1] - self.sent) * 1000)


def sequential_calls(
    app: QApplication, hall: BigHall, wall: WallApp, probe: Probe, handed: list[float],
    count: int, offset: int, sink: TimingSink | None = None,
) -> tuple[list[float], list[float]]:
    """``count`` calls one at a time: ms from call_next sent to the frame showing it,
    and to the call handed to the speaker (and, with a sink, to its audio)."""
    paint: list[float] = []
    voice: list[float] = []
    for n in range(offset, offset + count):
        window = n % hall.windows + 1
        before = len(probe.painted), len(handed), len(sink.times) if sink else 0
        sent = time.perf_counter()
        if sink is not None:
            sink.sent = sent
        future = asyncio.run_coroutine_threadsafe(_call(hall, window), hall.loop)
        spin(app, lambda w=window, b=before: (
            len(handed) > b[1] and len(probe.painted) > b[0] and _painted_window(wall) == w
            and (sink is None or len(sink.times) > b[2])))
        paint.append((probe.painted[-1] - sent) * 1000)
        voice.append((handed[-1] - sent) * 1000)
        future.result(10)
    return paint, voice


REMOTE_CALLER = """
import asyncio, sys, time
sys.path.insert(0, {root!r})
from hall.client import HubClient

async def main():
    callers = {{}}
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print("ready", flush=True)
    while line := await reader.readline():
        window = int(line)
        caller = callers.get(window)
        if caller is None:
            caller = callers[window] = HubClient({url!r}, f"caller-{{window}}",
                                                 f"caller-{{window}}-token", subscribe=False)
            await caller.connect()
        sent = time.perf_counter()  # CLOCK_MONOTONIC: the same clock as the bench's
        await caller.request("call_next", window=window)
        print(sent, flush=True)

asyncio.run(main())
"""


def remote_calls(
    app: QApplication, hall: BigHall, wall: WallApp, probe: Probe, handed: list[float],
    count: int, offset: int,
) -> tuple[list[float], list[float]]:
    """As :func:`sequential_calls`, but each call_next comes from another process, as a
    caller PC's would (the load generator does not share this process's interpreter)."""
    caller = subprocess.Popen(
        [sys.executable, "-c", REMOTE_CALLER.format(root=str(ROOT), url=hall.url)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert caller.stdin is not None and caller.stdout is not None
    assert caller.stdout.readline().strip() == "ready"
    paint: list[float] = []
    voice: list[float] = []
    try:
        for n in range(offset, offset + count):
            window = n % hall.windows + 1
            before = len(probe.painted), len(handed)
            caller.stdin.write(f"{window}\n")
            caller.stdin.flush()
            spin(app, lambda w=window, b=before: (
                len(handed) > b[1] and len(probe.painted) > b[0]
                and _painted_window(wall) == w))
            sent = float(caller.stdout.readline())
            paint.append((probe.painted[-1] - sent) * 1000)
            voice.append((handed[-1] - sent) * 1000)
    finally:
        caller.stdin.close()
        caller.wait(10)
    return paint, voice


def spin(app: QApplication, done: Callable[[], bool], timeout_s: float = 120.0) -> None:
    """Run Qt's events until ``done()``."""
    end = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the wall did not get there in time")
        app.processEvents()
        time.sleep(0.0005)


class Probe:
    """Times of events received on the GUI thread and of full frames painted, with the
    last event each frame shows."""

    def __init__(self, bridge: HubBridge) -> None:
        self.received: list[tuple[int, float]] = []
        self.painted: list[float] = []
        self.shown: list[int] = []  # the seq each frame showed
        self.paint_ms: list[float] = []  # each frame's own paint time
        self.window: WallWindow | None = None
        bridge.event_received.connect(self._event)  # before the replica's own slot

    def _event(self, event: Event) -> None:
        self.received.append((event.seq, time.perf_counter()))

    def frame(self, at: float) -> None:
        assert self.window is not None and self.window.painted_view is not None
        self.painted.append(at)
        self.shown.append(self.window.painted_view.seq)
        self.paint_ms.append(self.window.paint_ms)

    def clear(self) -> None:
        self.received.clear()
        self.painted.clear()
        self.shown.clear()
        self.paint_ms.clear()

    def latencies_ms(self) -> list[float]:
        """For each event, its arrival to the end of the first frame that shows it."""
        out, index = [], 0
        for seq, at in self.received:
            while index < len(self.shown) and self.shown[index] < seq:
                index += 1
            if index < len(self.shown):
                out.append((self.painted[index] - at) * 1000)
        return out


def summary(values: list[float]) -> str:
    return (f"p50 {statistics.median(values):7.1f} ms   p99 {pct(values, 99):7.1f} ms   "
            f"max {max(values):7.1f} ms   (n={len(values)})")


def cold_start(url: str) -> tuple[float, subprocess.Popen[str]]:
    env = dict(os.environ)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT), url=url)],
                             stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    line = child.stdout.readline()
    if line.strip() != "ready":
        raise RuntimeError(f"the display process said {line!r}")
    return time.perf_counter() - started, child


DAY = """
import asyncio, contextlib, sys
sys.path.insert(0, {root!r})
from bench.display_hall import services
from hall.client import HubClient
from hall.errors import RequestFailed

async def main(url, windows, tickets, recalls):
    def client(device):
        return HubClient(url, device, device + "-token", subscribe=False,
                         request_timeout_s=60.0)
    async with client("kiosk-1") as kiosk:
        ids = services()
        for i in range(tickets):
            await kiosk.request("take_ticket", service=ids[i % len(ids)], priority=i % 9 == 8)
    callers = {{}}
    every = tickets // max(1, recalls)
    for i in range(tickets + recalls):
        window = i % windows + 1
        if window not in callers:
            callers[window] = client(f"caller-{{window}}")
            await callers[window].connect()
        kind = "recall" if i and i % every == 0 else "call_next"
        with contextlib.suppress(RequestFailed):  # a recall with nobody called
            await callers[window].request(kind, window=window)
    for caller in callers.values():
        await caller.close()

asyncio.run(main({url!r}, {windows}, {tickets}, {recalls}))
"""


def busy_day(url: str, windows: int, tickets: int, recalls: int) -> subprocess.Popen[str]:
    """A busy day (issue, call every ticket, recall some) as fast as the hub goes, from a
    process of its own (callers are other PCs in a hall)."""
    code = DAY.format(root=str(ROOT), url=url, windows=windows, tickets=tickets,
                      recalls=recalls)
    return subprocess.Popen([sys.executable, "-c", code], text=True)


async def paced_calls(hall: BigHall, count: int, per_s: float) -> None:
    """``count`` calls (every tenth a recall) at a steady pace, windows in turn."""
    for i in range(count):
        window = i % hall.windows + 1
        caller = await hall.caller(window)
        kind = "recall" if i % 10 == 9 else "call_next"
        with contextlib.suppress(RequestFailed):
            await caller.request(kind, window=window)
        await asyncio.sleep(1 / per_s)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small day (for a smoke run)")
    args = parser.parse_args()
    tickets, calls, paced_n, voice_n = (200, 40, 60, 10) if args.quick else (2000, 200, 400, 50)
    # the voice logs each superseded call; one line each is noise here
    logging.getLogger("voice").setLevel(logging.ERROR)
    app = QApplication(sys.argv[:1])
    setup_fonts(app)
    with BigHall(windows=200) as hall:
        cold_s, child = cold_start(hall.url)
        bridge = HubBridge(hall.url, "display-1", "display-1-token")
        probe = Probe(bridge)
        handed: list[float] = []
        wall = WallApp(bridge, now=wall_clock)  # silent, as every screen but one per speaker zone
        wall.model.on_announce(lambda _call: handed.append(time.perf_counter()))
        probe.window = wall.window
        wall.window.painted.connect(probe.frame)
        wall.window.resize(1920, 1080)
        wall.window.show()
        wall.start()
        spin(app, lambda: wall.model.ready)
        hall.issue(calls + paced_n + voice_n)
        spin(app, lambda: len(probe.received) >= calls + paced_n + voice_n)

        # call_next by a caller -> the frame showing it, one call at a time
        call_paint, call_voice = sequential_calls(app, hall, wall, probe, handed, calls, 0)
        hall.issue(calls)
        spin(app, lambda: len(probe.received) >= 2 * calls + paced_n + voice_n)
        remote_paint, remote_voice = remote_calls(app, hall, wall, probe, handed, calls, calls)

        # the same with this screen speaking (espeak-ng renders in this process)
        call_audio: list[float] = []
        voiced_paint: list[float] = []
        sink = TimingSink()
        if espeak_available():
            speaker = VoiceSpeaker(AudioBackend(EspeakVoice(), sink),
                                   clock=wall_clock, settle_s=0)
            speaker.configure(wall.replica.hall)
            wall.model.on_announce(speaker.announce)
            voiced_paint, _ = sequential_calls(app, hall, wall, probe, handed, voice_n,
                                               2 * calls, sink)
            call_audio = sink.latencies
            speaker.close()  # later calls reach a closed speaker: not spoken

        # calls at a steady pace (twenty a second, far above a hall's peak)
        probe.clear()
        paced = asyncio.run_coroutine_threadsafe(paced_calls(hall, paced_n, 20.0), hall.loop)
        spin(app, paced.done, timeout_s=600)
        paced.result()
        spin(app, lambda: bool(probe.shown) and probe.shown[-1] >= probe.received[-1][0])
        steady = probe.latencies_ms()
        steady_paint = list(probe.paint_ms)

        # a busy day's flood: as fast as the hub goes, from another process
        probe.clear()
        day = busy_day(hall.url, hall.windows, tickets, tickets // 10)
        spin(app, lambda: day.poll() is not None, timeout_s=1800)
        last = hall.run(_seq(hall))
        spin(app, lambda: wall.replica.state.seq >= last)
        app.processEvents()
        flood = probe.latencies_ms()
        rss_child = psutil.Process(child.pid).memory_info().rss / 1e6
        rss_self = psutil.Process().memory_info().rss / 1e6
        wall.stop()
        child.terminate()
        child.wait(10)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"wall 1920×1080, hall of 200 windows, "
          f"{'quick' if args.quick else 'full'} run, {os.cpu_count()} cores shared, "
          f"load average at the end {load}")
    print(f"call_next sent → frame painted     {summary(call_paint)}   "
          "(the caller a thread of this process)")
    print(f"call_next sent → frame painted     {summary(remote_paint)}   "
          "(the caller another process, as a caller PC)")
    print(f"  … → handed to voice              {summary(remote_voice)}")
    if voiced_paint:
        print(f"  the same, this screen speaking   {summary(voiced_paint)}")
    print(f"event received → frame painted     {summary(steady)}   (20 calls/s)")
    print(f"  of which painting the frame      {summary(steady_paint)}")
    print(f"event received → frame painted     {summary(flood)}   (busy-day flood)")
    print(f"call_next sent → handed to voice   {summary(call_voice)}")
    if call_audio:
        print(f"call_next sent → first audio queued {summary(call_audio)}   "
              f"(espeak-ng: chime, sentence ×{wall.replica.hall.voice.repeat}, English)")
    else:
        print("call_next sent → first audio queued: espeak-ng is not installed here")
    print(f"cold start → first frame           {cold_s:7.2f} s")
    print(f"RSS after a busy day               {rss_child:7.1f} MB (display process; "
          f"{tickets} tickets, {tickets + tickets // 10} calls)   "
          f"[bench process {rss_self:.0f} MB]")
    return 0


async def _seq(hall: BigHall) -> int:
    async with hall.client("display-3") as client:
        return client.state.seq if client.state is not None else 0


async def _call(hall: BigHall, window: int) -> None:
    caller = await hall.caller(window)
    await caller.request("call_next", window=window)


def _painted_window(wall: WallApp) -> int | None:
    """The window of the newest call in the last frame painted."""
    view = wall.window.painted_view
    newest = view.newest if view is not None else None
    return newest.call.window if newest is not None else None


if __name__ == "__main__":
    sys.exit(main())
