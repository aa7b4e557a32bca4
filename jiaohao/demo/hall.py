"""The demo hall on one machine: an embedded hub on its own thread, the virtual
printer, serial twins on ptys, and the real apps (kiosk, caller terminals, wall
display), all in this process's one Qt event loop, each with its own HubBridge."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from jiaohao.demo.clock import DemoClock
from jiaohao.demo.output import TicketFolder
from jiaohao.demo.twins import DevicesWindow, PrinterWindow, TicketRelay, Twins

log = logging.getLogger(__name__)

PAD_PROFILE = "ff68-5key-screen"
BAR_PROFILE = "a5-sum"
START_TIMEOUT_S = 30.0
#: the scripted citizens leave the kiosk alone this long after a person touched it
PERSON_AT_KIOSK_S = 20.0


class TouchWatch(QObject):
    """Notes when a person last touched (clicked, typed on) one window."""

    TOUCHES = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.last = float("-inf")  # time.monotonic() of the last touch

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.TOUCHES and isinstance(watched, QWidget) and (
                watched is self.window or self.window.isAncestorOf(watched)):
            self.last = time.monotonic()
        return False


class HubThread:
    """The hub on its own asyncio loop in a daemon thread."""

    def __init__(self, config: Any, db_path: Path, clock: DemoClock) -> None:
        self.config, self.db_path, self.clock = config, db_path, clock
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="demo-hub",
                                       daemon=True)
        self.hub: Any = None

    def start(self) -> HubThread:
        from hub.admission import Limits
        from hub.server import Hub
        from hub.settings import HubSettings

        self.thread.start()

        async def start() -> Any:
            hub = Hub(self.config, str(self.db_path), port=0, clock=self.clock,
                      settings=HubSettings(limits=Limits(rate=None)))
            await hub.start()
            return hub

        self.hub = asyncio.run_coroutine_threadsafe(start(), self.loop).result(START_TIMEOUT_S)
        return self

    @property
    def url(self) -> str:
        return str(self.hub.url)

    @property
    def seq(self) -> int:
        return int(self.hub.engine.state.seq)

    def stop(self) -> Any:
        """Stop the hub; returns its hall day (for the report)."""
        day = self.hub.engine.state.day
        try:
            asyncio.run_coroutine_threadsafe(self.hub.stop(), self.loop).result(START_TIMEOUT_S)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
        return day


@dataclass
class Booth:
    """One window: its caller terminal (the real app's wiring) and its serial twins."""

    number: int
    name: str
    staff: Any  # hall.config.Staff
    wiring: Any  # caller.app.Wiring
    buses: list[Any]
    pad: Any  # VirtualPad
    bar: Any  # VirtualBar
    last_press: float = 0.0
    serving_since: Any = None  # demo time the current citizen was called
    minutes: float = 0.0  # how long this citizen takes

    @property
    def presenter(self) -> Any:
        return self.wiring.presenter


@dataclass
class DemoHall:
    config: Any
    out: Path
    db_path: Path
    clock: DemoClock
    window_count: int = 3
    printer_profile: str = "zh-80mm"
    headless: bool = True
    booths: list[Booth] = field(default_factory=list)

    def start(self, app: QApplication) -> None:
        """Start the hub, the devices and the apps (windows not shown yet).

        Raises:
            SystemExit: the hall config lacks a kiosk, a display or a caller with a
                plain token.
        """
        from caller.app import Wiring
        from devices.profiles import load_ledbar, load_pad
        from devices.virtual import VirtualBar, VirtualBus, VirtualPad
        from display.app import WallApp
        from hall.config import Role
        from kiosk.app import build_kiosk
        from kiosk.printing import TicketPrinter
        from printer.profile import load_printer_profile
        from printer.virtual import VirtualPrinter
        from qtkit.bridge import HubBridge
        from qtkit.station import SerialSpec, Station
        from qtkit.theme import make_theme

        config = self.config
        kiosk_device = _device(config, Role.KIOSK)
        display_device = _device(config, Role.DISPLAY)
        callers = [d for d in config.devices if d.role is Role.CALLER and d.window is not None]
        callers = callers[:self.window_count]
        if not callers:
            raise SystemExit("jiaohao demo: the hall config needs a caller device")

        self.hub = HubThread(config, self.db_path, self.clock).start()
        url = self.hub.url
        profile = load_printer_profile(self.printer_profile)
        self.tickets = TicketFolder(self.out / "tickets", profile.width_dots)
        self.relay = TicketRelay()
        self.printer = VirtualPrinter(on_job=self._printed).start()

        self.kiosk = build_kiosk(app, HubBridge(url, kiosk_device.id, _token(kiosk_device)),
                                 TicketPrinter(profile, self.printer.connection),
                                 clock=self.clock)
        self.kiosk_touches = TouchWatch(self.kiosk.window)
        app.installEventFilter(self.kiosk_touches)
        self.wall = WallApp(HubBridge(url, display_device.id, _token(display_device)),
                            speaker=self._speaker(), now=self.clock)
        self.wall.window.setWindowTitle(f"叫号显示屏 · {display_device.id}")

        pad_profile, bar_profile = load_pad(PAD_PROFILE), load_ledbar(BAR_PROFILE)
        for device in callers:
            window = config.window(device.window)
            pad_bus = VirtualBus(pad_profile.framing).start()
            bar_bus = VirtualBus(bar_profile.framing).start()
            pad = pad_bus.add(VirtualPad(pad_profile, address=1))
            bar = bar_bus.add(VirtualBar(bar_profile, address=1))
            station = Station(
                hub=url, device=device.id, token=_token(device),
                serial=(SerialSpec("pad", str(pad_bus.path), PAD_PROFILE, 1, window.number),
                        SerialSpec("ledbar", str(bar_bus.path), BAR_PROFILE, 1,
                                   window.number)),
                app={"rating_timeout_s": 60},
            )
            wiring = Wiring(station, window=window.number, clock=self.clock)
            wiring.terminal.full.setWindowTitle(f"叫号终端 · {window.name}")
            staff = _staff_for(config, window, len(self.booths))
            self.booths.append(Booth(window.number, window.name, staff, wiring,
                                     [pad_bus, bar_bus], pad, bar))
        self.printer_window = PrinterWindow(self.printer.faults)
        self.relay.printed.connect(self.printer_window.add_ticket)
        self.devices_window = DevicesWindow(
            [Twins(b.name, b.bar, b.pad) for b in self.booths])

        # The kiosk restyles the whole application (its text grows in elderly mode);
        # every other window keeps the terminal's own 18 dp theme, as on its own PC.
        sheet = make_theme(18).stylesheet()
        for widget in (self.printer_window, self.devices_window,
                       *(w for b in self.booths
                         for w in (b.wiring.terminal.full, b.wiring.terminal.strip))):
            widget.setStyleSheet(sheet + widget.styleSheet())

        self.kiosk.bridge.start()
        self.wall.start()
        for booth in self.booths:
            booth.wiring.start()

    def _speaker(self) -> Any:
        from display.voicehost import VoiceSpeaker, make_speaker
        from voice.espeak import espeak_available

        if not self.headless:
            return make_speaker(True, clock=self.clock).speaker
        if not espeak_available():
            log.warning("espeak-ng is not installed: the calls are not written as WAV files")
            return None
        from jiaohao.demo.output import WavFolderBackend

        return VoiceSpeaker(WavFolderBackend(self.out / "voice"), clock=self.clock)

    def _printed(self, raw: bytes) -> None:
        """A job left the virtual printer (its thread): keep it, show it."""
        saved = self.tickets.save(raw)
        self.relay.printed.emit(saved.number, str(saved.picture))

    @property
    def person_at_kiosk(self) -> bool:
        """A person touched the kiosk a moment ago (they joined the demo)."""
        return time.monotonic() - self.kiosk_touches.last < PERSON_AT_KIOSK_S

    @property
    def online(self) -> bool:
        return (self.kiosk.presenter.online and self.wall.bridge.connected
                and all(b.wiring.bridge.connected for b in self.booths))

    def stop(self) -> Any:
        """Stop everything; returns the hall day the hub ended on."""
        player = getattr(self.wall.speaker, "player", None)
        if player is not None:  # the last calls are still being spoken
            player.wait_idle(60)
        self.kiosk.bridge.stop()
        self.wall.stop()
        for booth in self.booths:
            booth.wiring.stop()
            for bus in booth.buses:
                bus.stop()
        self.printer.stop()
        return self.hub.stop()


def _device(config: Any, role: Any) -> Any:
    found = next((d for d in config.devices if d.role is role), None)
    if found is None:
        raise SystemExit(f"jiaohao demo: the hall config needs a {role.value} device")
    return found


def _token(device: Any) -> str:
    if not device.token:
        raise SystemExit(f"jiaohao demo: device {device.id} has only a hashed token")
    return str(device.token)


def _staff_for(config: Any, window: Any, index: int) -> Any:
    """A clerk of the window's zone (else any), a different one per window."""
    staff = [s for s in config.staff if getattr(s, "zone", None) == window.zone] or list(
        config.staff)
    if not staff:
        raise SystemExit("jiaohao demo: the hall config lists no staff to sign in")
    return staff[index % len(staff)]
