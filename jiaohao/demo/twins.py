"""On-screen twins of the hall's hardware: the virtual printer's paper and the
windows' LED bars and evaluator pads, drawn simply so a person can watch (and press)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

#: the pad's keys, best first (score 5 = 非常满意 … 1 = 非常不满意, the 差评)
PAD_KEYS = ((5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意"))
TICKETS_SHOWN = 3


def _pixmap(image: Any) -> QPixmap:
    """A Pillow image as a QPixmap."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap


class TicketRelay(QObject):
    """Carries printed tickets from the virtual printer's thread to the GUI thread."""

    printed = Signal(str, str)  # number, picture path


class PrinterWindow(QWidget):
    """The kiosk's virtual printer: the last tickets as they came out, and its paper."""

    def __init__(self, faults: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("虚拟打印机 · 号票")
        self.faults = faults
        self.status = QLabel()
        self.status.setStyleSheet("font-size: 18px;")
        self.paper_button = QPushButton()
        self.paper_button.clicked.connect(self._toggle_paper)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.paper_button)
        self.row = QHBoxLayout()
        self.row.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        strip = QWidget()
        strip.setLayout(self.row)
        scroll = QScrollArea()
        scroll.setWidget(strip)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.tickets: list[QLabel] = []
        self.show_paper()
        self.resize(1290, 520)

    def show_paper(self) -> None:
        out = bool(self.faults.paper_out)
        self.status.setText("打印机缺纸！取号机将暂停出票" if out
                            else "打印机正常 · 最近打出的号票")
        self.status.setStyleSheet(f"font-size: 18px; color: {'#b00020' if out else '#1b1b1b'};")
        self.paper_button.setText("装纸" if out else "模拟缺纸")

    def _toggle_paper(self) -> None:
        self.faults.paper_out = not self.faults.paper_out
        self.show_paper()

    def add_ticket(self, number: str, picture: str) -> None:
        """A ticket came out: newest on the left, the last few kept."""
        pixmap = QPixmap(picture)
        if not pixmap.isNull():  # the whole ticket in the window's height
            target = max(160, min(440, self.height() - 140))
            pixmap = pixmap.scaledToHeight(min(pixmap.height(), target),
                                           Qt.TransformationMode.SmoothTransformation)
        label = QLabel()
        label.setPixmap(pixmap)
        label.setToolTip(number)
        label.setStyleSheet("background: white; border: 1px solid #999; padding: 4px;")
        self.row.insertWidget(0, label)
        self.tickets.insert(0, label)
        while len(self.tickets) > TICKETS_SHOWN:
            self.tickets.pop().deleteLater()


@dataclass
class Twins:
    """One window's LED bar and evaluator pad twins."""

    name: str
    bar: Any  # devices.virtual.VirtualBar
    pad: Any  # devices.virtual.VirtualPad


class DevicesWindow(QWidget):
    """Each window's LED bar as its red dots and its evaluator pad with five keys
    (press them: the rating goes through the serial twin to the caller and the hub)."""

    def __init__(self, windows: Sequence[Twins], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("窗口屏与评价器 · LED bars and evaluator pads")
        self.setStyleSheet("QPushButton { min-width: 84px; min-height: 32px; padding: 2px 6px;"
                           " font-size: 15px; }")
        self.windows = list(windows)
        grid = QGridLayout(self)
        grid.setVerticalSpacing(2)
        self._bars: list[QLabel] = []
        self._pads: list[QLabel] = []
        self._keys: list[list[QPushButton]] = []
        self._shown: list[tuple[str, bool] | None] = []
        for i, twins in enumerate(self.windows):
            grid.addWidget(QLabel(twins.name), 2 * i, 0, 2, 1)
            bar = QLabel()
            bar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            grid.addWidget(bar, 2 * i, 1)
            below = QHBoxLayout()
            pad = QLabel()
            pad.setFixedWidth(250)
            below.addWidget(pad)
            buttons = []
            for score, text in PAD_KEYS:
                button = QPushButton(text)
                button.clicked.connect(lambda _c=False, p=twins.pad, s=score: p.press_score(s))
                below.addWidget(button)
                buttons.append(button)
            below.addStretch(1)
            grid.addLayout(below, 2 * i + 1, 1)
            self._bars.append(bar)
            self._pads.append(pad)
            self._keys.append(buttons)
            self._shown.append(None)
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the twins (they change on their serial threads)."""
        from devices.virtual.render import render_bar

        for i, twins in enumerate(self.windows):
            shown = (twins.bar.text, bool(twins.bar.flashing))
            if shown != self._shown[i]:
                self._shown[i] = shown
                self._bars[i].setPixmap(_pixmap(render_bar(shown[0] or " ", dot_px=3)))
                # a flashing bar gets a yellow frame (the picture stays one line high)
                self._bars[i].setStyleSheet(
                    f"border: 3px solid {'#f5c400' if shown[1] else 'transparent'};")
            lit = bool(twins.pad.lit)
            words = twins.pad.screen or "（评价器）"
            self._pads[i].setText(f"{'● 请您评价' if lit else '○ 评价器'} · {words}")
            self._pads[i].setStyleSheet(f"font-size: 15px; color: {'#0a7d28' if lit else '#555'};")
            for button in self._keys[i]:
                button.setEnabled(lit)

