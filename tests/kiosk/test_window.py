"""The real kiosk window against a real hub on port 0 and the virtual printer."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk.app import Kiosk, build_kiosk
from kiosk.memory import HallMemory
from kiosk.model import Screen, refusal_text
from kiosk.presenter import NEVER_REACHED_TEXT, PAUSED_TEXT, KioskSettings
from kiosk.printing import TicketPrinter
from printer.profile import load_printer_profile
from printer.render import render
from printer.virtual import VirtualPrinter
from qtkit.bridge import HubBridge
from tests.conftest import FakeClock
from tests.kiosk.conftest import WAIT_MS
from tests.qtkit.conftest import ThreadedHub


def _issued(hub: ThreadedHub) -> dict[str, int]:
    return dict(hub.public_state().get("issued", {}))


def test_a_touch_prints_exactly_one_ticket(
    qtbot: Any, make_kiosk: Any, kiosk_hub: ThreadedHub, virtual_printer: VirtualPrinter
) -> None:
    kiosk_hub.issue(2, "A")  # two people ahead
    kiosk = make_kiosk()
    w, p = kiosk.window, kiosk.presenter
    w.buttons["zone:tax"].click()
    assert p.screen is Screen.SERVICES
    button = w.buttons["service:A"]
    button.click()
    button.click()  # a double touch
    qtbot.waitUntil(lambda: p.taken is not None and p.taken.printed is True, timeout=WAIT_MS)
    assert virtual_printer.wait_for_jobs(1, 5)
    assert len(virtual_printer.jobs) == 1
    assert _issued(kiosk_hub) == {"A": 3}
    page = render(virtual_printer.jobs[0], read_qr=True)
    text = "\n".join(page.lines)
    assert "A003" in text and "办税服务" in text and "2" in text
    payloads = page.qr_payloads or page.qr_read
    # The hub's unguessable link to the ticket's page (docs/web.md).
    assert payloads and payloads[0].rsplit("/t/", 1)[1].startswith(f"{p.taken.id}-")
    number = w.centralWidget().findChild(QLabel, "number")
    assert number is not None and number.text() == "A003"


def test_a_closed_service_reads_as_english_in_english(make_kiosk: Any) -> None:
    kiosk = make_kiosk()
    w, p = kiosk.window, kiosk.presenter
    w.buttons["zone:social"].click()
    assert "暂不可取：现在不取号" in w.buttons["service:D"].text()
    p.toggle_english()
    line = w.buttons["service:D"].text().splitlines()[-1]
    assert line.startswith("Not available: no tickets now")  # no Chinese colon either
    assert not any("\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in line)


def test_closed_and_capped_services_issue_nothing(
    qtbot: Any, make_kiosk: Any, kiosk_hub: ThreadedHub, virtual_printer: VirtualPrinter
) -> None:
    kiosk = make_kiosk()
    w, p = kiosk.window, kiosk.presenter
    w.buttons["zone:social"].click()
    assert not w.buttons["service:D"].isEnabled()
    assert "14:00-17:00" in w.buttons["service:D"].text()
    p.take("D")  # even if a touch got through
    assert p.screen is Screen.MESSAGE and "14:00" in p.message
    p.back()
    # E's only ticket goes to another kiosk between the screen and the touch
    w.buttons["zone:tax"].click()
    kiosk_hub.issue(1, "E")
    p.take("E")
    qtbot.waitUntil(lambda: p.screen is Screen.MESSAGE, timeout=WAIT_MS)
    assert p.message in (refusal_text("daily_cap_reached"), "今日号已取完")
    assert _issued(kiosk_hub) == {"E": 1} and not virtual_printer.jobs


def test_booking_used_shows_the_refusal(
    qtbot: Any, make_kiosk: Any, kiosk_hub: ThreadedHub, virtual_printer: VirtualPrinter
) -> None:
    kiosk = make_kiosk()
    w, p = kiosk.window, kiosk.presenter
    for _ in range(2):
        w.buttons["booking"].click()
        for key in "2468":
            w.buttons[f"key:{key}"].click()
        w.buttons["key:ok"].click()
        qtbot.waitUntil(lambda: not p.busy, timeout=WAIT_MS)
        if p.screen is Screen.MESSAGE:
            break  # the used code is refused at once: no zone, no service asked for
        w.buttons["zone:social"].click()
        w.buttons["service:B"].click()
        qtbot.waitUntil(lambda: p.screen is Screen.TAKEN and not p.busy, timeout=WAIT_MS)
        w.buttons["home"].click()
    assert p.screen is Screen.MESSAGE and p.message == refusal_text("booking_used")
    assert _issued(kiosk_hub) == {"B": 1} and len(virtual_printer.jobs) == 1


def test_paper_out_and_cover_open_issue_nothing_and_report(
    qtbot: Any, make_kiosk: Any, kiosk_hub: ThreadedHub, virtual_printer: VirtualPrinter
) -> None:
    kiosk = make_kiosk()
    w, p = kiosk.window, kiosk.presenter
    for fault, words in (("paper_out", "缺纸"), ("cover_open", "盖")):
        setattr(virtual_printer.faults, fault, True)
        p.back()
        w.buttons["zone:tax"].click()
        w.buttons["service:A"].click()
        qtbot.waitUntil(lambda: p.screen is Screen.MESSAGE, timeout=WAIT_MS)
        assert words in p.message
        qtbot.waitUntil(lambda f=fault: p._reported == f, timeout=WAIT_MS)
        setattr(virtual_printer.faults, fault, False)
    assert _issued(kiosk_hub) == {} and not virtual_printer.jobs


def test_hub_down_pauses_and_resumes_without_a_restart(
    qtbot: Any, make_kiosk: Any, kiosk_hub: ThreadedHub, virtual_printer: VirtualPrinter
) -> None:
    kiosk = make_kiosk()
    w, p = kiosk.window, kiosk.presenter
    kiosk_hub.stop()
    qtbot.waitUntil(lambda: not p.online, timeout=WAIT_MS)
    p.open_zone("tax")  # a touch that got through
    assert p.screen is Screen.MESSAGE and "暂停取号" in p.message
    assert not virtual_printer.jobs
    kiosk_hub.start()
    qtbot.waitUntil(lambda: p.online, timeout=WAIT_MS)
    p.back()
    w.buttons["zone:tax"].click()
    w.buttons["service:A"].click()
    qtbot.waitUntil(lambda: p.taken is not None and p.taken.printed is True, timeout=WAIT_MS)
    assert _issued(kiosk_hub) == {"A": 1} and len(virtual_printer.jobs) == 1


def test_print_failure_after_issue_offers_a_reprint(
    qtbot: Any, make_kiosk: Any, kiosk_hub: ThreadedHub, virtual_printer: VirtualPrinter
) -> None:
    kiosk = make_kiosk(size=(1920, 1080))
    w, p = kiosk.window, kiosk.presenter
    virtual_printer.faults.disconnect_after_bytes = 10
    w.buttons["zone:tax"].click()
    w.buttons["service:A"].click()
    qtbot.waitUntil(lambda: p.taken is not None and p.taken.printed is False, timeout=WAIT_MS)
    assert "reprint" in w.buttons and p.taken.number == "A001"
    virtual_printer.faults.disconnect_after_bytes = None
    w.buttons["reprint"].click()
    qtbot.waitUntil(lambda: p.taken is not None and p.taken.printed is True, timeout=WAIT_MS)
    assert _issued(kiosk_hub) == {"A": 1}
    assert any("A001" in "\n".join(render(job).lines) for job in virtual_printer.jobs)


def test_english_comes_from_the_qm_file(make_kiosk: Any) -> None:
    kiosk = make_kiosk()
    kiosk.window.buttons["english"].click()
    assert "Booking check-in" in kiosk.window.buttons["booking"].text()
    kiosk.window.buttons["english"].click()
    assert "预约签到" in kiosk.window.buttons["booking"].text()


def test_an_id_card_gets_one_ticket_per_business_per_day(
    qtbot: Any, make_kiosk: Any, kiosk_hub: ThreadedHub, virtual_printer: VirtualPrinter
) -> None:
    kiosk = make_kiosk(settings=KioskSettings(id_salt="hall-secret"))
    w, p = kiosk.window, kiosk.presenter
    for _ in range(2):
        for char in "11010519491231002X":  # a reader typing like a keyboard
            qtbot.keyClicks(w, char)
        qtbot.keyClick(w, Qt.Key.Key_Return)
        w.buttons["zone:tax"].click()
        w.buttons["service:A"].click()
        qtbot.waitUntil(lambda: p.screen in (Screen.TAKEN, Screen.MESSAGE) and not p.busy,
                        timeout=WAIT_MS)
        if p.screen is Screen.TAKEN:
            w.buttons["home"].click()
    assert p.message == refusal_text("already_taken")
    assert _issued(kiosk_hub) == {"A": 1} and len(virtual_printer.jobs) == 1
    p.back()
    p.id_card("11010519491231002X")
    w.buttons["reprint_lost"].click()  # the ticket was lost: 补打
    qtbot.waitUntil(lambda: not p.busy, timeout=WAIT_MS)
    assert p.screen is Screen.TAKEN, p.message
    qtbot.waitUntil(lambda: p.taken is not None and p.taken.printed is True, timeout=WAIT_MS)
    assert p.taken.number == "A001" and len(virtual_printer.jobs) == 2
    assert "11010519491231002X" not in repr(kiosk_hub.public_state())


def test_offline_every_way_to_take_a_ticket_is_visibly_unavailable(
    qtbot: Any, make_kiosk: Any, kiosk_hub: ThreadedHub
) -> None:
    kiosk = make_kiosk(size=(1920, 1080))
    w, p = kiosk.window, kiosk.presenter
    kiosk_hub.stop()
    qtbot.waitUntil(lambda: not p.online, timeout=WAIT_MS)
    takers = [k for k in w.buttons if k.startswith("zone:")] + ["priority", "booking"]
    assert len(takers) > 2 and not any(w.buttons[k].isEnabled() for k in takers)
    assert not any("等候" in w.buttons[k].text() for k in takers)  # no stale counts
    banner = w.centralWidget().findChild(QLabel, "offline")
    assert banner is not None and banner.text() == PAUSED_TEXT
    kiosk_hub.start()
    qtbot.waitUntil(lambda: p.online, timeout=WAIT_MS)
    assert all(w.buttons[k].isEnabled() for k in takers)


def _unreachable_kiosk(qtbot: Any, qapp: Any, virtual_printer: VirtualPrinter,
                       settings: KioskSettings, hall_memory: HallMemory | None = None) -> Kiosk:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        url = f"ws://127.0.0.1:{s.getsockname()[1]}"
    bridge = HubBridge(url, "kiosk-1", "kiosk-secret", backoff_s=(0.05, 0.2))
    printer = TicketPrinter(load_printer_profile("zh-80mm"), virtual_printer.connection)
    kiosk = build_kiosk(qapp, bridge, printer, settings, clock=FakeClock(),
                        hall_memory=hall_memory)
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(1080, 1920)
    kiosk.window.show()
    bridge.start()
    return kiosk


def test_a_kiosk_that_never_reached_the_hub_names_the_hall_and_says_so(
    qtbot: Any, qapp: Any, virtual_printer: VirtualPrinter
) -> None:
    kiosk = _unreachable_kiosk(qtbot, qapp, virtual_printer,
                               KioskSettings(hall_name="东乡区政务服务中心"))
    try:
        page = kiosk.window.centralWidget()
        hall = page.findChild(QLabel, "hall")
        banner = page.findChild(QLabel, "offline")
        assert hall is not None and hall.text() == "东乡区政务服务中心"
        assert banner is not None and banner.text() == NEVER_REACHED_TEXT
        assert not any(key in kiosk.window.buttons for key in ("priority", "booking"))
    finally:
        kiosk.timer.stop()
        kiosk.bridge.stop()


def test_a_kiosk_restarted_without_the_hub_names_the_hall_the_hub_last_sent(
    qtbot: Any, qapp: Any, make_kiosk: Any, kiosk_hub: ThreadedHub,
    virtual_printer: VirtualPrinter, tmp_path: Path
) -> None:
    memory_file = tmp_path / "kiosk.last-hall.json"
    name = kiosk_hub.config.hall.name
    assert name
    online = make_kiosk(hall_memory=HallMemory(memory_file))
    qtbot.waitUntil(memory_file.exists, timeout=WAIT_MS)
    online.timer.stop()
    online.bridge.stop()
    # the next morning the hub is not there, and the station file has no [app] hall_name
    kiosk = _unreachable_kiosk(qtbot, qapp, virtual_printer, KioskSettings(),
                               HallMemory(memory_file))
    try:
        hall = kiosk.window.centralWidget().findChild(QLabel, "hall")
        assert hall is not None and hall.text() == name
        assert kiosk.presenter.offline_text == NEVER_REACHED_TEXT
    finally:
        kiosk.timer.stop()
        kiosk.bridge.stop()


def test_the_idle_screen_wakes_on_a_touch_anywhere(qtbot: Any, make_kiosk: Any) -> None:
    kiosk = make_kiosk()
    w, p = kiosk.window, kiosk.presenter
    p.toggle_english()
    p._go_idle()
    assert p.screen is Screen.IDLE and not p.english  # the next person: the defaults
    hall = w.centralWidget().findChild(QLabel, "hall")
    assert hall is not None
    qtbot.mouseClick(hall, Qt.MouseButton.LeftButton)  # not the button: the hall's name
    assert p.screen is Screen.HOME


def test_the_more_time_prompt_is_large_and_counts_down(make_kiosk: Any) -> None:
    kiosk = make_kiosk()
    w, p = kiosk.window, kiosk.presenter
    p.toggle_elderly()
    p.open_zone("tax")
    p.asking_more_time = True  # what the idle timer does after idle_home_s
    p._asked_at = p._mono()
    p.refresh()
    page = w.centralWidget()
    question = page.findChild(QLabel, "more-time")
    left = page.findChild(QLabel, "countdown")
    assert question is not None and left is not None
    assert "30" in left.text() and "秒" in left.text()
    assert question.fontInfo().pixelSize() >= 2 * p.text_dp
    assert w.buttons["more_time"].height() >= 2 * p.text_dp


def test_a_priority_ticket_taken_in_english_is_marked_and_printed_in_both_languages(
    qtbot: Any, make_kiosk: Any, virtual_printer: VirtualPrinter
) -> None:
    kiosk = make_kiosk()
    w, p = kiosk.window, kiosk.presenter
    w.buttons["english"].click()
    w.buttons["priority"].click()
    w.buttons["zone:tax"].click()
    w.buttons["service:A"].click()
    qtbot.waitUntil(lambda: p.taken is not None and p.taken.printed is True, timeout=WAIT_MS)
    mark = w.centralWidget().findChild(QLabel, "mark")
    assert mark is not None and "Priority" in mark.text()
    assert virtual_printer.wait_for_jobs(1, 5)
    text = "\n".join(render(virtual_printer.jobs[0], read_qr=True).lines)
    for part in ("优先", "Priority", "办税服务", "A001", "Nobody is ahead of you", "无需等候",
                 "Listen for your number"):
        assert part in text, part
