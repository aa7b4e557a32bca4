"""Nothing on a kiosk screen is clipped: every screen × text size × orientation.

The real window over the presenter (fakes for the hub and the printer) and the
Dongxiang sample hall (9 zones, long names). On each screen every button and label
must lie wholly inside the window, every line of a button's text must fit its width
and all its lines its height, every wrapped label must have the height its text
needs, and nothing may hide in a scroll area: a hall with more zones than fit is
paginated (上一页/下一页), and every page is looked at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLabel, QPushButton, QWidget

from hall.config import HallConfig, TimeRange, load_config
from hall.state import HallState, Ticket, TicketStatus
from kiosk.app import install_translator
from kiosk.model import PrinterCheck, PrintOutcome, Screen
from kiosk.presenter import KioskPresenter, KioskSettings
from kiosk.views import BUTTON_PADDING_PX, KioskWindow
from printer.layout import TicketContent
from qtkit.fonts import setup_fonts
from qtkit.results import FakeRequester, Reply
from qtkit.theme import apply_theme, make_theme

ROOT = Path(__file__).resolve().parents[2]
TEN_AM = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in the hall
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
TEXT = {"normal": (False, 22), "27": (True, 27), "30": (True, 30)}


def sample_hall() -> HallConfig:
    """Dongxiang, with its last zone's services closed until 14:00 (a long reason line
    on the zone's button and on each service's) and two of the police zone's three."""
    config = load_config(ROOT / "jiaohao" / "examples" / "dongxiang.toml")
    afternoon = (TimeRange(time(9, 0), time(9, 30)), TimeRange(time(14, 0), time(17, 0)))
    last = config.zones[-1].id
    services = tuple(replace(s, hours=afternoon) if s.zone == last or s.id in ("R", "S")
                     else s for s in config.services)
    return replace(config, services=services)


def busy_state(config: HallConfig) -> HallState:
    """Three-digit waiting counts everywhere (the widest numbers a hall shows)."""
    state = HallState(day="2026-11-23")
    tid = 1
    for service in config.services:
        for _ in range(3 if service.zone != config.zones[0].id else 120):
            ticket = Ticket(tid, f"{service.id}{tid:03d}", service.id, False,
                            TicketStatus.WAITING, "2026-11-23T09:00:00+08:00", order=tid)
            state.tickets[tid] = ticket
            state.queue(service.id).add(ticket)
            tid += 1
    return state


class Printer:
    def check(self) -> PrinterCheck:
        return PrinterCheck("ok")

    def print_ticket(self, content: TicketContent) -> PrintOutcome:
        return PrintOutcome(False, "paper_out", "", "打印机缺纸")


def problems(window: KioskWindow) -> list[str]:
    """Everything on the window that is cut off or out of sight, in words."""
    found: list[str] = []
    page = window.centralWidget()
    frame = QRect(QPoint(0, 0), window.size())
    if page.findChildren(QAbstractScrollArea):
        found.append("a scroll area (content out of sight)")
    widgets: list[QWidget] = [*page.findChildren(QPushButton), *page.findChildren(QLabel)]
    for w in widgets:
        if not w.isVisibleTo(window):
            continue
        name = w.objectName() or w.text().replace("\n", "⏎")[:30]  # type: ignore[attr-defined]
        box = QRect(w.mapTo(window, QPoint(0, 0)), w.size())
        if not frame.contains(box):
            found.append(f"{name!r} lies outside the window: {box} not in {frame}")
            continue
        fm = w.fontMetrics()
        if isinstance(w, QPushButton):
            lines = w.text().split("\n")
            widest = max(fm.horizontalAdvance(line) for line in lines)
            if widest > w.width() - BUTTON_PADDING_PX + 4:
                found.append(f"button {name!r}: text {widest}px wide in {w.width()}px")
            if len(lines) * fm.lineSpacing() > w.height() - 12:
                found.append(f"button {name!r}: {len(lines)} lines in {w.height()}px")
        elif w.text() and w.wordWrap():
            need = w.heightForWidth(w.width())
            if need > w.height() + 2:
                found.append(f"label {name!r}: needs {need}px, has {w.height()}px")
        elif w.text() and w.sizeHint().width() > w.width() + 2:
            found.append(f"label {name!r}: needs {w.sizeHint().width()}px, has {w.width()}")
    return found


@pytest.fixture
def kiosk(qapp: QApplication) -> Iterator[tuple[KioskPresenter, KioskWindow, FakeRequester]]:
    setup_fonts(qapp)
    install_translator(qapp)
    config = sample_hall()
    state = busy_state(config)
    fake = FakeRequester()
    p = KioskPresenter(lambda: config, lambda: state, fake, Printer(), clock=lambda: TEN_AM,
                       settings=KioskSettings(notice="今日办理：社保、医保、税务、不动产登记。"
                                              "请带好身份证。", id_salt="salt"))
    dp = [0]

    def restyle() -> None:  # what kiosk/app.py does
        if p.text_dp != dp[0]:
            dp[0] = p.text_dp
            apply_theme(qapp, make_theme(p.text_dp))

    p.listeners.append(restyle)
    restyle()
    p.set_online(True)
    window = KioskWindow(p)
    window.show()
    yield p, window, fake
    window.close()
    window.deleteLater()


