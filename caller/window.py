"""The terminal's widgets: a full window and a compact always-on-top strip.

They only draw :class:`caller.presenter.CallerView` and hand clicks and shortcuts to
the presenter; :class:`Terminal` holds both and the shortcuts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caller.actions import ACTIONS, PAUSE_REASONS, key_map
from caller.presenter import CallerPresenter, CallerView
from hall.protocol import ASSIST_KINDS, ASSIST_SOURCES

_KIND_COLOUR = {"ok": "#1e6b34", "error": "#a4161a", "warn": "#8a4b00", "info": "#1b1b1b"}


def button_text(name: str, key: str | None = None) -> str:
    """The button's words over its key, on two lines (narrow enough for five columns)."""
    action = ACTIONS[name]
    return f"{action.label}\n{key or action.shortcut}"


def clock_text(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:d}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else \
        f"{s // 60:02d}:{s % 60:02d}"


def _paint(label: QLabel, size: int, colour: str = "#1b1b1b", bold: bool = False) -> None:
    weight = "font-weight: bold; " if bold else ""
    label.setStyleSheet(f"font-size: {size}px; {weight}color: {colour};")


def _label(text: str = "", size: int = 18, bold: bool = False) -> QLabel:
    label = QLabel(text)
    # Names from the hall config and stored pause reasons are shown as the text they
    # are: a QLabel would render "<h1>窗口1</h1>" as a heading (Qt's AutoText).
    label.setTextFormat(Qt.TextFormat.PlainText)
    _paint(label, size, bold=bold)
    return label


def _chooser(placeholder: str) -> QComboBox:
    """A drop-down that names its purpose while empty or unpicked."""
    box = QComboBox()
    box.setPlaceholderText(placeholder)
    # wide enough to read its words whole (and an item such as 转到 B 社保服务)
    box.setMinimumWidth(box.fontMetrics().horizontalAdvance(placeholder + "一一") + 40)
    box.setToolTip(placeholder.split("：")[0])
    return box


class _Buttons:
    """Action buttons made on demand, enabled by the view."""

    def __init__(self, trigger: Callable[[str], None]) -> None:
        self._trigger = trigger
        self.buttons: dict[str, QPushButton] = {}

    def make(self, name: str) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        self.buttons[name] = button
        self.label(name, button_text(name))
        button.clicked.connect(lambda _=False, n=name: self._trigger(n))
        return button

    def label(self, name: str, text: str) -> None:
        """Set a button's words; the layout may never squeeze it below them."""
        button = self.buttons[name]
        button.setText(text)
        hint = button.sizeHint()
        button.setMinimumSize(hint.width(), max(48, hint.height()))

    def redraw(self, view: CallerView) -> None:
        for name, button in self.buttons.items():
            button.setEnabled(name in view.enabled)


def _status(view: CallerView) -> str:
    if not view.online:
        return "● 离线（正在重连）"
    return "● 在线"


def _current_texts(view: CallerView) -> tuple[str, str, str]:
    """(number, detail, timer) of the current ticket, or the window's idle words."""
    if not view.signed_in and view.current is None:
        return "未签到", "请输入工号签到", ""
    current = view.current
    if view.paused and current is None:
        return "暂停服务", view.pause_reason or "", ""
    if view.paused and current is not None:  # paused mid-service: the citizen stays
        why = f"（{view.pause_reason}）" if view.pause_reason else ""
        return current.number, f"暂停服务{why}  {current.service_name}", \
            clock_text(current.elapsed_s)
    if current is None:
        return "空闲", f"等候 {view.total_waiting} 人", ""
    detail = f"{current.service_name}  重呼 {current.recalls}/{view.recall_limit}"
    if current.assisted:
        detail += f"  已记{ASSIST_KINDS[current.assisted]}"
    timer = clock_text(current.elapsed_s)
    if current.over_time:
        timer += "  已超时"
    return current.number, detail, timer


