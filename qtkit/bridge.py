"""The hub bridge: ``hall.client.HubClient`` on its own asyncio loop, Qt signals out.

PySide6's QtAsyncio cannot run the websockets client, so the client lives on a plain
asyncio loop in a worker thread. The worker keeps the client's own replica (it needs
it for gap detection and resume) and hands the GUI thread only copies: a welcome
snapshot and each event, deep-copied, so nothing the GUI holds is shared with the
worker. Every signal is emitted from the worker and delivered queued, in order, on
the thread that owns the bridge (the GUI thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from hall.client import ConnectionLost, HubClient
from hall.errors import ProtocolError, RequestFailed
from hall.protocol import Event, EventKind, Welcome
from hall.state import HallState
from qtkit.results import CONNECTION_LOST, OFFLINE, TIMEOUT, Reply, ReplyCallback

log = logging.getLogger(__name__)

#: How often the idle worker looks whether the client gave up for good (seconds).
_WATCH_S = 0.25
#: A first welcome is awaited this long; the client keeps retrying meanwhile anyway.
_FOREVER_S = 365 * 24 * 3600.0


class HubBridge(QObject):
    """One device's link to the hub for a Qt app (see docs/qtkit.md).

    Create and use it on the GUI thread; ``start()`` launches the worker thread,
    ``stop()`` closes the client and joins the thread.
    """

    welcomed = Signal(object)  # hall.protocol.Welcome (a copy)
    event_received = Signal(object)  # hall.protocol.Event (a copy), in seq order
    connection_changed = Signal(bool)  # True once welcomed, False when the link drops
    refused = Signal(str)  # the hub refused this device for good: the close reason

    _replied = Signal(object, object)  # (on_done, Reply), worker -> GUI thread

    def __init__(
        self,
        url: str,
        device: str,
        token: str,
        *,
        subscribe: bool | tuple[EventKind, ...] = True,
        request_timeout_s: float = 10.0,
        backoff_s: tuple[float, float] = (0.1, 2.0),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.url = url
        self.device = device
        self._token = token
        self._subscribe = subscribe
        self._timeout = request_timeout_s
        self._backoff = backoff_s
        self._connected = False
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._client: HubClient | None = None
        self._quit_hooked = False
        # Connected first, so `connected` is already true in every app's slot, the
        # replica's included: a welcome means the link is up, even before the queued
        # connection_changed(True) that follows it reaches the GUI thread.
        self.welcomed.connect(self._note_welcomed)
        self.connection_changed.connect(self._note_connection)
        self._replied.connect(self._deliver)

    # -- the GUI side ------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether the GUI thread has seen the link up (welcomed and not dropped since)."""
        return self._connected

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        """Start the worker thread; it connects and keeps reconnecting until ``stop()``."""
        if self._thread is not None:
            return
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name=f"hub-bridge-{self.device}", daemon=True
        )
        self._thread.start()
        ready.wait()
        app = QCoreApplication.instance()
        if app is not None and not self._quit_hooked:
            app.aboutToQuit.connect(self.stop)  # never leave the worker behind
            self._quit_hooked = True

    def stop(self, timeout_s: float = 10.0) -> None:
        """Close the client and join the worker thread (also done when the application
        quits). Requests still waiting get ``connection_lost`` or ``offline``
        (delivered by the event loop)."""
        thread, loop, stop = self._thread, self._loop, self._stop
        if thread is None:
            return
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(stop.set)
        thread.join(timeout_s)
        if thread.is_alive():
            log.error("%s: the bridge's worker did not stop in %.0f s", self.device, timeout_s)
        self._thread = self._loop = self._stop = None
        self._client = None
        self._connected = False

    def request(self, type_: str, fields: dict[str, Any], on_done: ReplyCallback) -> None:
        """Send one request; ``on_done(Reply)`` runs later on the GUI thread.

        While the link is down nothing is sent and the reply is ``offline`` at once
        (still delivered by the event loop, never inside this call).
        """
        loop = self._loop
        if not self._connected or loop is None:
            QTimer.singleShot(0, self, lambda: on_done(
                Reply(False, code=OFFLINE, message="not connected to the hub")))
            return
        coro = self._send(type_, dict(fields), on_done)
        try:
            asyncio.run_coroutine_threadsafe(coro, loop)
        except RuntimeError:  # the loop closed meanwhile
            coro.close()
            QTimer.singleShot(0, self, lambda: on_done(
                Reply(False, code=OFFLINE, message="not connected to the hub")))

    @Slot(bool)
    def _note_connection(self, up: bool) -> None:
        self._connected = up

    @Slot(object)
    def _note_welcomed(self, _welcome: object) -> None:
        self._connected = True

    @Slot(object, object)
    def _deliver(self, on_done: ReplyCallback, reply: Reply) -> None:
        on_done(reply)

    # -- the worker side (never touches anything the GUI thread reads) ------------------

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._stop = asyncio.Event()
        ready.set()
        try:
            loop.run_until_complete(self._main(self._stop))
        except Exception:
            log.exception("%s: the bridge's worker failed", self.device)
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _main(self, stop: asyncio.Event) -> None:
        client = HubClient(
            self.url, self.device, self._token,
            on_event=self._on_event, on_welcome=self._on_welcome,
            on_connection=self._on_connection, request_timeout_s=self._timeout,
            backoff_s=self._backoff, subscribe=self._subscribe,
        )
        self._client = client
        first = asyncio.ensure_future(client.connect(timeout_s=_FOREVER_S))
        first.add_done_callback(lambda f: f.cancelled() or f.exception())
        told = False
        while not stop.is_set():
            if client.fatal is not None and not told:
                told = True
                self.refused.emit(client.fatal.reason or str(client.fatal))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), _WATCH_S)
        first.cancel()
        await client.close()
        # Requests handed over just before the stop still answer (offline or lost).
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if others:
            await asyncio.wait(others, timeout=self._timeout)

    def _on_welcome(self, welcome: Welcome, _state: HallState) -> None:
        self.welcomed.emit(copy.deepcopy(welcome))
        self.connection_changed.emit(True)

    def _on_connection(self, up: bool) -> None:
        if not up:  # "up" is announced after the welcome, in _on_welcome
            self.connection_changed.emit(False)

    def _on_event(self, event: Event, _state: HallState) -> None:
        self.event_received.emit(copy.deepcopy(event))

    async def _send(self, type_: str, fields: dict[str, Any], on_done: ReplyCallback) -> None:
        client = self._client
        if client is None or not client.connected:
            reply = Reply(False, code=OFFLINE, message="not connected to the hub")
        else:
            try:
                data = await client.request(type_, **fields)
                reply = Reply(True, data=data)
            except RequestFailed as failed:
                reply = Reply(False, code=failed.code, message=failed.message)
            except ConnectionLost as lost:
                reply = Reply(False, code=CONNECTION_LOST, message=str(lost))
            except TimeoutError:
                reply = Reply(False, code=TIMEOUT, message="the hub did not answer in time")
            except Exception as exc:  # a bad request the client could not even send
                log.exception("%s: request %s failed", self.device, type_)
                reply = Reply(False, code=ProtocolError.code, message=str(exc))
        self._replied.emit(on_done, reply)
