"""A pty pair standing in for a serial port or an RS-485 bus, with unplug and replug."""

from __future__ import annotations

import logging
import os
import random
import select
import shutil
import tempfile
import threading
import time
import tty
from pathlib import Path
from typing import TYPE_CHECKING

from devices.framing import FrameFormat, FrameSplitter

if TYPE_CHECKING:
    from devices.virtual.twins import VirtualDevice

log = logging.getLogger(__name__)


class VirtualBus:
    """A virtual port: ``path`` is what a link opens (a symlink to a pty slave).

    Args:
        framing: the frame format the devices on it speak.
        path: where to put the symlink; default a fresh temporary folder.
        seed: for the garbage bytes.

    Bus-wide fault switches: :attr:`garbage` (random bytes before each frame a device
    sends), :attr:`slow_s` (a pause between bytes), :meth:`unplug`/:meth:`replug`.
    """

    def __init__(self, framing: FrameFormat, path: str | Path | None = None, seed: int = 0) -> None:
        self.framing = framing
        self._own_dir: Path | None = None
        if path is None:
            self._own_dir = Path(tempfile.mkdtemp(prefix="jiaohao-bus-"))
            path = self._own_dir / "tty"
        self.path = str(path)
        self.garbage = False
        self.slow_s = 0.0
        self._random = random.Random(seed)
        self._devices: dict[int, VirtualDevice] = {}
        self._master: int | None = None
        self._slave: int | None = None
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._plugged = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._splitter = FrameSplitter(framing)
        self.on_bytes: list[object] = []

    # -- devices ---------------------------------------------------------------------
    def add(self, device: VirtualDevice) -> VirtualDevice:
        """Put a virtual device on the bus at its address. Raises ValueError if taken."""
        if device.address in self._devices:
            raise ValueError(f"address {device.address} is taken on this bus")
        self._devices[device.address] = device
        device.bus = self
        return device

    # -- plugging ----------------------------------------------------------------------
    def start(self) -> VirtualBus:
        """Plug in and start answering (returns self)."""
        self.replug()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"vbus {self.path}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Unplug, stop the thread and remove a temporary folder."""
        self._stop.set()
        self.unplug()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)

    def __enter__(self) -> VirtualBus:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def plugged(self) -> bool:
        return self._plugged.is_set()

    def unplug(self) -> None:
        """Pull the cable: the path vanishes and the port's open handle fails."""
        with self._lock:
            self._plugged.clear()
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass
            for fd in (self._master, self._slave):
                if fd is not None:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            self._master = self._slave = None

    def replug(self) -> None:
        """Plug in again: a fresh pty pair behind the same path."""
        with self._lock:
            if self._master is not None:
                return
            master, slave = os.openpty()
            tty.setraw(slave)
            tty.setraw(master)
            os.set_blocking(master, False)
            target = os.ttyname(slave)
            tmp = f"{self.path}.new"
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            os.symlink(target, tmp)
            os.replace(tmp, self.path)
            self._master, self._slave = master, slave
            self._splitter = FrameSplitter(self.framing)
            self._plugged.set()
            log.info("virtual bus %s -> %s", self.path, target)

    # -- bytes ---------------------------------------------------------------------------
    def transmit(self, data: bytes) -> None:
        """Send bytes to the host as a device would (lost while unplugged)."""
        if self.garbage:
            junk = [b for b in self._random.randbytes(8) if b not in self.framing.start_bytes]
            data = bytes(junk) + data
        with self._write_lock:
            if self.slow_s > 0:
                for i in range(len(data)):
                    self._write(data[i : i + 1])
                    time.sleep(self.slow_s)  # the simulated device is slow on purpose
            else:
                self._write(data)

    def _write(self, data: bytes) -> None:
        with self._lock:
            master = self._master
            if master is None:
                return
            view = memoryview(data)
            while view:
                try:
                    done = os.write(master, view)
                except BlockingIOError:
                    select.select([], [master], [], 0.05)
                    continue
                except OSError as exc:
                    log.debug("virtual bus write failed: %s", exc)
                    return
                view = view[done:]

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._plugged.wait(0.05):
                continue
            master = self._master
            if master is None:
                continue
            try:
                ready, _, _ = select.select([master], [], [], 0.05)
                if not ready:
                    continue
                data = os.read(master, 4096)
            except (OSError, ValueError):
                # no reader on the other side yet, or unplugged under us
                self._stop.wait(0.01)
                continue
            if not data:
                continue
            for frame in self._splitter.feed(data):
                # like RS-485: every device hears every frame and keeps its own
                for device in list(self._devices.values()):
                    try:
                        device.handle(frame)
                    except Exception:
                        log.exception("virtual device %s failed on %s", device.address, frame)