class FullWindow(QWidget):
    """Everything: sign-in, the current ticket, every action, the queue."""

    def __init__(self, trigger: Callable[[str], None]) -> None:
        super().__init__()
        self.setWindowTitle("窗口呼叫终端")
        self.action_buttons = _Buttons(trigger)
        top = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = _label(size=22, bold=True)
        self.staff = _label()
        self.online = _label()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.staff)
        head.addWidget(self.online)
        top.addLayout(head)

        self.sign_row = QWidget()
        sign = QHBoxLayout(self.sign_row)
        sign.setContentsMargins(0, 0, 0, 0)
        self.staff_input = QLineEdit()
        self.staff_input.setPlaceholderText("工号")
        self.staff_input.returnPressed.connect(lambda: trigger("sign_in"))
        sign.addWidget(_label("工号"))
        sign.addWidget(self.staff_input, 1)
        sign.addWidget(self.action_buttons.make("sign_in"))
        top.addWidget(self.sign_row)

        now = QHBoxLayout()
        self.number = _label(size=56, bold=True)
        self.number.setObjectName("number")
        column = QVBoxLayout()
        self.detail = _label(size=20)
        self.timer = _label(size=28, bold=True)
        self.timer.setObjectName("timer")
        column.addWidget(self.detail)
        column.addWidget(self.timer)
        now.addWidget(self.number)
        now.addSpacing(24)
        now.addLayout(column, 1)
        top.addLayout(now)

        grid = QGridLayout()
        for i, name in enumerate(("call_next", "recall", "skip", "finish", "hold")):
            grid.addWidget(self.action_buttons.make(name), 0, i)
        # each list says what it is for while nothing is picked or nothing is in it
        self.services = _chooser("转到哪个业务")
        grid.addWidget(self.services, 1, 0)
        grid.addWidget(self.action_buttons.make("transfer"), 1, 1)
        self.reason = _chooser("暂停原因（必选）")
        self.reason.setEditable(True)  # pick one, or type another
        self.reason.addItems(PAUSE_REASONS)
        editor = self.reason.lineEdit()
        if editor is not None:
            editor.setPlaceholderText("暂停原因（必选）")
        self.clear_reason()
        grid.addWidget(self.reason, 1, 2)
        grid.addWidget(self.action_buttons.make("pause"), 1, 3)
        grid.addWidget(self.action_buttons.make("resume"), 1, 4)
        self.number_input = QLineEdit()
        self.number_input.setPlaceholderText("如 A012")
        self.number_input.returnPressed.connect(lambda: trigger("call_number"))
        grid.addWidget(self.number_input, 2, 0)
        grid.addWidget(self.action_buttons.make("call_number"), 2, 1)
        self.skipped = _chooser("过号号码：无")
        grid.addWidget(self.skipped, 2, 2)
        grid.addWidget(self.action_buttons.make("reinstate"), 2, 3)
        self.held = _chooser("挂起号码：无")
        grid.addWidget(self.held, 3, 0)
        grid.addWidget(self.action_buttons.make("call_back"), 3, 1)
        grid.addWidget(self.action_buttons.make("ask_rating"), 3, 2)
        grid.addWidget(self.action_buttons.make("call_manager"), 2, 4)
        grid.addWidget(self.action_buttons.make("sign_out"), 3, 3)
        self.compact_button = QPushButton("精简条")
        grid.addWidget(self.compact_button, 3, 4)
        # 帮办代办: mark the ticket in hand, or record a 代办 item that has no ticket
        grid.addWidget(self.action_buttons.make("help"), 4, 0)
        grid.addWidget(self.action_buttons.make("proxy"), 4, 1)
        self.assist_services = _chooser("代办业务：无")
        grid.addWidget(self.assist_services, 4, 2)
        self.assist_source = _chooser("来源")
        for source, name in ASSIST_SOURCES.items():
            self.assist_source.addItem(f"来源：{name}", source)
        grid.addWidget(self.assist_source, 4, 3)
        grid.addWidget(self.action_buttons.make("proxy_item"), 4, 4)
        for index in range(5):
            grid.setColumnStretch(index, 1)
        top.addLayout(grid)

        self.waiting = _label(size=18)
        self.waiting.setWordWrap(True)
        top.addWidget(self.waiting)
        self.notice = _label(size=20, bold=True)
        _paint(self.notice, 20, "#0b5394", bold=True)
        top.addWidget(self.notice)
        self.message = _label(size=20)
        self.message.setWordWrap(True)
        top.addWidget(self.message)

    def assist_row_visible(self, visible: bool) -> None:
        """The 帮办代办 row shows only where the hall lists such services for this window."""
        for widget in (self.action_buttons.buttons["help"], self.action_buttons.buttons["proxy"],
                       self.assist_services, self.assist_source,
                       self.action_buttons.buttons["proxy_item"]):
            widget.setVisible(visible)

    def clear_reason(self) -> None:
        """No reason picked: the next pause asks again (none kept from the last one)."""
        self.reason.setCurrentIndex(-1)
        self.reason.clearEditText()

    @staticmethod
    def _fill(box: QComboBox, items: list[tuple[Any, str]]) -> None:
        keep = box.currentData()
        if [(box.itemData(i), box.itemText(i)) for i in range(box.count())] == items:
            return
        box.clear()
        for data, text in items:
            box.addItem(text, data)
        index = box.findData(keep)
        box.setCurrentIndex(index if index >= 0 else 0 if items else -1)

    def redraw(self, view: CallerView) -> None:
        self.title.setText(view.window_name)
        self.staff.setText(f"{view.staff_name or ''} 工号 {view.staff}" if view.signed_in
                           else "未签到")
        self.online.setText(_status(view))
        _paint(self.online, 18, "#1e6b34" if view.online else "#a4161a")
        self.sign_row.setVisible(not view.signed_in)
        number, detail, timer = _current_texts(view)
        self.number.setText(number)
        self.detail.setText(detail)
        self.timer.setText(timer)
        over = view.current is not None and view.current.over_time and not view.paused
        _paint(self.timer, 28, "#a4161a" if over else "#1b1b1b", bold=True)
        current = view.current.service if view.current else None
        self._fill(self.services, [(s, f"转到 {s} {n}") for s, n in view.services
                                   if s != current])
        self._fill(self.skipped, [(i, f"过号 {n}") for i, n in view.skipped])
        self._fill(self.held, [(i, f"挂起 {n}") for i, n in view.held])
        self._fill(self.assist_services, [(s, f"代办 {s} {n}") for s, n in view.assist_services])
        self.assist_row_visible(bool(view.assist_services) or bool(
            view.current and view.current.assist))
        counts = "  ".join(f"{s}: {n} 人" for s, n in view.waiting.items())
        numbers = " ".join(view.waiting_numbers) or "无"
        self.waiting.setText(f"等候 {counts}\n排队号码：{numbers}")
        self.notice.setText(view.notice)
        self.message.setText(view.message)
        _paint(self.message, 20, _KIND_COLOUR.get(view.message_kind, "#1b1b1b"))
        self.action_buttons.redraw(view)


