"""Which devices are connected, and when one has been gone long enough for the hub to
report it offline itself (an alert, like any device fault); "ok" when it returns.

Sans-I/O: the shell tells :class:`Presence` when a device's connection closes and when
the device says hello again; timers are started through the ``schedule`` function it
is given (the event loop's ``call_later`` in the hub, a fake in tests) and the
statuses to record are handed to ``report`` (the hub queues them for its writer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from hall.config import Device, Role
from hall.protocol import DeviceStatus


class Timer(Protocol):
    def cancel(self) -> None: ...


Schedule = Callable[[float, Callable[[Device], None], Device], Timer]


class Presence:
    """The devices whose connection has closed, each with its offline timer."""

    def __init__(self, offline_after_s: float | None, schedule: Schedule,
                 report: Callable[[DeviceStatus], None]) -> None:
        self.offline_after_s = offline_after_s
        self._schedule = schedule
        self._report = report
        self._gone: dict[str, Timer] = {}
        self._offline: set[str] = set()  # reported offline and not back yet
        self._stopped = False

    def left(self, device: Device, still_connected: bool) -> None:
        """A connection of ``device`` closed (``still_connected``: it has another)."""
        if (device.role is Role.ADMIN or self.offline_after_s is None or still_connected
                or self._stopped):
            return
        self._cancel(device.id)
        self._gone[device.id] = self._schedule(self.offline_after_s, self._expired, device)

    def back(self, device: Device) -> None:
        """``device`` said hello: cancel its timer; "ok" if it was reported offline."""
        self._cancel(device.id)
        if device.id in self._offline:
            self._offline.discard(device.id)
            self._report(DeviceStatus(id="hub", device_kind=str(device.role), status="ok",
                                      detail="已重新连接", device=device.id))

    def stop(self) -> None:
        """The hub is stopping: no timer runs, nothing more is reported."""
        self._stopped = True
        for timer in self._gone.values():
            timer.cancel()
        self._gone.clear()

    def _expired(self, device: Device) -> None:
        self._gone.pop(device.id, None)
        if self._stopped:
            return
        self._offline.add(device.id)
        self._report(DeviceStatus(
            id="hub", device_kind=str(device.role), status="offline",
            detail=f"连接中断超过 {self.offline_after_s:g} 秒", device=device.id))

    def _cancel(self, device_id: str) -> None:
        timer = self._gone.pop(device_id, None)
        if timer is not None:
            timer.cancel()
