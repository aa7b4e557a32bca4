"""The wiring of the dashboard: bridge → replica → model → window, and a one-second
timer that lets the model fetch what became stale (coalesced, never per event)."""

from __future__ import annotations

import json

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest

from hall.clock import Clock
from hall.protocol import Event
from qtkit.bridge import HubBridge
from qtkit.replica import Replica
from supervisor.model import Dashboard
from supervisor.window import DashboardWindow


class SupervisorApp(QObject):
    def __init__(self, bridge: HubBridge, clock: Clock, figures_every_s: float = 10.0) -> None:
        """``clock`` is the local clock; the dashboard's days and running minutes follow
        the hub's time (``replica.clock``: ``clock`` plus the offset to the hub's)."""
        super().__init__()
        self.bridge = bridge
        self.replica = Replica(bridge, clock=clock)
        self.model = Dashboard(bridge, self.replica.clock, figures_every_s)
        self.window = DashboardWindow(self.model)
        self.replica.reset.connect(self._live)
        self.replica.applied.connect(self._applied)
        bridge.connection_changed.connect(self.model.set_connected)
        bridge.refused.connect(lambda reason: self.model.say(f"叫号系统拒绝了本设备：{reason}",
                                                             "error"))
        self._live_due = False
        self._seconds = 0
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        #: /healthz beside the hub's WebSocket: the county link (read every 10 s).
        self._http = QNetworkAccessManager(self)
        self.healthz = QUrl(bridge.url.replace("ws://", "http://", 1)
                            .replace("wss://", "https://", 1).rstrip("/") + "/healthz")

    def _live(self) -> None:
        self.model.refresh_live(self.replica.hall, self.replica.state)

    def _applied(self, event: Event) -> None:
        self.model.event(str(event.kind))
        self._live_due = True

    def _tick(self) -> None:
        """Once a second: the live panel if events came (a burst redraws once), else
        every 15 s for the running minutes; then whatever figures are stale."""
        self._seconds += 1
        if self.replica.ready and (self._live_due or self._seconds % 15 == 0):
            self._live_due = False
            self._live()
        self.model.tick()
        if self._seconds % 10 == 1:
            self._ask_health()

    def _ask_health(self) -> None:
        reply = self._http.get(QNetworkRequest(self.healthz))
        reply.finished.connect(lambda: self._got_health(reply))

    def _got_health(self, reply: QNetworkReply) -> None:
        try:
            if reply.error() == QNetworkReply.NetworkError.NoError:
                body = json.loads(bytes(reply.readAll().data()))
                link = body.get("county") if isinstance(body, dict) else None
                self.model.set_county(link if isinstance(link, dict) else None)
        except ValueError:
            pass  # not the hub's /healthz: the line stays as it was
        finally:
            reply.deleteLater()

    def start(self) -> None:
        self.bridge.start()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.bridge.stop()
