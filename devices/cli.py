"""`jiaohao devices …`: list what is plugged in, run a virtual device, probe a real one."""

from __future__ import annotations

import argparse
import logging
import queue
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from devices.events import (
    DeviceOffline,
    DeviceOnline,
    Event,
    KeyAction,
    PressIgnored,
    RatingCancelled,
    RatingGiven,
    RatingTimedOut,
    SendFailed,
)
from devices.profiles import KINDS, load_profile, profile_ids
from hall.profiles import ProfileError
from hall.wallclock import wall_clock


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jiaohao devices",
        description="Evaluator pads, calling keypads and LED bars on serial lines.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the link does")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("list", help="serial ports and USB printers with their ids")

    profiles = sub.add_parser("profiles", help="the device profiles this version knows")
    profiles.add_argument("--kind", choices=sorted(KINDS))

    sim = sub.add_parser(
        "simulate",
        help="run a virtual device on a pty and print what it receives",
        description="Runs a virtual device and prints the port to connect to, then each "
        "command it receives. Type commands on stdin: `press KEY`, `score N` (pads), "
        "`action NAME [DIGITS]` (keypads), `unplug`, `replug`, `garbage on|off`, "
        "`slow SECONDS`, `silent on|off`, `noack on|off`, `badsum on|off`, `quit`.",
    )
    sim.add_argument("kind", choices=sorted(KINDS))
    sim.add_argument("--profile", required=True)
    sim.add_argument("--address", type=int, help="bus address (default: the profile's)")
    sim.add_argument("--count", type=int, default=1,
                     help="this many devices at consecutive addresses on one bus")
    sim.add_argument("--path", help="where to put the port's symlink (default: a temp folder)")
    sim.add_argument("--snapshots", type=Path, metavar="DIR",
                     help="write a PNG of what a bar or keypad shows after each change")

    probe = sub.add_parser("probe", help="talk to a real device and report what was understood")
    probe.add_argument("--kind", choices=sorted(KINDS), required=True)
    probe.add_argument("--profile", required=True)
    probe.add_argument("--port", required=True, help="a port name or pyserial URL")
    probe.add_argument("--address", type=int, help="bus address (default: the profile's)")
    probe.add_argument("--listen-s", type=float, default=10.0,
                       help="how long to wait for key presses (default 10)")
    serve = sub.add_parser(
        "serve", help="drive the keypads, pads and LED bars of windows without a PC",
        description="Connects to the hub as each window's caller device ([[caller]] in the "
        "station file) and drives every [[serial]] device listed; see docs/devices.md.")
    serve.add_argument("--station", type=Path, required=True, help="the host's station file")
    return parser


