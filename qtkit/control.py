"""A local control socket for end-to-end tests and remote support: off unless the
environment variable ``JIAOHAO_CONTROL`` names a socket path (a Unix socket, or a
named pipe on Windows) when the app starts.

One JSON object per line in, one per line out:

- ``{"cmd": "texts"}`` → ``{"ok": true, "texts": [...]}``: the text of every visible
  label and button of the app's windows, as a person would read them;
- ``{"cmd": "click", "text": "叫号"}`` → clicks the first visible, enabled button whose
  text or accessible name contains ``text``;
- ``{"cmd": "type", "field": "工号", "text": "1001"}`` → fills the first visible, enabled
  text field whose placeholder or accessible name contains ``field``;
- ``{"cmd": "screenshot", "path": "/tmp/x.png"}`` → saves the window as it is drawn.

It drives the app only through its widgets, as a person at the screen would; it is
never needed to run a hall.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

from qtkit.screenshot import grab

log = logging.getLogger(__name__)

ENV = "JIAOHAO_CONTROL"


class Control:
    """Serves the control socket for ``window`` (kept alive by the window)."""

    def __init__(self, window: QWidget, name: str) -> None:
        self.window = window
        self.server = QLocalServer(window)
        QLocalServer.removeServer(name)
        if not self.server.listen(name):
            raise OSError(f"cannot listen on {name}: {self.server.errorString()}")
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._buffers.pop(s, None))

    def _read(self, sock: QLocalSocket) -> None:
        data = self._buffers.get(sock, b"") + bytes(sock.readAll().data())
        while b"\n" in data:
            line, data = data.split(b"\n", 1)
            try:
                answer = self.handle(json.loads(line))
            except Exception as exc:  # a bad command gets an answer, never a crash
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            sock.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
            sock.flush()
        self._buffers[sock] = data

    def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        cmd = command.get("cmd")
        if cmd == "texts":
            return {"ok": True, "texts": visible_texts()}
        if cmd == "click":
            wanted = str(command["text"])
            for button in _visible(QAbstractButton):
                if button.isEnabled() and (wanted in button.text()
                                           or wanted in button.accessibleName()):
                    button.click()
                    return {"ok": True, "clicked": button.text()}
            return {"ok": False, "error": f"no enabled button {wanted!r} on screen"}
        if cmd == "type":
            wanted = str(command["field"])
            for edit in _visible(QLineEdit):
                if edit.isEnabled() and (wanted in edit.placeholderText()
                                         or wanted in edit.accessibleName()):
                    edit.setText(str(command["text"]))
                    return {"ok": True}
            return {"ok": False, "error": f"no enabled field {wanted!r} on screen"}
        if cmd == "screenshot":
            path = grab(self.window, Path(str(command["path"])))
            return {"ok": True, "path": str(path)}
        return {"ok": False, "error": f"unknown command {cmd!r}"}


def _visible(kind: type[Any]) -> list[Any]:
    found = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for widget in [top, *top.findChildren(kind)]:
            if isinstance(widget, kind) and widget.isVisible():
                found.append(widget)
    return found


def visible_texts() -> list[str]:
    out = []
    for widget in _visible(QWidget):
        if isinstance(widget, (QLabel, QAbstractButton)) and widget.text().strip():
            out.append(widget.text())
        elif hasattr(widget, "control_texts"):  # custom-drawn widgets say what they show
            out.extend(widget.control_texts())
    return out


def attach_from_environment(window: QWidget) -> Control | None:
    """Serve the control socket if ``JIAOHAO_CONTROL`` is set; None otherwise."""
    name = os.environ.get(ENV)
    if not name:
        return None
    control = Control(window, name)
    window._jiaohao_control = control  # type: ignore[attr-defined]  # lives with the window
    log.warning("control socket %s is open (%s is set): for tests and support only",
                name, ENV)
    return control
