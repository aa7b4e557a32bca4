"""The kiosk's window: draws the presenter and forwards touches. No rules here.

Every change of the presenter rebuilds the current page (a kiosk page has a few dozen
widgets; this takes a few milliseconds and keeps the widgets free of state).
English comes from Qt's translation files (kiosk/translations/kiosk_en.qm): texts are
written in Chinese and translated in the ``kiosk`` context when English is on.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable

import qrcode
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QKeyEvent,
    QPainter,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hall.words import wait_words
from kiosk.model import Screen
from kiosk.presenter import NOT_PRINTED_TEXT, TAKE_AWAY_TEXT, KioskPresenter
from qtkit.theme import MIN_TARGET_DP, Palette, make_theme

log = logging.getLogger(__name__)

CONTEXT = "kiosk"
PRIORITY_TEXT = "优先取号\n老年人、残疾人、孕妇、军人等"
#: The theme's button padding (8 px 16 px) and the plain kind's 3 px border, both sides.
BUTTON_PADDING_PX = 2 * 16 + 2 * 3 + 4

#: One button of a paged list: key, text, action, enabled.
Entry = tuple[str, str, Callable[[], None], bool]

_PIECES = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.,:;!?()/+&-]*\s*|\s+|.")


def wrap_to_width(text: str, metrics: QFontMetrics, width: int) -> str:
    """``text`` with line breaks added so that no line is wider than ``width`` pixels:
    between Chinese characters anywhere, in English between words (a word longer than
    the line is split). Existing line breaks are kept."""
    out: list[str] = []
    for line in text.split("\n"):
        current = ""
        for piece in _PIECES.findall(line):
            if not current or metrics.horizontalAdvance(current + piece.rstrip()) <= width:
                current += piece
                continue
            out.append(current.rstrip())
            current = piece.lstrip()
        out.append(current.rstrip())
    return "\n".join(out)


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
        self.setWindowTitle(self.t("取号机"))
        self.buttons: dict[str, QPushButton] = {}  # by name, for tests and screenshots
        self._page: QWidget | None = None
        self._redraw_pending = False
        self._where: tuple[object, ...] = ()  # the list shown; a new one starts at page 1
        self._page_no = 0
        self._per_page = 1000
        self._listed = 0
        self._fits: dict[tuple[object, ...], int] = {}  # buttons per page that fit
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
                enabled: bool = True, kind: str = "", width: int = 0) -> QPushButton:
        """A touch button; with ``width`` (its column's pixels) its lines are wrapped to
        fit, so no word is ever cut off at a side."""
        button = QPushButton()
        size = round(self.p.text_dp * scale)
        pal = Palette()
        colours = {"ok": (pal.ok, pal.ok_text), "warn": (pal.warning, pal.warning_text),
                   "plain": (pal.surface, pal.text)}
        font = QFont(self.font())  # the stylesheet's font, known before it is applied
        font.setPixelSize(size)
        font.setBold(True)
        metrics = QFontMetrics(font)
        if width:
            text = wrap_to_width(text, metrics, width - BUTTON_PADDING_PX)
        button.setText(text)
        # tall enough for every line (a list is then paged rather than squeezed); the
        # stylesheet's min-height is the content's, inside the 8 px padding
        lines = text.count("\n") + 1
        content = max(MIN_TARGET_DP, round(size * 2.6) - 16, lines * metrics.lineSpacing() + 14)
        style = f"font-size: {size}px; min-height: {content}px;"
        if kind in colours and enabled:  # disabled: the theme's grey, whatever the kind
            bg, fg = colours[kind]
            border = f"border: 3px solid {pal.text};" if kind == "plain" else ""
            style += f"background: {bg}; color: {fg}; {border}"
        button.setStyleSheet(style)
        button.setEnabled(enabled)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.clicked.connect(lambda: self._guarded(action))
        self.buttons[key] = button
        return button

    def _guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception:  # the presenter guards itself; this is the last line
            log.exception("kiosk: a touch failed")

    def _columns(self, count: int, wide_from: int) -> int:
        """Two columns on a landscape screen for ``wide_from`` items or more."""
        return 2 if self.width() > self.height() and count >= wide_from else 1

    def _column_width(self, cols: int) -> int:
        margin = max(12, self.p.text_dp)
        spacing = max(10, self.p.text_dp // 2)
        return (self.width() - 2 * margin - (cols - 1) * spacing) // cols

    def _paged(self, layout: QVBoxLayout, entries: list[Entry], scale: float, cols: int,
               stretch: int) -> None:
        """``entries`` as a grid of buttons, ``self._per_page`` at a time, with large
        上一页/下一页 when they do not all fit (never a hidden scroll)."""
        per_page = max(1, min(self._per_page, len(entries) or 1))
        pages = max(1, -(-len(entries) // per_page))
        self._page_no = min(self._page_no, pages - 1)
        self._listed = len(entries)
        first = self._page_no * per_page
        grid = QGridLayout()
        grid.setSpacing(max(10, self.p.text_dp // 2))
        width = self._column_width(cols)
        for i, (key, text, action, enabled) in enumerate(entries[first:first + per_page]):
            grid.addWidget(self._button(key, text, action, scale, enabled, width=width),
                           i // cols, i % cols)
        layout.addLayout(grid, stretch)
        if pages == 1:
            return
        row = QHBoxLayout()
        row.addWidget(self._button("page:prev", self.t("上一页"), self._previous_page, 1.2,
                                   enabled=self._page_no > 0, kind="plain"), 2)
        row.addWidget(self._label(self.t("第 {i}/{n} 页").format(i=self._page_no + 1, n=pages),
                                  1.1), 1)
        row.addWidget(self._button("page:next", self.t("下一页"), self._next_page, 1.2,
                                   enabled=self._page_no < pages - 1, kind="plain"), 2)
        layout.addLayout(row, 1)

    def _previous_page(self) -> None:
        self.p.touch()
        self._page_no = max(0, self._page_no - 1)
        self.redraw()

    def _next_page(self) -> None:
        self.p.touch()
        self._page_no += 1
        self.redraw()

    # -- pages ---------------------------------------------------------------------------

    def redraw(self) -> None:
        """Build the current page; a list that does not fit the window at this text size
        is cut into pages (fewer buttons per page until every one fits)."""
        self._redraw_pending = False
        where = (self.p.screen, self.p.zone, self.p.priority, self.p.booking,
                 self.p.person is not None)
        if where != self._where:
            self._where, self._page_no = where, 0
        fit_key = (where, self.width(), self.height(), self.p.text_dp, self.p.english,
                   self.p.paused, self.p.asking_more_time)
        self._per_page = self._fits.get(fit_key, 1000)
        page = self._build()
        if self._listed > 1 and not self._fits_window(page):
            # the most buttons a page holds: a binary search, a handful of builds
            low, high = 1, min(self._per_page, self._listed) - 1
            best = 1
            while low <= high:
                page.deleteLater()
                self._per_page = (low + high) // 2
                page = self._build()
                if self._fits_window(page):
                    best, low = self._per_page, self._per_page + 1
                else:
                    high = self._per_page - 1
            if self._per_page != best:
                page.deleteLater()
                self._per_page = best
                page = self._build()
        self._fits[fit_key] = self._per_page
        self.setCentralWidget(page)  # deletes the old page
        self._page = page

    def _fits_window(self, page: QWidget) -> bool:
        layout = page.layout()
        assert layout is not None
        need = layout.totalMinimumSize()
        return need.height() <= self.height() and need.width() <= self.width()

    def _build(self) -> QWidget:
        self.buttons = {}
        page = QWidget()
        layout = QVBoxLayout(page)
        # the page never stretches the window past its screen: what does not fit is paged
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        page.setMinimumSize(1, 1)  # (an explicit minimum: the window ignores the layout's)
        margin = max(12, self.p.text_dp)
        layout.setContentsMargins(margin, margin // 2, margin, margin)
        layout.setSpacing(max(10, self.p.text_dp // 2))
        if self.p.screen is not Screen.IDLE:
            layout.addWidget(self._top_bar())
        if self.p.paused:  # one sentence, on every screen
            banner = self._label(self.t(self.p.offline_text), 1.1, "problem", bold=True)
            banner.setObjectName("offline")
            layout.addWidget(banner)
        if self.p.asking_more_time:
            self._more_time(layout)
        else:
            build = {
                Screen.IDLE: self._idle, Screen.HOME: self._home,
                Screen.SERVICES: self._services, Screen.BOOKING: self._booking,
                Screen.ISSUING: self._issuing, Screen.TAKEN: self._taken,
                Screen.MESSAGE: self._message,
            }[self.p.screen]
            build(layout)
        page.setObjectName(f"page-{self.p.screen.value}")
        return page

    def _hall_title(self) -> str:
        zh, en = self.p.hall_name
        return self.name(zh, en)

    def _top_bar(self) -> QWidget:
        bar = QWidget()
        rows = QVBoxLayout(bar)
        rows.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        title = self._label(self._hall_title(), 1.2, bold=True,
                            align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        title.setObjectName("hall")
        if self.width() > self.height():  # one row; portrait: the name above the buttons
            row.addWidget(title, 3)
        else:
            rows.addWidget(title)
        rows.addLayout(row)
        elderly = self.t("退出长辈模式") if self.p.elderly else self.t("长辈模式")
        share = self._column_width(6 if self.width() > self.height() else 3)
        row.addWidget(self._button("elderly", elderly, self.p.toggle_elderly, 1.0,
                                   kind="warn", width=share), 1)
        if self.p.elderly:
            row.addWidget(self._button("bigger", self.t("字号") + f" {self.p.text_dp}",
                                       self.p.bigger_text, 0.9, kind="plain", width=share), 1)
        row.addWidget(self._button("english", "中文" if self.p.english else "English",
                                   self.p.toggle_english, 0.9, kind="plain", width=share), 1)
        return bar

    def _idle(self, layout: QVBoxLayout) -> None:
        layout.addStretch(2)
        name = self._label(self._hall_title(), 2.6, bold=True)
        name.setObjectName("hall")
        layout.addWidget(name)
        if self.p.settings.notice:
            layout.addWidget(self._label(self.p.settings.notice, 1.3, "muted"))
        layout.addStretch(1)
        # a touch anywhere wakes the kiosk (the presenter hears every press); the button
        # only says so
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
        if self.p.never_reached:  # no zones to show: say why, never a blank screen
            layout.addStretch(1)
            return
        layout.addWidget(self._label(title, 1.6, bold=True))
        zones = self.p.zones()
        live = not self.p.paused
        entries: list[Entry] = []
        for zone in zones:
            text = self.name(zone.name, zone.name_en)
            if live:  # offline the counts and the hours' verdicts are stale: not shown
                text += "\n" + self.t("等候 {n} 人").format(n=zone.waiting)
                note = zone.note(self.t)
                if note:
                    text += "\n" + note
            entries.append((f"zone:{zone.id}", text,
                            functools.partial(self.p.open_zone, zone.id), live))
        self._paged(layout, entries, 1.4, self._columns(len(zones), 2), 5)
        if self.p.person:
            layout.addWidget(self._button("reprint_lost", self.t("补打丢失的号票"),
                                          self.p.reprint_lost, 1.2, enabled=live, kind="ok"), 1)
        if self.p.booking or self.p.priority or self.p.person:
            layout.addWidget(self._button("back", self.t("返回首页"), self.p.back, 1.1,
                                          kind="plain"), 1)
            return
        row = QHBoxLayout()
        half = self._column_width(2)
        row.addWidget(self._button("priority", self.t(PRIORITY_TEXT), self.p.start_priority,
                                   1.2, enabled=live, kind="ok", width=half))
        row.addWidget(self._button("booking", self.t("预约签到") + "\n"
                                   + self.t("输入或扫描预约码"), self.p.start_booking, 1.2,
                                   enabled=live, kind="ok", width=half))
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
        services = self.p.services()
        live = not self.p.paused
        entries: list[Entry] = []
        for s in services:
            name = self.name(s.name, s.name_en)
            if s.why is not None:  # colour is not the only cue: the words say it
                why = self.t("暂不可取：{why}").format(why=s.why.text(self.t))
                text = f"{name}\n{why}"
            elif not live:
                text = name
            else:
                wait = wait_words(s.wait_min, self.t, range_min=s.wait_range,
                                  known=s.wait_known)
                # nobody waiting: only the wait (无需等候), never "0 waiting · no wait"
                text = (f"{name}\n{self.t('等候 {n} 人').format(n=s.waiting)} · {wait}"
                        if s.waiting else f"{name}\n{wait}")
            entries.append((f"service:{s.id}", text, functools.partial(self.p.take, s.id),
                            live and s.available))
        self._paged(layout, entries, 1.3, self._columns(len(services), 4), 6)
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
                                    enabled=not self.p.busy, kind="ok"), 3, 2)
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
        if taken.mark:
            mark = self._label("★ " + self.t(taken.mark), 1.4, "mark", bold=True)
            mark.setObjectName("mark")
            info.addWidget(mark)
        number = self._label(taken.number, 1.0, bold=True)
        size = min(self.p.text_dp * (5 if wide else 7), round(self.height() * 0.12))
        number.setStyleSheet(f"font-size: {max(size, 3 * self.p.text_dp)}px; font-weight: bold;")
        number.setObjectName("number")
        info.addWidget(number)
        info.addWidget(self._label(self.name(taken.service, taken.service_en), 1.5, bold=True))
        if taken.ahead:
            info.addWidget(self._label(self.t("前面还有 {n} 人").format(n=taken.ahead), 1.3))
        else:
            info.addWidget(self._label(self.t("前面没有人等候"), 1.3))
        known = taken.wait_range is not None
        words = wait_words(taken.wait_min, self.t, range_min=taken.wait_range, known=known)
        shown_as_is = not known or words == wait_words(0, self.t)  # 暂无法估计, 无需等候
        wait = words if shown_as_is else self.t("预计等候") + " " + words
        info.addWidget(self._label(wait, 1.3))
        body.addLayout(info, 3)
        qr = QLabel()
        qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        qr.setPixmap(qr_pixmap(taken.qr, min(self.p.text_dp * 10, self.height() // 5)))
        qr.setObjectName("qr")
        qr_box = QVBoxLayout()
        qr_box.addWidget(qr)
        qr_box.addWidget(self._label(self.t("手机扫码查看排队进度"), 1.0, "muted"))
        body.addLayout(qr_box, 2)
        layout.addLayout(body, 6)
        if taken.printed is None:
            layout.addWidget(self._label(self.t("正在打印号票……"), 1.4, bold=True))
        elif taken.printed:
            layout.addWidget(self._label(self.t(TAKE_AWAY_TEXT), 1.8, bold=True))
            if taken.warning:
                layout.addWidget(self._label(self.t(taken.warning), 1.0, "muted"))
        else:
            layout.addWidget(self._label(self.t(taken.problem), 1.3, "problem", bold=True))
            layout.addWidget(self._label(self.t(NOT_PRINTED_TEXT), 1.1))
            layout.addWidget(self._button("reprint", self.t("补打号票"), self.p.reprint, 1.3,
                                          kind="ok"), 1)
        layout.addWidget(self._button("home", self.t("完成，返回首页"), self.p.back, 1.1,
                                      kind="plain"), 1)

    def _message(self, layout: QVBoxLayout) -> None:
        layout.addStretch(1)
        title = self._label(self.t(self.p.message_title), 1.4, "muted")
        title.setObjectName("message-title")
        layout.addWidget(title)
        message = self._label(self.p.message_words.text(self.t), 1.7, bold=True)
        message.setObjectName("message")
        layout.addWidget(message)
        layout.addStretch(1)
        layout.addWidget(self._button("home", self.t("返回首页"), self.p.back, 1.3), 1)

    def _more_time(self, layout: QVBoxLayout) -> None:
        """长辈模式's question after a quiet spell: large, with the seconds left."""
        layout.addStretch(1)
        question = self._label(self.t("需要更多时间吗？"), 2.2, bold=True)
        question.setObjectName("more-time")
        layout.addWidget(question)
        left = self._label(self.t("{n} 秒后返回首页").format(n=self.p.more_time_left), 1.8,
                           "problem", bold=True)
        left.setObjectName("countdown")
        layout.addWidget(left)
        layout.addStretch(1)
        layout.addWidget(self._button("more_time", self.t("需要，继续"), self.p.more_time, 1.8,
                                      kind="ok"), 2)
        layout.addWidget(self._button("home", self.t("返回首页"), self.p.back, 1.2,
                                      kind="plain"), 1)

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
    """Any mouse press or touch anywhere: the presenter's idle timers start over.

    Installed on the whole application, so it is made a child of the kiosk's window: Qt
    takes a destroyed filter off the application, and an app that outlives the kiosk
    (the demo, the test suite) never calls into a presenter whose window is gone.
    """

    def __init__(self, presenter: KioskPresenter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.p = presenter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.p.touch()
        return False


def theme_for(presenter: KioskPresenter) -> str:
    return make_theme(presenter.text_dp).stylesheet()
