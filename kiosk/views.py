"""The kiosk's window: draws the presenter and forwards touches. No rules here.

Every change of the presenter rebuilds the current page (a kiosk page has a few dozen
widgets; this takes a few milliseconds and keeps the widgets free of state).
English comes from Qt's translation files (kiosk/translations/kiosk_en.qm): texts are
written in Chinese and translated in the ``kiosk`` context when English is on.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

import qrcode
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hall.words import wait_words
from kiosk.model import Screen
from kiosk.presenter import TAKE_AWAY_TEXT, KioskPresenter
from qtkit.theme import Palette, make_theme

log = logging.getLogger(__name__)

CONTEXT = "kiosk"
PRIORITY_TEXT = "优先取号\n老年人、残疾人、孕妇、军人等"


def qr_pixmap(payload: str, size: int) -> QPixmap:
    """A QR code of ``payload`` as a square pixmap about ``size`` pixels wide."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    scale = max(1, size // n)
    image = QImage(n * scale, n * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect(x * scale, y * scale, scale, scale, QColor("black"))
    painter.end()
    return QPixmap.fromImage(image)


class KioskWindow(QMainWindow):
    """The kiosk's only window."""

    def __init__(self, presenter: KioskPresenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.p = presenter
        self.setWindowTitle("取号机")
        self.buttons: dict[str, QPushButton] = {}  # by name, for tests and screenshots
        self._page: QWidget | None = None
        self._redraw_pending = False
        presenter.listeners.append(self.redraw)
        self.redraw()

    # -- text --------------------------------------------------------------------------

    def t(self, text: str) -> str:
        """``text`` in English when English is on (Qt's translator, context ``kiosk``)."""
        if not self.p.english:
            return text
        return QCoreApplication.translate(CONTEXT, text)

    def name(self, zh: str, en: str) -> str:
        return en if self.p.english and en else zh

    # -- building blocks -----------------------------------------------------------------

    def _label(self, text: str, scale: float = 1.0, role: str = "", bold: bool = False,
               align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setAlignment(align)
        size = round(self.p.text_dp * scale)
        weight = "bold" if bold else "normal"
        label.setStyleSheet(f"font-size: {size}px; font-weight: {weight};")
        if role:
            label.setProperty("role", role)
        return label

    def _button(self, key: str, text: str, action: Callable[[], None], scale: float = 1.0,
                enabled: bool = True, kind: str = "") -> QPushButton:
        button = QPushButton(text)
        size = round(self.p.text_dp * scale)
        pal = Palette()
        colours = {"ok": (pal.ok, pal.ok_text), "warn": (pal.warning, pal.warning_text),
                   "plain": (pal.surface, pal.text)}
        style = f"font-size: {size}px; min-height: {max(60, round(size * 2.6))}px;"
        if kind in colours:
            bg, fg = colours[kind]
            border = f"border: 3px solid {pal.text};" if kind == "plain" else ""
            style += f"background: {bg}; color: {fg}; {border}"
        button.setStyleSheet(style)
        button.setEnabled(enabled)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.clicked.connect(lambda: self._guarded(action))
        self.buttons[key] = button
        return button

    def _scrolling(self, grid: QGridLayout) -> QScrollArea:
        """The grid in a touch-scrollable area: a hall with many services never
        pushes the window past its screen."""
        inner = QWidget()
        inner.setLayout(grid)
        area = QScrollArea()
        area.setWidget(inner)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(area.viewport(),
                              QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        return area

    def _guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception:  # the presenter guards itself; this is the last line
            log.exception("kiosk: a touch failed")

    # -- pages ---------------------------------------------------------------------------

    def redraw(self) -> None:
        self._redraw_pending = False
        self.buttons = {}
        page = QWidget()
        layout = QVBoxLayout(page)
        margin = max(12, self.p.text_dp)
        layout.setContentsMargins(margin, margin // 2, margin, margin)
        layout.setSpacing(max(10, self.p.text_dp // 2))
        if self.p.screen is not Screen.IDLE:
            layout.addWidget(self._top_bar())
        if self.p.paused:
            banner = self._label(self.t("暂停取号：正在连接叫号系统，恢复后自动继续"), 1.1,
                                 "problem", bold=True)
            layout.addWidget(banner)
        build = {
            Screen.IDLE: self._idle, Screen.HOME: self._home, Screen.SERVICES: self._services,
            Screen.BOOKING: self._booking, Screen.ISSUING: self._issuing,
            Screen.TAKEN: self._taken, Screen.MESSAGE: self._message,
        }[self.p.screen]
        build(layout)
        if self.p.asking_more_time:
            layout.addWidget(self._more_time())
        page.setObjectName(f"page-{self.p.screen.value}")
        self.setCentralWidget(page)  # deletes the old page
        self._page = page

    def _top_bar(self) -> QWidget:
        bar = QWidget()
        rows = QVBoxLayout(bar)
        rows.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        title = self._label(self.name(self.p.hall.hall.name, self.p.hall.hall.name_en), 1.2,
                            bold=True, align=Qt.AlignmentFlag.AlignLeft
                            | Qt.AlignmentFlag.AlignVCenter)
        if self.width() > self.height():  # one row; portrait: the name above the buttons
            row.addWidget(title, 3)
        else:
            rows.addWidget(title)
        rows.addLayout(row)
        elderly = "退出长辈模式" if self.p.elderly else "长辈模式"
        row.addWidget(self._button("elderly", self.t(elderly), self.p.toggle_elderly, 1.0,
                                   kind="warn"), 1)
        if self.p.elderly:
            row.addWidget(self._button("bigger", self.t("字号") + f" {self.p.text_dp}",
                                       self.p.bigger_text, 0.9, kind="plain"), 1)
        row.addWidget(self._button("english", "中文" if self.p.english else "English",
                                   self.p.toggle_english, 0.9, kind="plain"), 1)
        return bar

    def _idle(self, layout: QVBoxLayout) -> None:
        hall = self.p.hall.hall
        layout.addStretch(2)
        layout.addWidget(self._label(self.name(hall.name, hall.name_en), 2.6, bold=True))
        if self.p.settings.notice:
            layout.addWidget(self._label(self.p.settings.notice, 1.3, "muted"))
        layout.addStretch(1)
        layout.addWidget(self._button("wake", self.t("请点击屏幕开始取号"), self.p.wake, 1.6))
        layout.addStretch(2)

    def _home(self, layout: QVBoxLayout) -> None:
        if self.p.booking:
            title = self.t("预约码 {code}：请选择办理区域").format(code=self.p.booking)
        elif self.p.priority:
            title = self.t("优先取号：请选择办理区域")
        elif self.p.person:
            title = self.t("已读取身份证：请选择办理区域")
        else:
            title = self.t("请选择办理区域")
        layout.addWidget(self._label(title, 1.6, bold=True))
        zones = self.p.zones()
        grid = QGridLayout()
        grid.setSpacing(max(10, self.p.text_dp // 2))
        cols = 1 if self.width() < self.height() or len(zones) < 2 else 2
        for i, zone in enumerate(zones):
            text = (self.name(zone.name, zone.name_en) + "\n"
                    + self.t("等候 {n} 人").format(n=zone.waiting))
            grid.addWidget(self._button(f"zone:{zone.id}", text,
                                        functools.partial(self.p.open_zone, zone.id), 1.4),
                           i // cols, i % cols)
        layout.addWidget(self._scrolling(grid), 5)
        if self.p.person:
            layout.addWidget(self._button("reprint_lost", self.t("补打丢失的号票"),
                                          self.p.reprint_lost, 1.2, kind="ok"), 1)
        if self.p.booking or self.p.priority or self.p.person:
            layout.addWidget(self._button("back", self.t("返回首页"), self.p.back, 1.1,
                                          kind="plain"), 1)
            return
        row = QHBoxLayout()
        row.addWidget(self._button("priority", self.t(PRIORITY_TEXT), self.p.start_priority,
                                   1.3, kind="ok"))
        row.addWidget(self._button("booking", self.t("预约签到") + "\n"
                                   + self.t("输入或扫描预约码"), self.p.start_booking, 1.3,
                                   kind="ok"))
        layout.addLayout(row, 2)

    def _services(self, layout: QVBoxLayout) -> None:
        if self.p.booking:
            title = self.t("预约码 {code}：请选择预约的业务").format(code=self.p.booking)
        elif self.p.priority:
            title = self.t("优先取号：请选择业务")
        elif self.p.person:
            title = self.t("已读取身份证：请选择业务")
        else:
            zone = self.p.hall.zone(self.p.zone or "")
            title = (self.name(zone.name, zone.name_en) if zone else "") + " · " + self.t(
                "请选择业务")
        layout.addWidget(self._label(title, 1.4, bold=True))
        grid = QGridLayout()
        grid.setSpacing(max(10, self.p.text_dp // 2))
        services = self.p.services()
        cols = 1 if self.width() < self.height() or len(services) < 4 else 2
        for i, s in enumerate(services):
            name = self.name(s.name, s.name_en)
            if s.available:
                wait = wait_words(s.wait_min, self.t, range_min=s.wait_range,
                                  known=s.wait_known)
                detail = f"{self.t('等候 {n} 人').format(n=s.waiting)} · {wait}"
                text = f"{name}\n{detail}"
            else:  # colour is not the only cue: the words say it
                text = f"{name}\n{self.t('暂不可取')}：{self.t(s.reason)}"
            grid.addWidget(self._button(f"service:{s.id}", text,
                                        functools.partial(self.p.take, s.id), 1.3,
                                        enabled=s.available), i // cols, i % cols)
        layout.addWidget(self._scrolling(grid), 6)
        layout.addWidget(self._button("back", self.t("返回首页"), self.p.back, 1.1,
                                      kind="plain"), 1)

    def _booking(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self._label(self.t("请输入预约码，或把预约二维码对准扫描口"), 1.3,
                                     bold=True))
        code = QLabel(self.p.code or " ")
        code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        code.setFrameShape(QFrame.Shape.Box)
        code.setStyleSheet(f"font-size: {round(self.p.text_dp * 2.2)}px; font-weight: bold;"
                           " background: white; padding: 8px;")
        layout.addWidget(code, 1)
        grid = QGridLayout()
        grid.setSpacing(max(8, self.p.text_dp // 3))
        keys = "123456789"
        for i, k in enumerate(keys):
            grid.addWidget(self._button(f"key:{k}", k, functools.partial(self.p.key, k), 1.8),
                           i // 3, i % 3)
        grid.addWidget(self._button("key:back", self.t("删除"), self.p.backspace, 1.2,
                                    kind="plain"), 3, 0)
        grid.addWidget(self._button("key:0", "0", lambda: self.p.key("0"), 1.8), 3, 1)
        grid.addWidget(self._button("key:ok", self.t("确定"), self.p.submit_booking, 1.3,
                                    kind="ok"), 3, 2)
        layout.addLayout(grid, 5)
        layout.addWidget(self._button("back", self.t("返回首页"), self.p.back, 1.1,
                                      kind="plain"), 1)

    def _issuing(self, layout: QVBoxLayout) -> None:
        layout.addStretch(1)
        layout.addWidget(self._label(self.t("正在取号，请稍候……"), 2.0, bold=True))
        layout.addStretch(1)

    def _taken(self, layout: QVBoxLayout) -> None:
        taken = self.p.taken
        assert taken is not None
        wide = self.width() > self.height()
        body = QHBoxLayout() if wide else QVBoxLayout()
        info = QVBoxLayout()
        info.addWidget(self._label(self.t("您的号码"), 1.3))
        number = self._label(taken.number, 1.0, bold=True)
        size = min(self.p.text_dp * (6 if wide else 7), round(self.height() * 0.13))
        number.setStyleSheet(f"font-size: {max(size, 3 * self.p.text_dp)}px; font-weight: bold;")
        number.setObjectName("number")
        info.addWidget(number)
        info.addWidget(self._label(self.name(taken.service, taken.service_en), 1.6, bold=True))
        info.addWidget(self._label(self.t("前面还有 {n} 人").format(n=taken.ahead), 1.4))
        wait = wait_words(taken.wait_min, self.t, range_min=taken.wait_range,
                          known=taken.wait_range is not None)
        info.addWidget(self._label(f"{self.t('预计等候')} {wait}", 1.4))
        body.addLayout(info, 3)
        qr = QLabel()
        qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        qr.setPixmap(qr_pixmap(taken.qr, min(self.p.text_dp * 11, self.height() // 4)))
        qr.setObjectName("qr")
        qr_box = QVBoxLayout()
        qr_box.addWidget(qr)
        qr_box.addWidget(self._label(self.t("手机扫码查看排队进度"), 1.0, "muted"))
        body.addLayout(qr_box, 2)
        layout.addLayout(body, 6)
        if taken.printed is None:
            layout.addWidget(self._label(self.t("正在打印号票……"), 1.4, bold=True))
        elif taken.printed:
            layout.addWidget(self._label(self.t(TAKE_AWAY_TEXT), 2.0, bold=True))
            if taken.warning:
                layout.addWidget(self._label(self.t(taken.warning), 1.0, "muted"))
        else:
            layout.addWidget(self._label(self.t(taken.problem), 1.3, "problem", bold=True))
            layout.addWidget(self._label(self.t(
                "号票没有打印出来。请记住号码或用手机扫描二维码，也可以点“补打号票”。"), 1.1))
            layout.addWidget(self._button("reprint", self.t("补打号票"), self.p.reprint, 1.3,
                                          kind="ok"), 1)
        layout.addWidget(self._button("home", self.t("完成，返回首页"), self.p.back, 1.1,
                                      kind="plain"), 1)

    def _message(self, layout: QVBoxLayout) -> None:
        layout.addStretch(1)
        layout.addWidget(self._label(self.t(self.p.message_title), 1.4, "muted"))
        message = self._label(self.t(self.p.message), 1.8, bold=True)
        message.setObjectName("message")
        layout.addWidget(message)
        layout.addStretch(1)
        layout.addWidget(self._button("home", self.t("返回首页"), self.p.back, 1.3), 1)

    def _more_time(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.addWidget(self._label(self.t("需要更多时间吗？"), 1.4, bold=True), 2)
        row.addWidget(self._button("more_time", self.t("需要，继续"), self.p.more_time, 1.3,
                                   kind="ok"), 1)
        return box

    # -- keys: scanners and ID-card readers that type ------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.p.scanned("\n")
        elif event.text() and event.text().isprintable():
            self.p.scanned(event.text())
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._redraw_pending:  # columns and sizes follow the window: redraw once
            self._redraw_pending = True  # the resize is done
            QTimer.singleShot(0, self.redraw)


class TouchFilter(QObject):
    """Any mouse press or touch anywhere: the presenter's idle timers start over."""

    def __init__(self, presenter: KioskPresenter) -> None:
        super().__init__()
        self.p = presenter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.p.touch()
        return False


def theme_for(presenter: KioskPresenter) -> str:
    return make_theme(presenter.text_dp).stylesheet()
