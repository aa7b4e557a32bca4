"""A serial link: one port (or RS-485 bus) with the devices addressed on it.

One thread per link reads, splits frames by the profile's format, hands each frame to
the device at its address, writes queued frames one at a time (waiting for the
device's confirmation and retrying where the profile says so), and reopens the port
with backoff when it disappears. Events go to a plain callback and/or a
``queue.Queue``; both are called on the link's thread.

Frames and events only; no Qt and no hub here.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import serial

from devices.events import DeviceOffline, DeviceOnline, Event, SendFailed
from devices.framing import Frame, FrameFormat, FrameSplitter
from devices.profiles import AckRule, DeviceProfile, SerialSettings

log = logging.getLogger(__name__)

Opener = Callable[[str, SerialSettings, float], Any]


def open_serial(port: str, settings: SerialSettings, timeout_s: float) -> Any:
    """Open a port name (``/dev/ttyUSB0``, ``COM3``) or a pyserial URL (``loop://``,
    ``socket://127.0.0.1:7000``). Raises serial.SerialException or OSError.

    A device path is opened exclusively (POSIX lock; Windows ports are exclusive
    anyway), so a terminal and the device host can never both drive one bus: the
    second one is told the port is busy and keeps retrying until the first lets go."""
    extra = {} if "://" in port else {"exclusive": True}
    return serial.serial_for_url(
        port, timeout=timeout_s, write_timeout=1.0, **settings.pyserial_kwargs(), **extra
    )


class BusDevice:
    """A device at one address on a link. Subclasses react to frames and to time.

    ``on_frame``, ``on_tick`` and ``on_link`` run on the link's thread; public methods
    of subclasses may be called from any thread and take ``self.lock``.
    """

    def __init__(self, link: SerialLink, profile: DeviceProfile, address: int) -> None:
        self.link = link
        self.profile = profile
        self.address = address
        self.lock = threading.RLock()
        link.attach(self)

    def on_frame(self, frame: Frame, now: float) -> None:
        """A frame from this device's address (confirmations already taken out)."""

    def on_tick(self, now: float) -> None:
        """Called every loop of the link's thread (a few times a second at least)."""

    def on_link(self, online: bool, now: float) -> None:
        """The port opened or went away."""

    def send(self, frame: Frame) -> None:
        """Queue a frame to this device; the profile says whether it is confirmed."""
        rule = self.profile.device_ack
        self.link.send(frame, rule if rule.expected else None)


@dataclass
class _Outgoing:
    frame: Frame
    data: bytes
    ack: AckRule | None
    attempts: int = 0
    deadline: float = 0.0


@dataclass
class LinkStats:
    frames_in: int = 0
    frames_out: int = 0
    acks: int = 0
    retries: int = 0
    dropped_bytes: int = 0
    unknown_address: int = 0
    reconnects: int = 0
    #: seconds from losing the port to having it open again, per outage
    outages_s: list[float] = field(default_factory=list)


class SerialLink:
    """One port, its frame format and the devices on it. ``start()`` runs the thread.

    Args:
        port: a device path or pyserial URL; reopened by name after an outage.
        settings: baud rate etc.; framing: the frame format every device on it speaks.
        on_event: called with each event (on the link thread); events: a queue fed too.
        reconnect_min_s/reconnect_max_s: the backoff between attempts to reopen.
        frame_gap_s: a frame cut off by this much silence is dropped.
    """

    def __init__(
        self,
        port: str,
        settings: SerialSettings,
        framing: FrameFormat,
        *,
        on_event: Callable[[Event], None] | None = None,
        events: queue.Queue[Event] | None = None,
        reconnect_min_s: float = 0.1,
        reconnect_max_s: float = 1.0,
        frame_gap_s: float = 0.2,
        read_timeout_s: float = 0.02,
        opener: Opener = open_serial,
    ) -> None:
        self.port = port
        self.settings = settings
        self.framing = framing
        self._on_event = on_event
        self._events = events
        self._reconnect = (reconnect_min_s, reconnect_max_s)
        self._frame_gap_s = frame_gap_s
        self._read_timeout_s = read_timeout_s
        self._opener = opener
        self._devices: dict[int, BusDevice] = {}
        self._out: queue.Queue[_Outgoing] = queue.Queue()
        self._posted: queue.Queue[Event] = queue.Queue()
        self._inflight: _Outgoing | None = None
        self._serial: Any = None
        self._splitter = FrameSplitter(framing)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._write_lock = threading.Lock()
        self._online = threading.Event()
        self._lost_at: float | None = None
        self._ever_open = False
        self._last_rx = 0.0
        self.stats = LinkStats()

    @classmethod
    def for_profile(cls, port: str, profile: DeviceProfile, **kwargs: Any) -> SerialLink:
        """A link with the serial settings and frame format of ``profile``."""
        return cls(port, profile.serial, profile.framing, **kwargs)

    # -- devices and events -------------------------------------------------------
    def attach(self, device: BusDevice) -> None:
        """Put a device on this link. Raises ValueError for a taken address or a device
        whose profile speaks another frame format or speed."""
        if device.address in self._devices:
            raise ValueError(f"address {device.address} on {self.port} is taken")
        if device.profile.framing != self.framing:
            raise ValueError(
                f"{device.profile.id} speaks another frame format than this link ({self.port})"
            )
        if device.profile.serial != self.settings:
            raise ValueError(f"{device.profile.id} needs {device.profile.serial}, link has "
                             f"{self.settings}")
        self._devices[device.address] = device

    @property
    def devices(self) -> dict[int, BusDevice]:
        return dict(self._devices)

    def post(self, event: Event) -> None:
        """Deliver ``event`` from the link's thread (for events that arise on a caller's
        thread, so every event reaches the callback on the same thread, in order)."""
        self._posted.put(event)
        self._wake()

    def _deliver_posted(self) -> None:
        while True:
            try:
                event = self._posted.get_nowait()
            except queue.Empty:
                return
            self.emit(event)

    def _wake(self) -> None:
        port = self._serial
        if port is not None and hasattr(port, "cancel_read"):
            try:
                port.cancel_read()
            except Exception:  # a port closing under us: the loop notices
                pass

    def emit(self, event: Event) -> None:
        """Deliver an event to the callback and the queue (link thread)."""
        log.debug("%s: %s", self.port, event)
        if self._events is not None:
            self._events.put(event)
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:
                log.exception("%s: event callback failed on %s", self.port, event)

    @property
    def online(self) -> bool:
        return self._online.is_set()

    def wait_online(self, timeout_s: float) -> bool:
        """Block until the port is open (or ``timeout_s`` passes); returns whether it is."""
        return self._online.wait(timeout_s)

    # -- writing --------------------------------------------------------------------
    def send(self, frame: Frame, ack: AckRule | None = None) -> None:
        """Queue ``frame``; with ``ack``, wait for the device's confirmation before the
        next frame, resending up to ``ack.retries`` times. Failure is reported as a
        :class:`SendFailed` event. Raises ValueError if the frame cannot be encoded."""
        data = self.framing.encode(frame)
        self._out.put(_Outgoing(frame, data, ack))
        self._wake()

    def write_now(self, frame: Frame) -> None:
        """Write a confirmation at once (link thread only: from ``on_frame``)."""
        self._write(self.framing.encode(frame))

    def _write(self, data: bytes) -> None:
        port = self._serial
        if port is None:
            return
        with self._write_lock:
            port.write(data)
        self.stats.frames_out += 1

    # -- the thread -----------------------------------------------------------------
    def start(self) -> SerialLink:
        """Start the link's thread (returns self). Opening happens on the thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"link {self.port}",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the thread and close the port."""
        self._stop.set()
        port = self._serial
        if port is not None and hasattr(port, "cancel_read"):
            try:
                port.cancel_read()
            except Exception:
                pass
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        self._close()

    def __enter__(self) -> SerialLink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        delay = self._reconnect[0]
        while not self._stop.is_set():
            self._deliver_posted()
            now = time.monotonic()
            if self._serial is None:
                if self._try_open():
                    delay = self._reconnect[0]
                    continue
                self._fail_queued("offline")
                self._tick(now)
                self._stop.wait(delay)
                self._deliver_posted()
                delay = min(delay * 2, self._reconnect[1])
                continue
            try:
                self._service(now)
            except (serial.SerialException, OSError) as exc:
                if self._stop.is_set():
                    break
                self._lost(str(exc) or type(exc).__name__)
            except Exception:
                log.exception("%s: unexpected error in the link loop", self.port)
                self._lost("internal error")

    def _try_open(self) -> bool:
        try:
            self._serial = self._opener(self.port, self.settings, self._read_timeout_s)
        except (serial.SerialException, OSError, ValueError) as exc:
            log.debug("%s: cannot open: %s", self.port, exc)
            if self._lost_at is None:
                self._lost_at = time.monotonic()
                self.emit(DeviceOffline(self.port, f"cannot open: {exc}"))
            return False
        now = time.monotonic()
        outage = 0.0
        if self._ever_open and self._lost_at is not None:
            outage = now - self._lost_at
            self.stats.outages_s.append(outage)
            log.info("%s: back after %.2f s", self.port, outage)
        self._ever_open = True
        self._lost_at = None
        self._splitter.flush()  # a frame cut off by the outage is garbage
        self._online.set()
        self.emit(DeviceOnline(self.port, outage))
        for device in list(self._devices.values()):
            self._call(device, device.on_link, True, now)
        return True

    def _lost(self, reason: str) -> None:
        log.warning("%s: lost the port: %s", self.port, reason)
        self._close()
        self._online.clear()
        self._lost_at = time.monotonic()
        self.stats.reconnects += 1
        if self._inflight is not None:
            self._fail(self._inflight, "offline")
            self._inflight = None
        self._fail_queued("offline")
        self.emit(DeviceOffline(self.port, reason))
        now = time.monotonic()
        for device in list(self._devices.values()):
            self._call(device, device.on_link, False, now)

    def _close(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            try:
                port.close()
            except Exception:
                pass

    def _fail(self, out: _Outgoing, reason: str) -> None:
        log.warning("%s: frame to %s func 0x%02X failed: %s", self.port, out.frame.address,
                    out.frame.func, reason)
        self.emit(SendFailed(out.frame.address, out.frame.func, reason))

    def _fail_queued(self, reason: str) -> None:
        while True:
            try:
                out = self._out.get_nowait()
            except queue.Empty:
                return
            self._fail(out, reason)

    def _service(self, now: float) -> None:
        self._pump_writes(now)
        port = self._serial
        waiting = port.in_waiting
        data = port.read(waiting or 1)
        now = time.monotonic()
        if data:
            self._last_rx = now
            for frame in self._splitter.feed(data):
                self._dispatch(frame, now)
        elif self._splitter.pending and now - self._last_rx > self._frame_gap_s:
            for frame in self._splitter.flush():
                self._dispatch(frame, now)
        if self._splitter.dropped != self.stats.dropped_bytes:
            log.info("%s: dropped %d garbage bytes", self.port,
                     self._splitter.dropped - self.stats.dropped_bytes)
            self.stats.dropped_bytes = self._splitter.dropped
        self._pump_writes(now)
        self._tick(now)

    def _pump_writes(self, now: float) -> None:
        out = self._inflight
        if out is not None:
            if now < out.deadline:
                return
            assert out.ack is not None
            if out.attempts > out.ack.retries:
                self._inflight = None
                self._fail(out, "no confirmation")
            else:
                self.stats.retries += 1
                log.info("%s: no confirmation from %s, resending", self.port, out.frame.address)
                self._send_attempt(out, now)
                return
        while self._inflight is None:
            try:
                out = self._out.get_nowait()
            except queue.Empty:
                return
            self._send_attempt(out, now)

    def _send_attempt(self, out: _Outgoing, now: float) -> None:
        out.attempts += 1
        self._write(out.data)
        if out.ack is not None:
            out.deadline = now + out.ack.timeout_s
            self._inflight = out

    def _dispatch(self, frame: Frame, now: float) -> None:
        self.stats.frames_in += 1
        out = self._inflight
        if out is not None and out.ack is not None and out.ack.confirms(out.frame, frame):
            self._inflight = None
            self.stats.acks += 1
            return
        device = self._devices.get(frame.address)
        if device is None:
            self.stats.unknown_address += 1
            log.debug("%s: frame for unknown address %s", self.port, frame.address)
            return
        self._call(device, device.on_frame, frame, now)

    def _tick(self, now: float) -> None:
        for device in list(self._devices.values()):
            self._call(device, device.on_tick, now)

    def _call(self, device: BusDevice, method: Callable[..., None], *args: Any) -> None:
        # a device's bug is logged and must not take the port (and its neighbours) down
        try:
            with device.lock:
                method(*args)
        except (serial.SerialException, OSError):
            raise
        except Exception:
            log.exception("%s: device %s failed in %s", self.port, device.address,
                          getattr(method, "__name__", method))
