"""A whole Qt app on the kit, small enough to copy: a board of waiting counts with one
"take a ticket" button per service.

An app has three parts. In a real app each is its own module:

- ``<app>/model.py`` (or ``presenter.py``): plain Python, no Qt import (an import
  contract checks it). It reads the hall and the state, sends requests through a
  :class:`qtkit.results.Requester`, and tells its listeners when to redraw. Tests
  drive it with a :class:`qtkit.results.FakeRequester`, without a window or a hub.
- ``<app>/window.py``: thin widgets that draw the model and forward clicks to it.
- ``<app>/cli.py``: the wiring — arguments, station, fonts, theme, bridge, replica.

Run it against a hub:
    python examples/app_skeleton.py --station examples/stations/kiosk.toml
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hall.config import HallConfig
from hall.state import HallState, waiting_by_service
from qtkit.results import Reply, Requester

# -- the model: plain Python (in an app: <app>/model.py, which must not import Qt) -------


@dataclass(frozen=True)
class Row:
    service: str
    name: str
    waiting: int


class BoardModel:
    """Rows to show, the last message, and the one action: take a ticket."""

    def __init__(self, requester: Requester) -> None:
        self._requester = requester
        self.rows: list[Row] = []
        self.message = ""
        self.busy = False
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    def refresh(self, hall: HallConfig, state: HallState) -> None:
        """Recompute the rows from the replica (call after a reset or an event)."""
        counts = waiting_by_service(state)
        self.rows = [Row(s.id, s.name, counts.get(s.id, 0)) for s in hall.services]
        self._changed()

    def take(self, service: str) -> None:
        if self.busy:
            return  # one request at a time: a double tap must not take two tickets
        self.busy = True
        self.message = "请稍候…"
        self._requester.request("take_ticket", {"service": service}, self._taken)
        self._changed()

    def _taken(self, reply: Reply) -> None:
        self.busy = False
        if reply.ok:
            self.message = f"您的号码 {reply.data['ticket']['number']}"
        elif reply.code == "offline":
            self.message = "暂时无法连接，请稍后再试"
        else:
            self.message = f"未能取号（{reply.code}）"
        self._changed()


# -- the window: thin widgets (in an app: <app>/window.py) ------------------------------

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget  # noqa: E402


class BoardWindow(QWidget):
    """Draws the model; every click goes to the model."""

    def __init__(self, model: BoardModel) -> None:
        super().__init__()
        self.setWindowTitle("排队看板")
        self._model = model
        self._layout = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setProperty("role", "title")
        self._layout.addWidget(self.message)
        self.buttons: dict[str, QPushButton] = {}
        model.on_change(self.redraw)

    def redraw(self) -> None:
        for row in self._model.rows:
            button = self.buttons.get(row.service)
            if button is None:
                button = self.buttons[row.service] = QPushButton()
                button.clicked.connect(lambda _=False, s=row.service: self._model.take(s))
                self._layout.addWidget(button)
            button.setText(f"{row.name}  等候 {row.waiting} 人")
            button.setEnabled(not self._model.busy)
        self.message.setText(self._model.message)


# -- the wiring (in an app: <app>/cli.py) ------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    from hall.wallclock import wall_clock
    from qtkit.app import application, parse_app_args, place_window
    from qtkit.bridge import HubBridge
    from qtkit.fonts import setup_fonts
    from qtkit.replica import Replica
    from qtkit.theme import apply_theme, make_theme

    options = parse_app_args("app_skeleton", "A board of waiting counts.", argv)
    app = application(sys.argv[:1])
    fonts = setup_fonts(app)
    apply_theme(app, make_theme(24))
    station = options.station
    bridge = HubBridge(station.hub, station.device, station.token)
    replica = Replica(bridge, clock=wall_clock)
    model = BoardModel(bridge)
    window = BoardWindow(model)
    replica.reset.connect(lambda: model.refresh(replica.hall, replica.state))
    replica.applied.connect(lambda _event: model.refresh(replica.hall, replica.state))
    bridge.refused.connect(lambda reason: window.message.setText(f"设备被拒绝：{reason}"))
    if not fonts.ok:
        window.message.setText(fonts.problem)
    place_window(window, options.placement)
    bridge.start()
    try:
        return app.exec()
    finally:
        bridge.stop()


if __name__ == "__main__":
    sys.exit(main())