def main(argv: list[str]) -> int:
    """Run ``jiaohao devices``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        if args.command == "list":
            return cmd_list()
        if args.command == "profiles":
            return cmd_profiles(args.kind)
        if args.command == "simulate":
            return cmd_simulate(args)
        if args.command == "serve":
            return cmd_serve(args.station)
        return cmd_probe(args)
    except (ProfileError, ValueError) as exc:
        print(f"jiaohao devices: {exc}", file=sys.stderr)
        return 2


def cmd_serve(station: Path) -> int:
    """Run the device host until interrupted. Raises HostConfigError, ProfileError."""
    import asyncio
    import os

    from devices.host import DeviceHost, load_host

    # systemd's StateDirectory= (deploy/systemd/jiaohao-devices.service): a writable
    # place for the ratings journal when the station file sits in a read-only /etc
    state = os.environ.get("STATE_DIRECTORY", "").split(":")[0]
    host = DeviceHost(load_host(station, Path(state) if state else None))

    async def run() -> None:
        await host.run(asyncio.Event())

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    return 0


def cmd_list() -> int:
    from devices.ports import serial_ports, usb_printers

    ports = serial_ports()
    print("serial ports:")
    if not ports:
        print("  (none)")
    for port in ports:
        ids = f"  usb {port.ids()}" if port.ids() else ""
        serial_no = f"  serial {port.serial_number}" if port.serial_number else ""
        print(f"  {port.device}  {port.description}{ids}{serial_no}")
    printers, how = usb_printers()
    print(f"USB printers ({how}):")
    if not printers:
        print("  (none)")
    for printer in printers:
        print(f"  {printer.vid:04x}:{printer.pid:04x}  {printer.description or '?'}  "
              f"({printer.where})")
    return 0


def cmd_profiles(kind: str | None) -> int:
    for k in [kind] if kind else sorted(KINDS):
        for pid in profile_ids(k):
            profile = load_profile(k, pid)
            print(f"{k:<7} {pid:<18} {profile.serial}  {profile.name}")
    return 0


def _on_off(word: str) -> bool:
    return word.lower() in ("on", "1", "true", "yes")


def cmd_simulate(args: argparse.Namespace) -> int:
    from devices.virtual import VirtualBus
    from devices.virtual.twins import VirtualDevice, VirtualKeypad, twin_for

    profile = load_profile(args.kind, args.profile)
    first = profile.default_address if args.address is None else args.address
    bus = VirtualBus(profile.framing, path=args.path)
    twins = [bus.add(twin_for(args.kind, profile, first + i)) for i in range(max(1, args.count))]

    shots = [0]

    def show(device: VirtualDevice, command: Any) -> None:
        state = ""
        if isinstance(device, VirtualKeypad):
            state = f"  display [{device.display}]"
        at = wall_clock().astimezone()
        print(f"{at:%H:%M:%S} {device.kind}@{device.address} <- {command}{state}", flush=True)
        if args.snapshots is not None:
            shots[0] += 1
            _snapshot(device, args.snapshots / f"{device.kind}-{device.address}-{shots[0]:04d}.png")

    for twin in twins:
        twin.on_command = show
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with bus:
        print(f"port: {bus.path}", flush=True)
        print(f"{args.kind} {profile.id} ({profile.serial}) at address "
              f"{', '.join(str(t.address) for t in twins)}; type `help` for commands",
              flush=True)
        reader = threading.Thread(target=_stdin_loop, args=(bus, twins, stop), daemon=True)
        reader.start()
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


def _snapshot(device: Any, path: Path) -> None:
    from devices.virtual.render import render_bar, render_keypad
    from devices.virtual.twins import VirtualBar, VirtualKeypad

    if isinstance(device, VirtualBar):
        picture = render_bar(device.text, flashing=device.flashing)
    elif isinstance(device, VirtualKeypad):
        picture = render_keypad(device.display)
    else:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path)
    print(f"  picture: {path}", flush=True)


def _stdin_loop(bus: Any, twins: list[Any], stop: threading.Event) -> None:
    from devices.virtual.twins import VirtualKeypad, VirtualPad

    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        verb, rest = words[0].lower(), words[1:]
        target = twins[0]
        if rest and rest[-1].startswith("@"):
            wanted = int(rest.pop()[1:])
            target = next((t for t in twins if t.address == wanted), target)
        try:
            if verb in ("quit", "exit"):
                stop.set()
                return
            if verb == "press" and isinstance(target, VirtualPad):
                target.press(rest[0])
            elif verb == "score" and isinstance(target, VirtualPad):
                target.press_score(int(rest[0]))
            elif verb in ("action", "press") and isinstance(target, VirtualKeypad):
                target.press(rest[0], rest[1] if len(rest) > 1 else "")
            elif verb == "unplug":
                bus.unplug()
            elif verb == "replug":
                bus.replug()
            elif verb == "garbage":
                bus.garbage = _on_off(rest[0])
            elif verb == "slow":
                bus.slow_s = float(rest[0])
            elif verb in ("silent", "noack", "badsum"):
                name = {"silent": "silent", "noack": "no_ack", "badsum": "bad_checksum"}[verb]
                setattr(target.faults, name, _on_off(rest[0]))
            else:
                print("commands: press KEY | score N | action NAME [DIGITS] | unplug | replug | "
                      "garbage on|off | slow S | silent on|off | noack on|off | badsum on|off | "
                      "quit   (append @ADDRESS to pick a device)", flush=True)
                continue
            print(f"ok: {line.strip()}", flush=True)
        except (ValueError, IndexError) as exc:
            print(f"error: {exc}", flush=True)
    # stdin closed: keep running until a signal


def cmd_probe(args: argparse.Namespace) -> int:
    from devices.keypad import Keypad
    from devices.ledbar import LedBar
    from devices.link import SerialLink
    from devices.pad import Pad

    profile: Any = load_profile(args.kind, args.profile)
    events: queue.Queue[Event] = queue.Queue()
    link = SerialLink.for_profile(args.port, profile, events=events)
    address = profile.default_address if args.address is None else args.address
    print(f"probing {args.kind} {profile.id} at address {address} on {args.port} "
          f"({profile.serial})")
    device: Any
    if args.kind == "pad":
        device = Pad(link, profile, address)
    elif args.kind == "keypad":
        device = Keypad(link, profile, address)
    else:
        device = LedBar(link, profile, address)
    ok = True
    with link:
        try:
            first = events.get(timeout=5.0)  # DeviceOnline, or DeviceOffline if it cannot
        except queue.Empty:
            first = DeviceOffline(args.port, "no answer from the port within 5 s")
        if not isinstance(first, DeviceOnline):
            reason = first.reason if isinstance(first, DeviceOffline) else str(first)
            print(f"FAIL: cannot open {args.port}: {reason}")
            return 1
        print("port open")
        understood: list[str] = []
        deadline = time.monotonic() + args.listen_s
        if args.kind == "pad":
            device.request_rating(max(1.0, args.listen_s))
            print(f"rating requested: press a key on the pad within {args.listen_s:.0f} s")
        elif args.kind == "keypad":
            device.show("888", 888)
            device.beep()
            print(f"shown 888/888 and beeped: press keys on the keypad for {args.listen_s:.0f} s")
        else:
            device.show_text("测试 TEST 123")
            print("sent 测试 TEST 123 to the bar: look at it")
            deadline = time.monotonic() + min(args.listen_s, 2.0)
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = events.get(timeout=left)
            except queue.Empty:
                break
            if isinstance(event, SendFailed):
                ok = False
                print(f"FAIL: no confirmation of func 0x{event.func:02X}: {event.reason}")
            elif isinstance(event, RatingGiven | KeyAction | PressIgnored):
                understood.append(str(event))
                print(f"understood: {event}")
                if isinstance(event, RatingGiven):
                    break
            elif isinstance(event, RatingTimedOut | RatingCancelled):
                print(f"no key pressed: {event}")
                break
            elif isinstance(event, DeviceOffline):
                ok = False
                print(f"FAIL: port lost: {event.reason}")
        stats = link.stats
        print(f"frames in {stats.frames_in}, out {stats.frames_out}, confirmations {stats.acks}, "
              f"retries {stats.retries}, garbage bytes {stats.dropped_bytes}, "
              f"for other addresses {stats.unknown_address}")
        if profile.device_ack.expected and stats.acks == 0:
            ok = False
            print("FAIL: the device confirmed nothing (wrong address, speed or profile?)")
        elif not profile.device_ack.expected:
            print("this model does not confirm commands: check the device itself")
        if args.kind != "ledbar" and not understood:
            print("no key frames understood")
    print("OK" if ok else "FAILED")
    return 0 if ok else 1
