"""The dashboard's widgets: five tabs that draw :class:`supervisor.model.Dashboard` and
forward every click to it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from supervisor.model import ACTION_NAMES, STATE_NAMES, WEEKDAYS, Dashboard, forecast_line

#: Two series: colour and fill pattern, so colour is never the only cue.
SERIES = ((QColor("#1F5FAD"), Qt.BrushStyle.SolidPattern),
          (QColor("#E07B00"), Qt.BrushStyle.BDiagPattern))


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[Any]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("—" if value in (None, "") else str(value)))


def push_line(status: dict[str, Any] | None) -> str:
    """The push to the province on the headline: sent, waiting, failing, last error."""
    if not status or not (status["sent"] or status["pending"]):
        return ""
    line = f"\n省平台推送：已推送 {status['sent']}　待推送 {status['pending']}"
    if status["failing"]:
        line += f"（其中 {status['failing']} 条推送失败，将自动重试"
        line += f"：{status['last_error']}）" if status.get("last_error") else "）"
    return line


class BarChart(QWidget):
    """Grouped bars with a legend; values over the bars when there is room."""

    def __init__(self, title: str, unit: str) -> None:
        super().__init__()
        self.title, self.unit = title, unit
        self.categories: list[str] = []
        self.series: list[tuple[str, list[float]]] = []
        self.setMinimumHeight(240)

    def set_data(self, categories: list[str], series: list[tuple[str, list[float]]]) -> None:
        self.categories, self.series = categories, series
        self.update()

    def control_texts(self) -> list[str]:
        return [self.title, *self.categories]

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = float(self.width()), float(self.height())
        font = self.font()
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(8, 4, w - 16, 28), int(Qt.AlignmentFlag.AlignLeft),
                   f"{self.title}（{self.unit}）")
        font.setBold(False)
        p.setFont(font)
        x = w - 8
        for index, (label, _) in reversed(list(enumerate(self.series))):
            colour, pattern = SERIES[index % len(SERIES)]
            width = 28 + p.fontMetrics().horizontalAdvance(label)
            x -= width + 12
            p.setPen(QPen(colour, 1))
            p.setBrush(QBrush(colour, pattern))
            p.drawRect(QRectF(x, 10, 16, 16))
            p.setPen(QColor("#1A1A1A"))
            p.drawText(QRectF(x + 20, 4, width, 28), int(Qt.AlignmentFlag.AlignVCenter), label)
        plot = QRectF(48, 40, w - 60, h - 80)
        top = max((v for _, values in self.series for v in values), default=0.0) or 1.0
        p.setPen(QPen(QColor("#C8CDD3"), 1))
        for step in range(5):
            y = plot.bottom() - plot.height() * step / 4
            p.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            p.drawText(QRectF(0, y - 10, 44, 20), int(Qt.AlignmentFlag.AlignRight),
                       f"{top * step / 4:.0f}")
        if not self.categories:
            p.drawText(plot, int(Qt.AlignmentFlag.AlignCenter), "暂无数据")
            return
        group = plot.width() / len(self.categories)
        bar = group * 0.8 / max(1, len(self.series))
        every = max(1, round(len(self.categories) * 60 / max(plot.width(), 1)))
        for i, category in enumerate(self.categories):
            for s, (_, values) in enumerate(self.series):
                colour, pattern = SERIES[s % len(SERIES)]
                height = plot.height() * values[i] / top
                rect = QRectF(plot.left() + i * group + group * 0.1 + s * bar,
                              plot.bottom() - height, bar - 2, height)
                p.setPen(QPen(colour, 1))
                p.setBrush(QBrush(colour, pattern))
                p.drawRect(rect)
            if i % every == 0:
                p.setPen(QColor("#1A1A1A"))
                label = p.fontMetrics().elidedText(category, Qt.TextElideMode.ElideRight,
                                                   int(group * every) - 4)
                p.drawText(QRectF(plot.left() + i * group, plot.bottom() + 4,
                                  group * every, 24), int(Qt.AlignmentFlag.AlignHCenter), label)


class DashboardWindow(QWidget):
    def __init__(self, model: Dashboard) -> None:
        super().__init__()
        self.setWindowTitle("大厅管理 · 叫号系统")
        self.model = model
        layout = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.county = QLabel()  # the hall's link to the county (docs/county.md)
        layout.addWidget(self.county)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._live()
        self._today()
        self._cases()
        self._history()
        self._plan()
        model.on_change(self.redraw)
        self.resize(1600, 900)
        self.redraw()

    # -- tabs -----------------------------------------------------------------------------

    def _live(self) -> None:
        tab = QWidget()
        grid = QGridLayout(tab)
        self.alerts = _table(["级别", "告警", "开始时间"])
        for column in (0, 2):
            self.alerts.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents)
        self.zones = _table(["区域", "等候人数", "最长等候（分钟）"])
        self.windows = _table(["窗口", "状态", "工作人员", "当前号码", "已办理（分钟）"])
        grid.addWidget(QLabel("告警"), 0, 0)
        grid.addWidget(self.alerts, 1, 0)
        grid.addWidget(QLabel("各区域排队"), 2, 0)
        grid.addWidget(self.zones, 3, 0)
        grid.addWidget(QLabel("各窗口"), 0, 1)
        grid.addWidget(self.windows, 1, 1, 3, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        self.tabs.addTab(tab, "大厅实况")

    def _today(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        self.hourly = BarChart("每小时取号与办结", "人次")
        self.waits = BarChart("各区域等候时间", "分钟")
        self.satisfaction = BarChart("各窗口满意率", "%")
        layout.addWidget(self.hourly, 1)
        row = QHBoxLayout()
        row.addWidget(self.waits, 1)
        row.addWidget(self.satisfaction, 1)
        layout.addLayout(row, 1)
        self.tabs.addTab(tab, "今日数据")

    def _cases(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.case_table = _table(["编号", "号码", "窗口", "人员", "评分", "原因", "群众意见",
                                  "状态", "期限", "超期", "回访"])
        layout.addWidget(self.case_table, 1)
        self.case_text = QLineEdit()
        self.case_text.setPlaceholderText("整改说明、备注或回访情况")
        layout.addWidget(self.case_text)
        row = QHBoxLayout()
        self.reached = QCheckBox("已联系到群众")
        self.satisfied = QCheckBox("群众表示满意")
        row.addWidget(self.reached)
        row.addWidget(self.satisfied)
        self.case_buttons: dict[str, QPushButton] = {}
        for action, name in ACTION_NAMES.items():
            button = QPushButton(name)
            button.clicked.connect(lambda _=False, a=action: self._act(a))
            self.case_buttons[action] = button
            row.addWidget(button)
        layout.addLayout(row)
        self.tabs.addTab(tab, "差评整改")

    def _history(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.number = QLineEdit()
        self.number.setPlaceholderText("号码，如 A012")
        self.day = QLineEdit()
        self.day.setPlaceholderText("日期 YYYY-MM-DD（空：今天）")
        self.search = QPushButton("查询")
        self.search.clicked.connect(lambda: self.model.search(self.number.text(),
                                                              self.day.text()))
        self.number.returnPressed.connect(self.search.click)
        row.addWidget(self.number, 1)
        row.addWidget(self.day, 1)
        row.addWidget(self.search)
        layout.addLayout(row)
        self.events = _table(["号票", "时间", "事件", "内容"])
        for column in (0, 1, 2):
            self.events.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.events, 1)
        self.tabs.addTab(tab, "电子监察")

    def _plan(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.plan_day = QComboBox()
        self.plan_day.addItems(["今天", *WEEKDAYS])

        def spin(low: int, high: int, value: int, label: str) -> QSpinBox:
            box = QSpinBox()
            box.setRange(low, high)
            box.setValue(value)
            row.addWidget(QLabel(label))
            row.addWidget(box)
            return box

        row.addWidget(QLabel("星期"))
        row.addWidget(self.plan_day)
        self.plan_weeks = spin(1, 26, 6, "参考近几周")
        self.plan_minutes = spin(1, 240, 15, "等候不超过（分钟）")
        self.plan_percent = spin(1, 99, 80, "的群众占比（%）")
        self.plan_ask = QPushButton("生成建议")
        self.plan_ask.clicked.connect(lambda: self.model.ask_plan(
            self.plan_weeks.value(), self.plan_day.currentIndex() or None,
            self.plan_minutes.value(), self.plan_percent.value()))
        row.addWidget(self.plan_ask)
        row.addStretch(1)
        layout.addLayout(row)
        self.plan_head = QLabel()
        layout.addWidget(self.plan_head)
        self.plan_table = _table(["区域", "时段", "每小时取号", "平均办理（分钟）", "建议窗口数",
                                  "达标率", "平均等候（分钟）", "90% 等候（分钟）"])
        layout.addWidget(self.plan_table, 1)
        self.tabs.addTab(tab, "窗口排班建议")

    # -- drawing ----------------------------------------------------------------------------

    def _act(self, action: str) -> None:
        row = self.case_table.currentRow()
        if row < 0 or row >= len(self.model.cases):
            self.model.say("请先在表中选择一个案件", "error")
            return
        self.model.act(int(self.model.cases[row]["id"]), action, self.case_text.text(),
                       reached=self.reached.isChecked(), satisfied=self.satisfied.isChecked())

    def redraw(self) -> None:
        m = self.model
        colours = {"ok": "#1E6B3A", "error": "#A61B1B", "info": "#1A1A1A"}
        online = "● 在线" if m.connected else "○ 离线（数据可能过时）"
        self.status.setText(f"{online}　{m.message}")
        self.county.setText(m.county_line()[0])
        self.county.setStyleSheet("color: #B3261E;" if m.county_line()[1] == "error" else "")
        self.status.setStyleSheet(f"color: {colours.get(m.tone, '#1A1A1A')};")
        _fill(self.alerts, [["严重" if a.level == "critical" else "注意", a.message,
                             a.since[11:16]] for a in m.alerts])
        _fill(self.zones, [[z.name, z.waiting, z.longest_min] for z in m.zones])
        _fill(self.windows, [[w.name, w.state, w.clerk, w.ticket, w.minutes]
                             for w in m.windows])
        self._draw_figures()
        _fill(self.case_table, [
            [c["id"], c["number"], c["window"], c.get("staff"), c["score"], c.get("reason"),
             c.get("comment"), STATE_NAMES.get(c["state"], c["state"]), c["deadline"],
             "超期" if c.get("overdue") else "", len(c.get("callbacks", []))]
            for c in m.cases])
        for button in self.case_buttons.values():
            button.setEnabled(m.connected)
        self.search.setEnabled(m.connected)
        self.plan_ask.setEnabled(m.connected)
        self.plan_head.setText(m.plan_line)
        _fill(self.plan_table, [[r.zone, r.slot, r.arrivals_per_hour, r.mean_min, r.windows,
                                 r.service_level, r.mean_wait_min, r.p90_wait_min]
                                for r in m.plan])
        rows = []
        for ticket in m.history:
            for e in ticket["events"]:
                detail = _detail(e["data"])
                rows.append([f"{ticket['number']}（{ticket['day']}）", e["at"][11:19],
                             e["kind"], detail])
        _fill(self.events, rows)

    def _draw_figures(self) -> None:
        f = self.model.figures
        if f is None:
            self.headline.setText("今日数据加载中…")
            return
        t = f["total"]
        wait = t["wait_s"]["mean"]
        sat = t["satisfaction"]
        self.headline.setText(
            f"取号 {t['issued']}　办结 {t['finished']}　过号 {t['skipped']}　"
            f"平均等候 {'—' if wait is None else f'{wait / 60:.1f} 分钟'}　"
            f"评价 {sum(t['ratings'].values())}　差评 {t['ratings']['1'] + t['ratings']['2']}　"
            f"帮办 {t.get('help', 0)}　代办 {t.get('proxy', 0)}　"
            f"延时 {t.get('extended', 0)}　错时 {t.get('off_hours', 0)}　"
            f"满意率 {'—' if sat is None else f'{sat * 100:.1f}%'}\n{forecast_line(t)}"
            + push_line(f.get("push")))
        hours = f["by_hour"]
        self.hourly.set_data([h["name"] for h in hours],
                             [("取号", [float(h["issued"]) for h in hours]),
                              ("办结", [float(h["finished"]) for h in hours])])
        zones = f["by_zone"]
        self.waits.set_data([z["name"] for z in zones],
                            [("平均", [(z["wait_s"]["mean"] or 0) / 60 for z in zones]),
                             ("P90", [(z["wait_s"]["p90"] or 0) / 60 for z in zones])])
        rated = [w for w in f["by_window"] if w["satisfaction"] is not None]
        self.satisfaction.set_data([w["name"] for w in rated],
                                   [("满意率", [w["satisfaction"] * 100 for w in rated])])


def _detail(data: dict[str, Any]) -> str:
    """One event's fields in a line a person reads (a case as its state and deadline)."""
    case = data.get("case")
    if isinstance(case, dict):
        action = data.get("action")
        head = f"案件 {case['id']}：{STATE_NAMES.get(case['state'], case['state'])}"
        by = f"，{data['by']}" if data.get("by") else ""
        return f"{head}（{ACTION_NAMES.get(action, action)}{by}），期限 {case['deadline']}" \
            if action else f"{head}，期限 {case['deadline']}"
    return ", ".join(f"{k}={v}" for k, v in data.items()
                     if k != "ticket" and v not in (None, "", []) and not isinstance(v, dict))