def settle(qapp: QApplication, window: KioskWindow) -> None:
    """Let a pending resize redraw run (the presenter's changes redraw at once)."""
    qapp.processEvents()


def each_page(qapp: QApplication, window: KioskWindow) -> Iterator[int]:
    """Yield once per page of the current list (1, 2, …), turning with 下一页."""
    page = 1
    settle(qapp, window)
    yield page
    while "page:next" in window.buttons and window.buttons["page:next"].isEnabled():
        window.buttons["page:next"].click()
        settle(qapp, window)
        page += 1
        yield page


def answer_take(p: KioskPresenter, fake: FakeRequester, mark: bool) -> None:
    service = p.services()[0].id
    p.take(service)
    fake.answer(Reply(True))
    fake.answer(Reply(True, data={"ticket": {
        "id": 7, "number": f"{service}123", "service": service, "priority": mark,
        "status": "waiting", "issued_at": "2026-11-23T10:00:00+08:00", "window": None,
        "order": 7, "called_at": None, "recalls": 0}, "ahead": 123,
        "estimated_wait_min": 95, "link": "http://192.168.10.2:8765/t/7-0123456789abcdef"}))


def screens(p: KioskPresenter, fake: FakeRequester) -> dict[str, Callable[[], None]]:
    """Every kiosk screen, reached the way a citizen reaches it."""
    zones = p.zones()

    def services(index: int) -> Callable[[], None]:
        return lambda: (p.back(), p.open_zone(zones[index].id))

    def taken(mark: bool) -> Callable[[], None]:
        def go() -> None:
            p.back()
            if mark:
                p.start_priority()
            p.open_zone(zones[1].id)
            answer_take(p, fake, mark)

        return go

    def more_time() -> None:
        p.back()
        p.open_zone(zones[0].id)
        p.asking_more_time = True  # what the idle timer does after idle_home_s

    def offline() -> None:
        p.back()
        p.set_online(False)

    return {
        "idle": lambda: p._go_idle(),
        "home": lambda: p.back(),
        "priority": lambda: (p.back(), p.start_priority()),
        **{f"services-{z.id}": services(i) for i, z in enumerate(zones)},
        "booking": lambda: (p.back(), p.start_booking(), [p.key(c) for c in "20261123"]),
        "issuing": lambda: (p.back(), setattr(p, "screen", Screen.ISSUING)),
        "taken-not-printed": taken(False),
        "taken-priority": taken(True),
        "message": lambda: (p.back(), p._show_message(
            "该业务今日号已取完，请明天再来或到服务台咨询")),
        "more-time": more_time,
        "offline": offline,
    }


#: Every size and orientation in Chinese; English (longer words) at the largest text.
CASES = [(size, text, False) for size in SIZES for text in TEXT] + [
    (size, "30", True) for size in SIZES]


@pytest.mark.parametrize(("size", "text", "english"), CASES,
                         ids=[f"{s}-{t}-{'en' if e else 'zh'}" for s, t, e in CASES])
def test_no_screen_clips_anything(qapp: QApplication, kiosk: Any, size: str, text: str,
                                  english: bool) -> None:
    p, window, fake = kiosk
    window.resize(*SIZES[size])
    elderly, dp = TEXT[text]
    found: list[str] = []
    def mode() -> None:
        if p.elderly != elderly:
            p.toggle_elderly()
        while p.text_dp != dp:
            p.bigger_text()
        if p.english != english:
            p.toggle_english()

    for name, go in screens(p, fake).items():
        p.set_online(True)
        p.asking_more_time = False
        mode()
        go()
        if p.screen is not Screen.IDLE:  # (a touch wakes the idle screen: it shows the
            mode()  # hall's defaults, which is what it is for)
        for page in each_page(qapp, window):
            found += [f"{name} p{page}: {problem}" for problem in problems(window)]
    assert not found, "\n".join(found)


def test_nine_zones_at_27_in_landscape_are_paged_not_cut(qapp: QApplication,
                                                          kiosk: Any) -> None:
    p, window, _ = kiosk
    window.resize(1920, 1080)
    p.toggle_elderly()
    seen: set[str] = set()
    for _ in each_page(qapp, window):
        seen |= {key for key in window.buttons if key.startswith("zone:")}
        assert problems(window) == []
    assert len(seen) == 9  # every zone on some page, none half hidden