class CompactStrip(QWidget):
    """A narrow strip that stays on top beside the business software."""

    #: Six actions (暂停 and 恢复服务 share a place: one shows at a time).
    STRIP_ACTIONS = ("call_next", "recall", "skip", "finish", "pause", "resume", "ask_rating")

    def __init__(self, trigger: Callable[[str], None]) -> None:
        super().__init__(None, Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.Tool)
        self.setWindowTitle("呼叫条")
        self.action_buttons = _Buttons(trigger)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        self.number = _label(size=28, bold=True)
        self.number.setMinimumWidth(120)  # GC001 at 28 px: the number never jumps
        self.timer = _label(size=20, bold=True)
        self.timer.setMinimumWidth(90)  # 00:00, and 1:05:00 after an hour
        self.waiting = _label(size=18)
        row.addWidget(self.number)
        row.addWidget(self.timer)
        row.addWidget(self.waiting)
        for name in self.STRIP_ACTIONS:
            row.addWidget(self.action_buttons.make(name))
        self.message = _label(size=16)
        self.message.setMinimumWidth(150)  # two lines at most (it wraps)
        self.message.setMaximumWidth(360)
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)
        self.full_button = QPushButton("完整")
        row.addWidget(self.full_button)
        #: 暂停 on the strip asks why: a menu of the reasons under the button.
        self.reasons = QMenu(self)
        self.reasons.setTitle("暂停原因")
        for reason in PAUSE_REASONS:
            self.reasons.addAction(reason).setObjectName(reason)

    def redraw(self, view: CallerView) -> None:
        number, _detail, timer = _current_texts(view)
        if not view.online and view.current is None:
            number = "离线"
        elif not view.signed_in:
            number = "未签到"
        self.number.setText(number)
        over = view.current is not None and view.current.over_time and not view.paused
        self.timer.setText(timer)
        _paint(self.timer, 20, "#a4161a" if over else "#1b1b1b", bold=True)
        self.waiting.setText(f"暂停服务 · 等候 {view.total_waiting}" if view.paused
                             else f"等候 {view.total_waiting}")
        _paint(self.waiting, 18, "#8a4b00" if view.paused else "#1b1b1b", bold=view.paused)
        self.message.setText("离线，正在自动重连…" if not view.online
                             else view.notice or view.message)
        _paint(self.message, 16, _KIND_COLOUR.get(view.message_kind, "#1b1b1b"))
        self.action_buttons.buttons["pause"].setVisible(not view.paused)
        self.action_buttons.buttons["resume"].setVisible(view.paused)
        self.action_buttons.redraw(view)


