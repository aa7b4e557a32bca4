"""The report as a PDF: Qt's PDF writer, which embeds the subset of the CJK font it
uses, a page of headline figures and charts, then the tables over as many pages as
they need. Needs a QGuiApplication (``render_pdf`` makes an offscreen one if there is
none)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from qtkit.fonts import setup_fonts
from report.tables import Chart, Table, charts, headline, period, tables

DPI = 150
#: Series colours, each with its own fill pattern: colour is never the only cue.
PALETTE = (("#1F5FAD", Qt.BrushStyle.SolidPattern),
           ("#E07B00", Qt.BrushStyle.BDiagPattern),
           ("#2E8B57", Qt.BrushStyle.Dense4Pattern))
INK = QColor("#1A1A1A")
GRID = QColor("#C8CDD3")


def render_pdf(stats: dict[str, Any], hall_name: str, path: Path) -> Path:
    """Write the report of ``stats`` (the ``stats`` answer) to ``path``."""
    return _render(path, f"{hall_name} 运行报告 {period(stats)}",
                   lambda pages: pages.draw(stats, hall_name))


def render_document(title: str, subtitle: str, charts: list[Chart], tables: list[Table],
                    path: Path) -> Path:
    """Write a document of ``charts`` then ``tables`` (the staffing plan) to ``path``."""

    def draw(pages: _Pages) -> None:
        pages.title(title, subtitle)
        pages.body(charts, tables)

    return _render(path, f"{title} {subtitle}", draw)


def _render(path: Path, title: str, draw: Callable[[_Pages], None]) -> Path:
    """An A4 PDF at ``path`` drawn by ``draw``, with the hall's CJK font."""
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication([])
    fonts = setup_fonts(app)  # type: ignore[arg-type]
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setTitle(title)
    writer.setCreator("jiaohao")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    painter = QPainter(writer)
    try:
        draw(_Pages(painter, writer, fonts.family or "Sans"))
    finally:
        painter.end()
    return path


