"""The county dashboard's widgets: a summary line and three tables drawing
:class:`supervisor.model_county.CountyBoard`."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from supervisor.model_county import CountyBoard
from supervisor.window import _fill, _table

OVERDUE = QColor("#FBE3E1")


class CountyWindow(QWidget):
    def __init__(self, model: CountyBoard) -> None:
        super().__init__()
        self.setWindowTitle("县级汇总 · 叫号系统")
        self.model = model
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.links = _table(["大厅", "连接", "待上传", "上次报告（分钟前）", "错误"])
        self.today = _table(["大厅", "取号", "办结", "过号", "平均等候（分）", "P90等候（分）",
                             "满意率（%）", "差评"])
        self.cases = _table(["大厅", "编号", "号码", "窗口", "人员", "状态", "期限", "逾期"])
        layout.addWidget(self.summary)
        layout.addWidget(self.status)
        for title, table, stretch in (("各大厅连接", self.links, 2), ("今日各大厅", self.today, 3),
                                      ("差评整改（未结）", self.cases, 3)):
            layout.addWidget(QLabel(title))
            layout.addWidget(table, stretch)
        model.on_change(self.redraw)
        self.resize(1400, 900)
        self.redraw()

    def redraw(self) -> None:
        m = self.model
        self.summary.setText(m.summary)
        self.status.setText(m.message)
        self.status.setStyleSheet("color: #B3261E;" if m.tone == "error" else "")
        self.status.setVisible(bool(m.message))
        _fill(self.links, m.links)
        _fill(self.today, m.today)
        _fill(self.cases, m.cases)
        for row in m.overdue_rows:
            for column in range(self.cases.columnCount()):
                item = self.cases.item(row, column)
                if item is not None:
                    item.setBackground(OVERDUE)
