"""Serial device figures: key press → callback latency over a pty, reconnect time after
an unplug, and frames encoded/decoded per second per frame family.

Run from the project root: ``python bench/devices.py [--presses N]``. Prints figures;
asserts nothing (the machine may be shared and noisy).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices import keypad as kp
from devices import ledbar as lb
from devices import pad as pd
from devices.events import DeviceOnline, Event, KeyAction
from devices.framing import Frame, FrameSplitter
from devices.keypad import Keypad
from devices.link import SerialLink
from devices.profiles import load_keypad, load_ledbar, load_pad
from devices.virtual import VirtualBus, VirtualKeypad


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def key_latency(presses: int) -> list[float]:
    """Seconds from a twin's key frame write to the KeyAction callback."""
    profile = load_keypad("ff68-keypad")
    got = threading.Event()
    arrived: list[float] = []
    online = threading.Event()

    def on_event(event: Event) -> None:
        if isinstance(event, KeyAction):
            arrived.append(time.perf_counter())
            got.set()
        elif isinstance(event, DeviceOnline):
            online.set()

    actions = ["call_next", "recall", "pause", "finish"]  # alternate: no bounce drop
    latencies = []
    with VirtualBus(profile.framing) as bus:
        twin = bus.add(VirtualKeypad(profile, 2))
        with SerialLink.for_profile(bus.path, profile, on_event=on_event) as link:
            Keypad(link, profile, 2)
            online.wait(5)
            for i in range(presses):
                got.clear()
                start = time.perf_counter()
                twin.press(actions[i % len(actions)])
                if not got.wait(5):
                    print(f"press {i} lost", file=sys.stderr)
                    continue
                latencies.append(arrived[-1] - start)
    return latencies


def reconnects(cycles: int, unplugged_s: float) -> tuple[list[float], list[float]]:
    """(seconds from replug to DeviceOnline, outage the link recorded) per cycle."""
    profile = load_keypad("ff68-keypad")
    online = threading.Event()
    back: list[DeviceOnline] = []

    def on_event(event: Event) -> None:
        if isinstance(event, DeviceOnline):
            back.append(event)
            online.set()

    to_online, outages = [], []
    with VirtualBus(profile.framing) as bus:
        bus.add(VirtualKeypad(profile, 2))
        with SerialLink.for_profile(bus.path, profile, on_event=on_event) as link:
            Keypad(link, profile, 2)
            online.wait(5)
            for _ in range(cycles):
                online.clear()
                bus.unplug()
                time.sleep(unplugged_s)  # the cable stays out this long
                start = time.perf_counter()
                bus.replug()
                if online.wait(10):
                    to_online.append(time.perf_counter() - start)
                    outages.append(back[-1].outage_s)
    return to_online, outages


def rate(label: str, count: int, fn: Any) -> tuple[str, float]:
    start = time.perf_counter()
    fn()
    return label, count / (time.perf_counter() - start)


def codec_rates(n: int) -> list[tuple[str, float]]:
    pad4, stx5 = load_pad("ff68-4key"), load_pad("stx-5key")
    keypad = load_keypad("ff68-keypad")
    sum_bar, crc_bar = load_ledbar("a5-sum"), load_ledbar("55aa-crc")
    press4 = pd.encode_press(pad4, 1, "03")
    press5 = pd.encode_press(stx5, 1, "5")
    key = kp.encode_key(keypad, 2, 0x0C)
    text = lb.BarText("请A001号到3号窗口")
    rows = [
        rate("encode pad start (FF 68)", n, lambda: [pd.encode_pad(pad4, 1, pd.StartRating())
                                                     for _ in range(n)]),
        rate("decode pad key (FF 68)", n, lambda: [pd.decode_pad(pad4, press4) for _ in range(n)]),
        rate("decode pad key (ASCII STX, XOR)", n,
             lambda: [pd.decode_pad(stx5, press5) for _ in range(n)]),
        rate("decode keypad key (FF 68)", n,
             lambda: [kp.decode_keypad(keypad, key) for _ in range(n)]),
        rate("encode bar text (sum8, GBK)", n,
             lambda: [lb.encode_bar(sum_bar, 1, text) for _ in range(n)]),
        rate("encode bar text (CRC-16, GB2312)", n,
             lambda: [lb.encode_bar(crc_bar, 1, text) for _ in range(n)]),
    ]
    for name, fmt in [("FF 68", pad4.framing), ("STX/XOR", stx5.framing),
                      ("55 AA/CRC-16", crc_bar.framing)]:
        frame = Frame(1, 0x31, b"0123456789")
        stream = (b"\x00\x13" + fmt.encode(frame)) * n

        def split(fmt: Any = fmt, stream: bytes = stream) -> None:
            splitter = FrameSplitter(fmt)
            for i in range(0, len(stream), 64):
                splitter.feed(stream[i : i + 64])

        rows.append(rate(f"split stream with garbage ({name})", n, split))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--presses", type=int, default=500)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--frames", type=int, default=50_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # unplugging logs warnings by design

    lat = key_latency(args.presses)
    ms = [x * 1000 for x in lat]
    print(f"keypad key press -> KeyAction callback over a pty, {len(ms)} presses:")
    print(f"  p50 {statistics.median(ms):.2f} ms   p99 {percentile(ms, 0.99):.2f} ms   "
          f"max {max(ms):.2f} ms")

    for unplugged_s, cycles in ((0.5, args.cycles), (5.0, 2)):
        to_online, outages = reconnects(cycles, unplugged_s)
        if to_online:
            print(f"unplug {unplugged_s} s, replug -> DeviceOnline, {len(to_online)} cycles:")
            print(f"  replug to online p50 {statistics.median(to_online) * 1000:.0f} ms, "
                  f"max {max(to_online) * 1000:.0f} ms; "
                  f"outage recorded by the link max {max(outages):.2f} s")

    print(f"codecs, {args.frames} frames each:")
    for label, per_s in codec_rates(args.frames):
        print(f"  {label:<40} {per_s:>12,.0f} frames/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