class Terminal(QObject):
    """The full window, the strip, the shortcuts and the one-second timer."""

    def __init__(self, presenter: CallerPresenter, compact: bool = False,
                 keys: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.presenter = presenter
        self.keys = dict(keys or key_map())
        self.full = FullWindow(self.trigger)
        self.strip = CompactStrip(self.trigger)
        self.shortcuts: dict[str, list[QShortcut]] = {}
        for window in (self.full, self.strip):
            for name in window.action_buttons.buttons:
                window.action_buttons.label(name, button_text(name, self.keys[name]))
            for name in ACTIONS:
                sequence = QKeySequence(self.keys[name])
                if sequence.isEmpty():
                    raise ValueError(f"[app.keys] {name}: {self.keys[name]!r} is not a key")
                shortcut = QShortcut(sequence, window)
                shortcut.activated.connect(lambda n=name: self.trigger(n))
                self.shortcuts.setdefault(name, []).append(shortcut)
        self.strip.reasons.triggered.connect(
            lambda action: self.presenter.act("pause", reason=action.text()))
        self.full.compact_button.clicked.connect(lambda: self.show_compact(True))
        self.strip.full_button.clicked.connect(lambda: self.show_compact(False))
        self.compact = compact
        presenter.on_change(self.redraw)
        self._timer = QTimer(self.full)  # dies with the window
        self._timer.setInterval(1000)
        self._timer.timeout.connect(presenter.tick)
        self._timer.start()
        self.redraw(presenter.view)

    @property
    def shown(self) -> QWidget:
        return self.strip if self.compact else self.full

    def show_compact(self, compact: bool) -> None:
        self.compact = compact
        (self.full if compact else self.strip).hide()
        self.shown.show()

    def fields(self, name: str) -> dict[str, Any]:
        """The inputs an action takes, read from the full window."""
        full = self.full
        if name == "sign_in":
            return {"staff": full.staff_input.text()}
        if name == "transfer":
            return {"service": full.services.currentData() or ""}
        if name == "pause":
            return {"reason": full.reason.currentText()}
        if name == "call_number":
            return {"number": full.number_input.text()}
        if name == "reinstate":
            return {"ticket": full.skipped.currentData()}
        if name == "call_back":
            return {"ticket": full.held.currentData()}
        if name == "proxy_item":
            return {"service": full.assist_services.currentData() or "",
                    "source": full.assist_source.currentData() or ""}
        return {}

    def trigger(self, name: str) -> None:
        if name == "pause" and self.compact and "pause" in self.presenter.view.enabled:
            self.ask_reason()  # the strip has no reason list: ask now
            return
        self.presenter.act(name, **self.fields(name))
        if name == "call_number" and self.presenter.view.busy:
            self.full.number_input.clear()
        if name == "pause":
            if self.presenter.view.busy:
                self.full.clear_reason()  # sent: the next pause asks again
            elif "pause" in self.presenter.view.enabled:
                self.full.reason.setFocus()  # no reason given: open the list
                self.full.reason.showPopup()

    def ask_reason(self) -> None:
        """The strip's 暂停: the reasons pop up under the button; one click pauses."""
        button = self.strip.action_buttons.buttons["pause"]
        self.strip.reasons.popup(button.mapToGlobal(button.rect().bottomLeft()))

    def redraw(self, view: CallerView) -> None:
        self.full.redraw(view)
        self.strip.redraw(view)
