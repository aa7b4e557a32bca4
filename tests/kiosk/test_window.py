"""The real kiosk window against a real hub on port 0 and the virtual printer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk.model import Screen, refusal_text
from kiosk.presenter import KioskSettings
from printer.render import render
from printer.virtual import VirtualPrinter
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
