"""The county dashboard's wiring: every ``every_s`` seconds a snapshot is read from the
county database on a worker thread (never on the GUI thread) and shown."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QTimer

from supervisor.model_county import CountyBoard
from supervisor.window_county import CountyWindow


class CountyApp(QObject):
    def __init__(self, fetch: Callable[[], dict[str, Any]], today: Callable[[], date],
                 every_s: float = 30.0) -> None:
        super().__init__()
        self.fetch = fetch
        self.model = CountyBoard(today)
        self.window = CountyWindow(self.model)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jiaohao-county")
        self._pending: Future[dict[str, Any]] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(int(every_s * 1000))
        self.timer.timeout.connect(self.refresh)
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._collect)

    def refresh(self) -> None:
        if self._pending is None:
            self._pending = self._pool.submit(self.fetch)
            self._poll.start()

    def _collect(self) -> None:
        future = self._pending
        if future is None or not future.done():
            return
        self._pending = None
        self._poll.stop()
        try:
            snapshot = future.result()
        except Exception as exc:
            self.model.failed(str(exc).strip().splitlines()[0] if str(exc).strip() else
                              type(exc).__name__)
            return
        self.model.show(snapshot)

    def start(self) -> None:
        self.refresh()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._poll.stop()
        self._pool.shutdown(wait=True)