class _Pages:
    def __init__(self, painter: QPainter, writer: QPdfWriter, family: str) -> None:
        self.p = painter
        self.writer = writer
        self.family = family
        page = writer.pageLayout().paintRectPixels(DPI)
        self.width = float(page.width())
        self.height = float(page.height())
        self.y = 0.0
        self.page = 1

    def font(self, points: float, bold: bool = False) -> QFont:
        font = QFont(self.family)
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def text(self, rect: QRectF, text: str, points: float, *, bold: bool = False,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
        self.p.setFont(self.font(points, bold))
        self.p.setPen(INK)
        self.p.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), text)

    def new_page(self) -> None:
        self.footer()
        self.writer.newPage()
        self.page += 1
        self.y = 0.0

    def footer(self) -> None:
        self.text(QRectF(0, self.height - 30, self.width, 30), f"第 {self.page} 页", 8,
                  align=Qt.AlignmentFlag.AlignRight)

    def room(self, needed: float) -> None:
        if self.y + needed > self.height - 40:
            self.new_page()

    # -- the report ---------------------------------------------------------------------

    def draw(self, stats: dict[str, Any], hall_name: str) -> None:
        single = stats["start"] == stats["end"]
        self.title(f"{hall_name} {'日通报' if single else '运行报告'}",
                   f"统计范围：{period(stats)}")
        self.headline(headline(stats))
        self.body(charts(stats), tables(stats))

    def title(self, title: str, subtitle: str) -> None:
        self.text(QRectF(0, 0, self.width, 60), title, 18, bold=True)
        self.text(QRectF(0, 60, self.width, 36), subtitle, 11)
        self.y = 110

    def body(self, drawn: list[Chart], laid_out: list[Table]) -> None:
        """The charts, then the tables, then the last page's footer."""
        for chart in drawn:
            self.room(420)
            self.chart(chart, QRectF(0, self.y, self.width, 400))
            self.y += 430
        for table in laid_out:
            self.table(table)
        self.footer()

    def headline(self, figures: list[tuple[str, str]]) -> None:
        per_row = 4
        cell_w = self.width / per_row
        for i, (label, value) in enumerate(figures):
            x = (i % per_row) * cell_w
            y = self.y + (i // per_row) * 96
            box = QRectF(x + 4, y, cell_w - 8, 88)
            self.p.setPen(QPen(GRID, 2))
            self.p.setBrush(QBrush(QColor("#F3F6FA")))
            self.p.drawRoundedRect(box, 8, 8)
            self.text(QRectF(x + 16, y + 6, cell_w - 32, 30), label, 9)
            self.text(QRectF(x + 16, y + 36, cell_w - 32, 46), value, 15, bold=True)
        self.y += ((len(figures) + per_row - 1) // per_row) * 96 + 24

    def chart(self, chart: Chart, area: QRectF) -> None:
        p = self.p
        self.text(QRectF(area.left(), area.top(), area.width(), 40),
                  f"{chart.title}（{chart.unit}）", 12, bold=True)
        legend_x = area.right()
        for index, series in reversed(list(enumerate(chart.series))):
            colour, pattern = PALETTE[index % len(PALETTE)]
            label_w = 30 + 22 * len(series.label)
            legend_x -= label_w + 20
            p.setPen(QPen(QColor(colour), 2))
            p.setBrush(QBrush(QColor(colour), pattern))
            p.drawRect(QRectF(legend_x, area.top() + 10, 22, 22))
            self.text(QRectF(legend_x + 28, area.top() + 4, label_w, 34), series.label, 9)
        plot = QRectF(area.left() + 70, area.top() + 56, area.width() - 80, area.height() - 130)
        top = max((v for s in chart.series for v in s.values), default=0.0)
        top = _nice(top)
        p.setFont(self.font(8))
        for step in range(5):
            value = top * step / 4
            y = plot.bottom() - plot.height() * step / 4
            p.setPen(QPen(GRID, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            self.text(QRectF(area.left(), y - 14, 64, 28), f"{value:g}", 8,
                      align=Qt.AlignmentFlag.AlignRight)
        n = max(1, len(chart.categories))
        group = plot.width() / n
        bar = group * 0.8 / max(1, len(chart.series))
        label_every = max(1, round(n / 16))
        for i, category in enumerate(chart.categories):
            for s, series in enumerate(chart.series):
                value = series.values[i]
                h = 0.0 if top == 0 else plot.height() * value / top
                colour, pattern = PALETTE[s % len(PALETTE)]
                rect = QRectF(plot.left() + i * group + group * 0.1 + s * bar,
                              plot.bottom() - h, bar - 2, h)
                p.setPen(QPen(QColor(colour), 2))
                p.setBrush(QBrush(QColor(colour), pattern))
                p.drawRect(rect)
                if n <= 16 and value:
                    self.text(QRectF(rect.left() - 20, rect.top() - 28, bar + 40, 26),
                              f"{value:g}", 7, align=Qt.AlignmentFlag.AlignHCenter)
            if i % label_every == 0:
                self.text(QRectF(plot.left() + i * group - 20, plot.bottom() + 6, group + 40, 30),
                          category, 8, align=Qt.AlignmentFlag.AlignHCenter)
        p.setPen(QPen(INK, 2))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())

    def table(self, table: Table) -> None:
        row_h, head_h = 34.0, 84.0
        name_w = 190.0
        other_w = (self.width - name_w) / (len(table.header) - 1)
        widths = [name_w] + [other_w] * (len(table.header) - 1)
        text_from = len(widths)  # columns from here on are words, drawn left
        if table.key == "comments":  # the citizen's words get the room
            fixed = [110.0, 150.0, 60.0, 80.0, 50.0, 70.0, 150.0]
            widths = [*fixed, self.width - sum(fixed)]
            text_from = 6

        def header() -> None:
            x = 0.0
            self.p.setPen(QPen(GRID, 1))
            self.p.setBrush(QBrush(QColor("#E8EEF5")))
            self.p.drawRect(QRectF(0, self.y, self.width, head_h))
            for heading, w in zip(table.header, widths, strict=True):
                self.p.setFont(self.font(7, bold=True))
                self.p.setPen(INK)
                self.p.drawText(QRectF(x + 2, self.y, w - 4, head_h),
                                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                                heading)
                x += w
            self.y += head_h

        self.room(60 + head_h + row_h * min(3, len(table.rows)))
        self.text(QRectF(0, self.y, self.width, 50), table.title, 12, bold=True)
        self.y += 54
        header()
        for r, row in enumerate(table.rows):
            if self.y + row_h > self.height - 40:
                self.new_page()
                self.text(QRectF(0, self.y, self.width, 40), f"{table.title}（续）", 10, bold=True)
                self.y += 44
                header()
            if r % 2:
                self.p.setPen(Qt.PenStyle.NoPen)
                self.p.setBrush(QBrush(QColor("#F7F9FB")))
                self.p.drawRect(QRectF(0, self.y, self.width, row_h))
            x = 0.0
            for index, (value, w) in enumerate(zip(row, widths, strict=True)):
                left = index == 0 or index >= text_from
                align = Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignRight
                shown = _cell(value)
                if index >= text_from:  # long words end in … rather than spill over
                    shown = QFontMetricsF(self.font(7), self.p.device()).elidedText(
                        shown.replace("\n", " "), Qt.TextElideMode.ElideRight, w - 8)
                self.text(QRectF(x + 4, self.y, w - 8, row_h), shown, 7, align=align)
                x += w
            self.y += row_h
        self.y += 30


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _nice(top: float) -> float:
    """A round axis maximum at or above ``top``."""
    if top <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(top))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if top <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)
