"""The wall's widgets: they paint the model's :class:`display.model.View`, nothing more.

One :class:`WallWindow` paints the header (hall name, date and clock, a discreet
"reconnecting" mark), the newest call, the recent calls and the status strip
(waiting counts, paused windows, device problems) with a ``QPainter``; a child
:class:`NoticeTicker` scrolls the notice, repainting only its own strip. Sizes come
from :func:`display.layout.plan`, so the same code serves 1366×768 to 3840×2160 and
portrait screens.

Over 600 lines: the painting of every part of the wall at every size; what to
paint is decided in display/model.py and display/layout.py.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime, tzinfo
from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QWidget

from display.layout import Plan, Rect, plan
from display.model import DisplayModel, Newest, Phase, Row, Special, View
from hall.clock import Clock
from hall.state import TicketStatus
from qtkit.theme import DARK, Palette

WEEKDAYS = "一二三四五六日"
#: Refresh of the blinking number (ms); it alternates every 0.5 s.
BLINK_TICK_MS = 125
#: The notice moves this fraction of the screen height per second.
NOTICE_SPEED = 0.12
NOTICE_TICK_MS = 33
LEFT = int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
RIGHT = int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight)
CENTRE = int(Qt.AlignmentFlag.AlignCenter)


def _q(rect: Rect) -> QRect:
    return QRect(rect.x, rect.y, rect.w, rect.h)


def _font(base: QFont, pixels: int, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPixelSize(max(1, pixels))
    font.setBold(bold)
    return font


def _fitted(base: QFont, pixels: int, text: str, width: int, bold: bool = True) -> QFont:
    """The font at ``pixels``, shrunk until ``text`` fits ``width``."""
    font = _font(base, pixels, bold)
    advance = QFontMetrics(font).horizontalAdvance(text)
    if advance > width > 0:
        font.setPixelSize(max(1, int(pixels * width / advance)))
    return font


class Texts:
    """Draws text through cached ``QStaticText`` layouts (laying out Chinese text again
    on every frame costs most of a paint); a bounded cache, dropped on resize."""

    LIMIT = 4000

    def __init__(self) -> None:
        self._cache: OrderedDict[tuple[str, str], QStaticText] = OrderedDict()

    def clear(self) -> None:
        self._cache.clear()

    def _static(self, text: str, font: QFont) -> QStaticText:
        key = (text, font.key())
        static = self._cache.get(key)
        if static is None:
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
            static.prepare(QTransform(), font)
            self._cache[key] = static
            if len(self._cache) > self.LIMIT:
                self._cache.popitem(last=False)
        return static

    def draw(self, painter: QPainter, rect: QRect, align: int, text: str) -> None:
        """Like ``painter.drawText(rect, align, text)`` for one or more lines."""
        font = painter.font()
        statics = [self._static(line, font) for line in text.split("\n")]
        sizes = [st.size() for st in statics]
        total = sum(size.height() for size in sizes)
        if align & Qt.AlignmentFlag.AlignVCenter:
            y = rect.y() + (rect.height() - total) / 2
        elif align & Qt.AlignmentFlag.AlignBottom:
            y = rect.y() + rect.height() - total
        else:
            y = float(rect.y())
        for static, size in zip(statics, sizes, strict=True):
            if align & Qt.AlignmentFlag.AlignHCenter:
                x = rect.x() + (rect.width() - size.width()) / 2
            elif align & Qt.AlignmentFlag.AlignRight:
                x = rect.x() + rect.width() - size.width()
            else:
                x = float(rect.x())
            painter.drawStaticText(QPointF(x, y), static)
            y += size.height()


class Tiles:
    """Pictures of parts of the wall (a recent-call row, the newest call, the status
    strip) kept by what they show: a new call shifts the list, and every row already
    drawn is reused. Bounded in bytes; dropped on resize."""

    BUDGET_BYTES = 32 * 1024 * 1024

    def __init__(self) -> None:
        self._cache: OrderedDict[Hashable, QPixmap] = OrderedDict()
        self._bytes = 0

    def clear(self) -> None:
        self._cache.clear()
        self._bytes = 0

    def draw(self, painter: QPainter, rect: QRect, key: Hashable, fill: QColor, dpr: float,
             paint: Callable[[QPainter], None]) -> None:
        """Draw the tile of ``key`` at ``rect``, painting it first with ``paint`` (in the
        widget's coordinates) when it is not kept yet."""
        full_key = (key, rect.width(), rect.height())
        pixmap = self._cache.get(full_key)
        if pixmap is None:
            pixmap = QPixmap(max(1, round(rect.width() * dpr)), max(1, round(rect.height() * dpr)))
            pixmap.setDevicePixelRatio(dpr)
            pixmap.fill(fill)
            tile = QPainter(pixmap)
            tile.setRenderHint(QPainter.RenderHint.Antialiasing)
            tile.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            tile.translate(-rect.x(), -rect.y())
            paint(tile)
            tile.end()
            self._cache[full_key] = pixmap
            self._bytes += pixmap.width() * pixmap.height() * 4
            while self._bytes > self.BUDGET_BYTES and len(self._cache) > 1:
                _, old = self._cache.popitem(last=False)
                self._bytes -= old.width() * old.height() * 4
        else:
            self._cache.move_to_end(full_key)
        painter.drawPixmap(rect.topLeft(), pixmap)


class NoticeTicker(QWidget):
    """The scrolling notice: moves right to left, repainting only itself."""

    def __init__(self, palette: Palette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._palette = palette
        self._text = ""
        self._offset = 0.0
        self._last = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(NOTICE_TICK_MS)
        self._timer.timeout.connect(self._step)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    @property
    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        self._offset = -1.0  # first shown from the left edge, then scrolling in from the right
        self.setVisible(bool(text))
        if text:
            self._last = time.monotonic()
            self._timer.start()
        else:
            self._timer.stop()
        self.update()

    def restart(self) -> None:
        """Show the notice from its beginning again (at the left edge)."""
        self._offset = -1.0
        self._last = time.monotonic()
        self.update()

    def _text_width(self) -> int:
        return QFontMetrics(self.font()).horizontalAdvance(self._text)

    def _step(self) -> None:
        now = time.monotonic()
        self._offset += (now - self._last) * NOTICE_SPEED * max(1, self.window().height())
        self._last = now
        if self._offset > self.width() + self._text_width():
            self._offset = 0.0
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._offset < 0:
            self._offset = self.width() - self.height() * 0.5
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(self._palette.surface))
        painter.setPen(QColor(self._palette.text))
        painter.setFont(self.font())
        x = self.width() - int(self._offset)
        painter.drawText(QRect(x, 0, self._text_width() + 10, self.height()),
                         LEFT,
                         self._text)
        painter.end()


class WallWindow(QWidget):
    """The wall screen. ``painted(float)`` carries ``time.perf_counter()`` at the end
    of each full paint, and ``painted_view`` is the view that frame showed (for the
    benchmark and tests)."""

    painted = Signal(float)

    def __init__(
        self, model: DisplayModel, palette: Palette = DARK, timezone: str | None = None,
        parent: QWidget | None = None, *, clock: Clock,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("叫号显示屏")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._model = model
        self._palette = palette
        self._tz: tzinfo | None = None
        #: the time the header shows (the hub's, as the app's replica knows it)
        self.clock = clock
        self.set_timezone(timezone)
        self._view: View = model.view()
        self.painted_view: View | None = None
        self.paint_ms = 0.0  # how long the last full frame took to paint
        self._plan: Plan = plan(max(320, self.width()), max(240, self.height()))
        self.problem = ""  # shown in the status strip (e.g. no CJK font, refused)
        self._texts = Texts()
        self._tiles = Tiles()
        self._sync_pending = False
        self.ticker = NoticeTicker(palette, self)
        self._blink = QTimer(self)
        self._blink.setInterval(BLINK_TICK_MS)
        self._blink.timeout.connect(self._tick)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._second)
        self._minute = ""
        self._clock.start()
        model.on_change(self.refresh)
        self.resize(1920, 1080)

    # -- feeding ------------------------------------------------------------------------

    def set_timezone(self, name: str | None) -> None:
        try:
            self._tz = ZoneInfo(name) if name else None
        except (ZoneInfoNotFoundError, ValueError):
            self._tz = None

    def _second(self) -> None:
        """The header's clock ticks; each new minute the view is taken again (the
        waits per zone follow the time as well as the events)."""
        self.update(_q(self._plan.header))
        minute = f"{self.clock():%H:%M}"
        if minute != self._minute:
            self._minute = minute
            self.refresh()

    def refresh(self) -> None:
        """The model changed: take a new view once the events already waiting are
        applied (a burst of events makes one view and one frame, not one each)."""
        if not self._sync_pending:
            self._sync_pending = True
            QTimer.singleShot(0, self, self.sync)

    def sync(self) -> None:
        """Take a new view from the model now and repaint."""
        self._sync_pending = False
        view, old = self._model.view(), self._view
        self._view = view
        if bool(view.notice) != bool(old.notice) or len(view.waiting) != len(old.waiting):
            self._relayout()
        self.ticker.set_text(view.notice)
        if self._model.animating() and not self._blink.isActive():
            self._blink.start()
        self.update()

    def _tick(self) -> None:
        self._view = self._model.view()
        if not self._model.animating():
            self._blink.stop()
            self.update()  # the last frame in steady colours, list included
        else:
            self.update(_q(self._plan.newest))

    def control_texts(self) -> list[str]:
        """What this frame shows, as text (qtkit/control.py): the connection, the newest
        call, the recent calls."""
        v = self._view
        out = ["已连接" if v.connected else "未连接"]
        if v.special is not None:
            out.append(v.special.call.text or f"{v.special.call.headline} {v.special.call.line}")
        if v.newest is not None:
            out.append(f"请{v.newest.call.number}号到{v.newest.call.window_name}")
        out += [f"{row.call.number} {row.call.window_name}" for row in v.recent]
        return out

    # -- geometry -----------------------------------------------------------------------

    @property
    def layout_plan(self) -> Plan:
        return self._plan

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._relayout()
        super().resizeEvent(event)

    def _relayout(self) -> None:
        self._plan = plan(max(320, self.width()), max(240, self.height()),
                          notice=bool(self._view.notice), waiting=len(self._view.waiting))
        self._texts.clear()
        self._tiles.clear()
        self.ticker.setGeometry(_q(self._plan.notice))
        self.ticker.setFont(_font(self.font(), self._plan.notice_px))

    # -- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        started = time.perf_counter()
        p, area = self._plan, event.rect()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        full = area.intersects(_q(p.recent))
        if full:
            self._paint_gaps(painter)
        if area.intersects(_q(p.header)):
            self._paint_header(painter)
        dpr = self.devicePixelRatioF()
        if area.intersects(_q(p.newest)):
            v = self._view
            newest, special = v.newest, v.special
            key: tuple[object, ...] = (
                "newest", v.ready, newest.call.key if newest else None,
                bool(newest and newest.phase is not Phase.STEADY and newest.lit),
                (special.call.key, special.lit) if special else None)
            self._tiles.draw(painter, _q(p.newest), key, self._colour("background"), dpr,
                             self._paint_newest)
        if full:
            self._paint_recent(painter)
            v = self._view
            key = ("status", v.waiting, v.paused, v.problems, self.problem)
            self._tiles.draw(painter, _q(p.status), key, self._colour("surface"), dpr,
                             self._paint_status)
        painter.end()
        if full:
            self.painted_view = self._view
            done = time.perf_counter()
            self.paint_ms = (done - started) * 1000
            self.painted.emit(done)

    def _colour(self, name: str) -> QColor:
        return QColor(getattr(self._palette, name))

    def _paint_gaps(self, painter: QPainter) -> None:
        p = self._plan
        bg = self._colour("background")
        painter.fillRect(0, p.header.bottom, p.width, p.status.y - p.header.bottom, bg)

    def _now(self) -> datetime:
        now = self.clock()
        return now.astimezone(self._tz) if self._tz is not None else now.astimezone()

    def _paint_header(self, painter: QPainter) -> None:
        p, v = self._plan, self._view
        r = p.header
        painter.fillRect(_q(r), self._colour("surface"))
        pad = round(r.h * 0.3)
        now = self._now()
        day = f"{now:%m月%d日}" if p.portrait else f"{now:%Y年%m月%d日}"
        clock = f"{day}  星期{WEEKDAYS[now.weekday()]}  {now:%H:%M:%S}"
        painter.setFont(_font(self.font(), p.clock_px))
        clock_w = QFontMetrics(painter.font()).horizontalAdvance(clock)
        painter.setPen(self._colour("text"))
        right = QRect(r.right - pad - clock_w, r.y, clock_w, r.h)
        self._texts.draw(painter, right, RIGHT,
                         clock)
        mark = "" if v.connected else "● 正在重新连接…"
        mark_w = 0
        if mark:
            painter.setFont(_font(self.font(), round(p.clock_px * 0.6)))
            mark_w = QFontMetrics(painter.font()).horizontalAdvance(mark) + pad
            painter.setPen(self._colour("warning"))
            self._texts.draw(painter, QRect(right.x() - mark_w, r.y, mark_w - pad // 2, r.h),
                             RIGHT,
                             mark)
        title_w = right.x() - mark_w - 2 * pad
        title = v.hall_name or "叫号系统"
        painter.setFont(_fitted(self.font(), p.title_px, title, title_w))
        painter.setPen(self._colour("text"))
        self._texts.draw(painter, QRect(r.x + pad, r.y, title_w, r.h),
                         LEFT, title)

    def _paint_newest(self, painter: QPainter) -> None:
        p, v = self._plan, self._view
        r = _q(p.newest)
        centre = CENTRE
        if not v.ready:
            painter.setPen(self._colour("muted"))
            painter.setFont(_fitted(self.font(), p.label_px, "正在连接叫号服务器…", r.width()))
            self._texts.draw(painter, r, centre, "正在连接叫号服务器…")
            return
        if v.special is not None:
            self._paint_special(painter, r, v.special)
            return
        newest = v.newest
        if newest is None:
            painter.setPen(self._colour("muted"))
            painter.setFont(_fitted(self.font(), p.window_px, "欢迎光临", r.width()))
            self._texts.draw(painter, r.adjusted(0, 0, 0, -p.window_px), centre, "欢迎光临")
            hint = "请留意叫号及大屏显示"
            painter.setFont(_fitted(self.font(), p.label_px, hint, r.width(), bold=False))
            self._texts.draw(painter, r.adjusted(0, p.window_px, 0, 0), centre, hint)
            return
        ink, body = self._panel(painter, r, newest.phase is not Phase.STEADY and newest.lit)
        self._paint_call(painter, r, newest, ink, body)

    def _panel(self, painter: QPainter, r: QRect, bright: bool) -> tuple[QColor, QColor]:
        """The panel's rounded box; the ink of its big words and of its other words."""
        p = self._plan
        fill = self._colour("accent") if bright else self._colour("surface")
        painter.setPen(QPen(self._colour("accent"), max(2, p.label_px // 8)))
        painter.setBrush(fill)
        radius = p.label_px * 0.4
        painter.drawRoundedRect(QRectF(r).adjusted(2, 2, -2, -2), radius, radius)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if bright:
            return self._colour("accent_text"), self._colour("accent_text")
        return self._colour("accent"), self._colour("text")

    def _paint_special(self, painter: QPainter, r: QRect, special: Special) -> None:
        """A special call, as big as a ticket call: 特别呼叫 / 大堂经理 / 请到 3号窗口."""
        p, call = self._plan, special.call
        ink, body = self._panel(painter, r, special.lit)
        inner = r.adjusted(r.width() // 20, 0, -r.width() // 20, 0)
        label_h, big_h, line_h = (round(p.label_px * 1.5), round(p.number_px * 1.1),
                                  round(p.window_px * 1.3))
        top = r.y() + max(0, (r.height() - label_h - big_h - line_h) // 2)
        painter.setPen(body)
        painter.setFont(_font(self.font(), p.label_px, bold=True))
        self._texts.draw(painter, QRect(inner.x(), top, inner.width(), label_h), LEFT,
                         "特别呼叫")
        painter.setPen(ink)
        painter.setFont(_fitted(self.font(), p.number_px, call.headline, inner.width()))
        self._texts.draw(painter, QRect(inner.x(), top + label_h, inner.width(), big_h),
                         CENTRE, call.headline)
        painter.setPen(body)
        painter.setFont(_fitted(self.font(), p.window_px, call.line, inner.width()))
        self._texts.draw(painter, QRect(inner.x(), top + label_h + big_h, inner.width(), line_h),
                         CENTRE, call.line)

    def _paint_call(
        self, painter: QPainter, r: QRect, newest: Newest, ink: QColor, body: QColor
    ) -> None:
        p, call = self._plan, newest.call
        inner = r.adjusted(r.width() // 20, 0, -r.width() // 20, 0)
        label_h, number_h, window_h = (round(p.label_px * 1.5), round(p.number_px * 1.1),
                                       round(p.window_px * 1.3))
        top = r.y() + max(0, (r.height() - label_h - number_h - window_h - label_h) // 2)
        # the line above the number: what kind of call, priority marked in words
        tags = ["请"]
        if call.recall:
            tags.append(f"再次呼叫（第{call.recall + 1}次）")
        painter.setPen(body)
        painter.setFont(_font(self.font(), p.label_px, bold=True))
        self._texts.draw(painter, QRect(inner.x(), top, inner.width(), label_h), LEFT,
                         "  ".join(tags))
        if call.priority:
            line = QRect(inner.x(), top, inner.width(), label_h)
            self._badge(painter, line, "★ 优先", right=True)
        painter.setPen(ink)
        painter.setFont(_fitted(self.font(), p.number_px, call.number, inner.width()))
        self._texts.draw(painter, QRect(inner.x(), top + label_h, inner.width(), number_h),
                         CENTRE, call.number)
        where = f"到 {call.window_name}"
        painter.setPen(body)
        painter.setFont(_fitted(self.font(), p.window_px, where, inner.width()))
        below = top + label_h + number_h
        self._texts.draw(painter, QRect(inner.x(), below, inner.width(), window_h), CENTRE, where)
        painter.setFont(_font(self.font(), p.label_px))
        self._texts.draw(painter, QRect(inner.x(), below + window_h, inner.width(), label_h),
                         CENTRE, "办理")

    def _badge(self, painter: QPainter, r: QRect, text: str, right: bool = False) -> None:
        font = _font(self.font(), round(self._plan.label_px * 0.8), bold=True)
        metrics = QFontMetrics(font)
        w, h = metrics.horizontalAdvance(text) + metrics.height() // 2, metrics.height()
        x = r.right() - w if right else r.x()
        box = QRect(x, r.y() + (r.height() - h) // 2, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._colour("danger"))
        painter.drawRoundedRect(box, h * 0.25, h * 0.25)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(self._colour("danger_text"))
        painter.setFont(font)
        self._texts.draw(painter, box, CENTRE, text)

    def _paint_recent(self, painter: QPainter) -> None:
        p, v = self._plan, self._view
        r = p.recent
        heading = "最近呼叫"
        painter.setPen(self._colour("muted"))
        painter.setFont(_font(self.font(), round(p.row_px * 0.8), bold=True))
        self._texts.draw(painter, QRect(r.x, r.y, r.w, p.row_h),
                         LEFT, heading)
        rows = v.recent
        if not rows:
            painter.setFont(_font(self.font(), round(p.row_px * 0.8)))
            self._texts.draw(painter, QRect(r.x, r.y + p.row_h, r.w, p.row_h),
                             LEFT,
                             "暂无")
            return
        capacity = p.recent_capacity
        more = max(0, len(rows) - capacity)
        if more:
            capacity -= 1  # the last cell says how many more
        col_w = r.w // p.columns
        number_font = _font(self.font(), p.row_px, bold=True)
        text_font = _font(self.font(), p.row_px)
        mark_font = _font(self.font(), round(p.row_px * 0.55), bold=True)
        background = self._colour("background")
        for index, row in enumerate(rows[:capacity]):
            column, line = divmod(index, p.rows)
            cell = QRect(r.x + column * col_w, r.y + (line + 1) * p.row_h, col_w, p.row_h)
            fonts = (number_font, text_font, mark_font)
            self._tiles.draw(painter, cell, ("row", row.call.key, row.status), background,
                             self.devicePixelRatioF(), partial(self._paint_row, cell=cell,
                                                               row=row, fonts=fonts))
        if more:
            column, line = divmod(capacity, p.rows)
            cell = QRect(r.x + column * col_w, r.y + (line + 1) * p.row_h, col_w, p.row_h)
            painter.setPen(self._colour("muted"))
            painter.setFont(_font(self.font(), round(p.row_px * 0.7)))
            self._texts.draw(painter, cell, LEFT,
                             f"另有 {more + 1} 个号码…")

    def _paint_row(
        self, painter: QPainter, *, cell: QRect, row: Row, fonts: tuple[QFont, QFont, QFont]
    ) -> None:
        number_font, text_font, mark_font = fonts
        call = row.call
        at_window = row.status is TicketStatus.CALLED
        colour = self._colour("text") if at_window else self._colour("muted")
        gap = self._plan.row_px // 4
        number_w = QFontMetrics(number_font).horizontalAdvance("W0000")
        x = cell.x()
        # priority: a star and the word, not colour alone
        mark_w = QFontMetrics(mark_font).horizontalAdvance("优先") + gap
        if call.priority:
            painter.setPen(self._colour("danger"))
            painter.setFont(mark_font)
            self._texts.draw(painter, QRect(x, cell.y(), mark_w, cell.height()),
                             CENTRE, "★\n优先")
        x += mark_w
        painter.setPen(self._colour("accent") if at_window else colour)
        painter.setFont(number_font)
        self._texts.draw(painter, QRect(x, cell.y(), number_w, cell.height()),
                         LEFT,
                         call.number)
        x += number_w + gap
        painter.setPen(colour)
        painter.setFont(text_font)
        right = cell.right() - gap
        label = call.window_name
        if row.status is TicketStatus.SKIPPED:
            label += " 过号"
        self._texts.draw(painter, QRect(x, cell.y(), max(0, right - x), cell.height()),
                         LEFT,
                         QFontMetrics(text_font).elidedText(label, Qt.TextElideMode.ElideRight,
                                                            max(0, right - x)))

    def _paint_status(self, painter: QPainter) -> None:
        p, v = self._plan, self._view
        r = p.status
        painter.fillRect(_q(r), self._colour("surface"))
        pad = round(p.status_px * 0.8)
        lines = p.waiting_lines
        line_h = r.h // (lines + 1)
        width = r.w - 2 * pad
        self._paint_waiting(painter, QRect(r.x + pad, r.y, width, lines * line_h), lines)
        problems = []
        if v.paused:
            problems.append("暂停服务：" + "、".join(v.paused))
        problems += list(v.problems)
        if self.problem:
            problems.append(self.problem)
        if not problems:
            return
        text = "⚠ " + "    ".join(problems)
        painter.setPen(self._colour("warning"))
        font = _font(self.font(), p.status_px, bold=True)
        painter.setFont(font)
        strip = QRect(r.x + pad, r.y + lines * line_h, width, r.h - lines * line_h)
        self._texts.draw(painter, strip, LEFT,
                         QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, width))

    def _paint_waiting(self, painter: QPainter, r: QRect, lines: int) -> None:
        """Waiting counts in a grid of cells, at most ``lines`` lines (smaller text if
        need be)."""
        waiting = self._view.waiting
        if not waiting:
            return
        px = self._plan.status_px
        name_font = _font(self.font(), px)
        widest = max(QFontMetrics(name_font).horizontalAdvance(
            f"{w.name} 等候 {w.count} 人  {w.wait_text}") for w in waiting) + 2 * px
        columns = max(1, min(len(waiting), r.width() // widest))
        if math.ceil(len(waiting) / columns) > lines:
            columns = math.ceil(len(waiting) / lines)
            px = max(1, int(px * (r.width() / columns) / widest))
        name_font, count_font = _font(self.font(), px), _font(self.font(), px, bold=True)
        cell_w = r.width() // columns
        line_h = r.height() // max(1, min(lines, math.ceil(len(waiting) / columns)))
        line_h = min(line_h, round(self._plan.status_px * 1.5))
        left = LEFT
        for index, item in enumerate(waiting):
            line, column = divmod(index, columns)
            cell = QRect(r.x() + column * cell_w, r.y() + line * line_h, cell_w, line_h)
            name = f"{item.name} 等候 "
            painter.setFont(name_font)
            painter.setPen(self._colour("text"))
            self._texts.draw(painter, cell, left, name)
            x = cell.x() + QFontMetrics(name_font).horizontalAdvance(name)
            painter.setFont(count_font)
            painter.setPen(self._colour("accent"))
            count = f"{item.count}"
            self._texts.draw(painter, QRect(x, cell.y(), cell.right() - x, line_h), left, count)
            x += QFontMetrics(count_font).horizontalAdvance(count)
            painter.setFont(name_font)
            painter.setPen(self._colour("text"))
            rest = QRect(x, cell.y(), max(0, cell.right() - x), line_h)
            self._texts.draw(painter, rest, left, " 人")
            if item.wait_text:  # a newcomer's wait there: 约 15–25 分钟
                x += QFontMetrics(name_font).horizontalAdvance(" 人  ")
                painter.setPen(self._colour("muted"))
                self._texts.draw(painter, QRect(x, cell.y(), max(0, cell.right() - x), line_h),
                                 left, item.wait_text)
