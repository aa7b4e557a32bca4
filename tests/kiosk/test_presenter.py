"""The kiosk presenter without a window or a hub: fakes for the hub and the printer."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from typing import Any

import pytest

from hall.config import HallConfig, Service, TimeRange
from hall.state import HallState
from hall.words import english, wait_words
from kiosk.model import (
    PrinterCheck,
    PrintOutcome,
    Screen,
    person_hash,
    refusal_text,
    service_views,
    valid_id_number,
)
from kiosk.presenter import (
    NEVER_REACHED_TEXT,
    NO_TICKET_TITLE,
    PAUSED_TEXT,
    UNSETTLED_TEXT,
    UNSETTLED_TITLE,
    KioskPresenter,
    KioskSettings,
)
from kiosk.settings import kiosk_settings
from printer.layout import TicketContent
from qtkit.results import FakeRequester, Reply
from tests.hub.conftest import make_config

TEN_AM = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
ID = "11010519491231002X"


@dataclass
class FakePrinter:
    check_result: PrinterCheck = field(default_factory=lambda: PrinterCheck("ok"))
    print_result: PrintOutcome = field(default_factory=lambda: PrintOutcome(True, "ok"))
    printed: list[TicketContent] = field(default_factory=list)
    checks: int = 0

    def check(self) -> PrinterCheck:
        self.checks += 1
        return self.check_result

    def print_ticket(self, content: TicketContent) -> PrintOutcome:
        self.printed.append(content)
        return self.print_result


class Deferred:
    """A RunBlocking that holds jobs until the test runs them (the GUI thread's view)."""

    def __init__(self) -> None:
        self.jobs: list[Any] = []

    def __call__(self, fn: Any, on_done: Any) -> None:
        self.jobs.append((fn, on_done))

    def run_all(self) -> None:
        from kiosk.presenter import run_now

        while self.jobs:
            run_now(*self.jobs.pop(0))


def _hall(**service_kw: Any) -> HallConfig:
    config = make_config()
    services = list(config.services)
    services.append(Service("D", "公积金", "social", name_en="Housing fund", **service_kw))
    windows = list(config.windows)
    windows[0] = replace(windows[0], tiers=(*windows[0].tiers, ("D",)))
    return replace(config, services=tuple(services), windows=tuple(windows))


def ticket_reply(number: str = "A001", tid: int = 1, ahead: int = 2) -> Reply:
    return Reply(True, data={"ticket": {
        "id": tid, "number": number, "service": number[0], "priority": False,
        "status": "waiting", "issued_at": "2026-03-02T10:00:00+08:00", "window": None,
        "order": tid, "called_at": None, "recalls": 0}, "ahead": ahead,
        "estimated_wait_min": 7, "link": f"http://192.168.10.2:8765/t/{tid}-0123456789abcdef"})


class Now:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def plain(sent: tuple[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """A sent request without take_ticket's per-touch key and give-up time."""
    type_, fields = sent
    return type_, {k: v for k, v in fields.items() if k not in ("request", "give_up_at")}


def make(hall: HallConfig | None = None, **kw: Any) -> tuple[KioskPresenter, FakeRequester,
                                                               FakePrinter, Now]:
    config = hall or _hall()
    state = HallState()
    fake, printer, mono = FakeRequester(), FakePrinter(), Now()
    p = KioskPresenter(lambda: config, lambda: state, fake, printer,
                       settings=kw.pop("settings", KioskSettings(id_salt="hall-salt")),
                       clock=lambda: TEN_AM, monotonic=mono, **kw)
    p.set_online(True)
    return p, fake, printer, mono


def test_one_touch_one_ticket_printed_once() -> None:
    p, fake, printer, _ = make()
    p.open_zone("tax")
    assert p.screen is Screen.SERVICES and [s.id for s in p.services()] == ["A"]
    p.take("A")
    assert [plain(sent) for sent in fake.sent] == [
        ("device_status", {"device_kind": "printer", "status": "ok", "detail": ""}),
        ("take_ticket", {"service": "A"})]
    key, give_up_at = fake.sent[1][1]["request"], fake.sent[1][1]["give_up_at"]
    assert len(key) == 16 and give_up_at == "2026-03-02T02:00:07+00:00"  # hub time + 7 s
    p.take("A")  # a second touch while issuing
    assert len(fake.sent) == 2 and printer.checks == 1
    fake.answer(Reply(True))
    fake.answer(ticket_reply())
    assert p.screen is Screen.TAKEN and p.taken is not None
    assert p.taken.number == "A001" and p.taken.ahead == 2 and p.taken.wait_min == 7
    assert p.taken.printed is True and len(printer.printed) == 1
    assert printer.printed[0].qr_payload.endswith("/t/1-0123456789abcdef")  # the hub's link
    assert not p.busy


def test_printing_runs_through_run_blocking_and_a_touch_meanwhile_does_nothing() -> None:
    config = _hall()
    state = HallState()
    fake, printer, deferred = FakeRequester(), FakePrinter(), Deferred()
    p = KioskPresenter(lambda: config, lambda: state, fake, printer, run_blocking=deferred,
                       clock=lambda: TEN_AM)
    p.set_online(True)
    p.take("A")
    assert fake.sent == [] and len(deferred.jobs) == 1  # the status check waits
    p.take("A")
    deferred.run_all()
    fake.answer(Reply(True))
    fake.answer(ticket_reply())
    assert len(deferred.jobs) == 1 and p.taken and p.taken.printed is None
    p.take("A")
    deferred.run_all()
    assert len(printer.printed) == 1 and p.taken.printed is True
    assert [t for t, _ in fake.sent] == ["device_status", "take_ticket"]


@pytest.mark.parametrize("problem", ["paper_out", "cover_open", "offline"])
def test_a_printer_problem_issues_nothing_and_is_reported(problem: str) -> None:
    p, fake, printer, _ = make()
    printer.check_result = PrinterCheck(problem, "", f"{problem} words")
    p.take("A")
    assert p.screen is Screen.MESSAGE and p.message == f"{problem} words"
    assert fake.sent == [("device_status", {"device_kind": "printer", "status": problem,
                                            "detail": ""})]
    fake.answer(Reply(True))
    p.take("A")
    assert len(fake.sent) == 1  # the same status is reported once
    assert not printer.printed


def test_paper_near_end_issues_and_reports() -> None:
    p, fake, printer, _ = make()
    printer.check_result = PrinterCheck("paper_near_end")
    printer.print_result = PrintOutcome(True, "paper_near_end")
    p.take("B")
    assert [t for t, _ in fake.sent] == ["device_status", "take_ticket"]
    fake.answer(Reply(True))
    fake.answer(ticket_reply("B001"))
    assert p.taken and p.taken.printed and p.taken.warning


def test_print_failure_keeps_the_number_marks_it_and_offers_a_reprint() -> None:
    p, fake, printer, _ = make()
    printer.print_result = PrintOutcome(False, "paper_out", "", "打印机缺纸，请到服务台取号")
    p.take("A")
    fake.answer(Reply(True))  # device_status ok
    fake.answer(ticket_reply())
    assert p.taken and p.taken.printed is False and p.taken.number == "A001"
    assert fake.sent[-2:] == [("device_status", {"device_kind": "printer",
                                                 "status": "paper_out", "detail": ""}),
                              ("ticket_not_printed", {"ticket": 1})]
    fake.answer_all(Reply(True))
    printer.print_result = PrintOutcome(True, "ok")
    p.reprint()
    assert fake.sent[-1] == ("reprint", {"ticket": 1})
    fake.answer(ticket_reply())
    assert len(printer.printed) == 2 and p.taken.printed is True


@pytest.mark.parametrize("code", ["outside_hours", "daily_cap_reached", "booking_used",
                                  "slot_cap_reached", "request_expired"])
def test_hub_refusals_issue_nothing_and_say_why(code: str) -> None:
    p, fake, printer, _ = make()
    p.take("A")
    fake.answer(Reply(True))
    fake.answer(Reply.failure(code, "hub words"))
    assert p.screen is Screen.MESSAGE and p.message == refusal_text(code)
    assert not printer.printed and not p.busy


@pytest.mark.parametrize("code", ["timeout", "connection_lost"])
def test_no_answer_never_says_no_ticket_and_has_the_hub_close_any_ticket(code: str) -> None:
    p, fake, printer, _ = make()
    p.take("A")
    fake.answer(Reply(True))
    key = fake.sent[-1][1]["request"]
    fake.answer(Reply.failure(code))
    assert p.screen is Screen.MESSAGE and p.message == UNSETTLED_TEXT
    assert p.message_title == UNSETTLED_TITLE != NO_TICKET_TITLE
    assert fake.sent[-1] == ("give_up_ticket", {"request": key}) and p.unsettled == [key]
    fake.answer(Reply.failure("timeout"))  # the hub is still frozen: ask again later
    p.set_online(False)
    p.tick()
    assert fake.waiting == 0 and p.unsettled == [key]
    p.set_online(True)  # back: asked again at once
    assert fake.sent[-1] == ("give_up_ticket", {"request": key})
    fake.answer(Reply(True, data={"ticket": None}))
    assert p.unsettled == [] and not printer.printed
    p.tick()
    assert fake.waiting == 0


def test_unknown_refusal_shows_the_hubs_message() -> None:
    assert refusal_text("something_new", "hub words") == "hub words"


def test_hub_down_pauses_and_coming_back_resumes() -> None:
    p, fake, printer, _ = make()
    p.set_online(False)
    p.take("A")
    assert p.message == PAUSED_TEXT and fake.sent == [] and printer.checks == 0
    p.set_online(True)
    p.back()
    p.take("A")
    assert plain(fake.sent[-1]) == ("take_ticket", {"service": "A"})


def test_closed_capped_and_unserved_services_show_why() -> None:
    closed = _hall(hours=(TimeRange(time(14, 0), time(17, 0)),))
    state = HallState()
    views = {v.id: v for v in service_views(closed, state, time(10, 0))}
    assert "14:00-17:00" in views["D"].reason and views["A"].available
    capped = _hall(daily_cap=1)
    state.issued["D"] = 1
    assert {v.id: v for v in service_views(capped, state, time(10, 0))}["D"].reason
    p, fake, _, _ = make(closed)
    p.take("D")
    assert p.screen is Screen.MESSAGE and "14:00" in p.message and fake.sent == []


def test_a_zone_button_says_when_its_services_are_closed() -> None:
    from kiosk.translations.english import ENGLISH

    def english(text: str) -> str:
        return ENGLISH.get(text, text)

    afternoon = (TimeRange(time(14, 0), time(17, 0)),)
    hall = _hall(hours=afternoon)  # social: B, C open, D closed at 10:00
    p, _, _, _ = make(hall)
    assert [(z.id, z.note()) for z in p.zones()] == [("tax", None), ("social", None)]
    services = tuple(replace(s, hours=afternoon) if s.id == "B" else s
                     for s in hall.services)
    p, _, _, _ = make(replace(hall, services=services))
    social = p.zones()[1]
    assert social.note() == "现在仅 1/3 项业务可取号"
    assert social.note(english) == "Only 1 of 3 services issue tickets now"
    services = tuple(replace(s, hours=afternoon) if s.zone == "social" else s
                     for s in hall.services)
    p, _, _, _ = make(replace(hall, services=services))
    social = p.zones()[1]
    assert social.note() == "现在不取号（取号时间 14:00-17:00）"  # the one reason
    assert social.note(english) == "no tickets now (tickets 14:00-17:00)"
    services = tuple(replace(s, hours=afternoon) if s.id in "BD" else
                     replace(s, daily_cap=0) if s.id == "C" else s for s in hall.services)
    p, _, _, _ = make(replace(hall, services=services))
    assert p.zones()[1].note() == "本区业务现在都不能取号"
    assert p.zones()[1].note(english) == "No service here issues tickets now"


def test_priority_booking_and_scanner_paths() -> None:
    p, fake, _, _ = make()
    p.start_priority()
    assert p.screen is Screen.HOME and p.priority
    p.open_zone("social")
    p.take("B")
    assert plain(fake.sent[-1]) == ("take_ticket", {"service": "B", "priority": True})
    fake.answer(Reply(True))
    fake.answer(ticket_reply("B001"))
    p.back()
    p.start_booking()
    for c in "12a":
        p.key(c)
    p.backspace()
    p.key("9")
    p.submit_booking()
    assert fake.sent[-1] == ("check_booking", {"booking": "129"})
    fake.answer(Reply(True, data={"used": False}))
    assert p.booking == "129" and p.screen is Screen.HOME
    p.take("A")
    assert plain(fake.sent[-1]) == ("take_ticket", {"service": "A", "booking": "129"})
    fake.answer(ticket_reply("A001", 2))
    p.back()
    for c in "WX-2026\n":
        p.scanned(c)
    fake.answer(Reply(True, data={"used": False}))
    assert p.booking == "WX-2026"


def test_a_used_booking_code_is_refused_as_soon_as_it_is_entered() -> None:
    p, fake, printer, _ = make()
    p.start_booking()
    for c in "BK7":
        p.key(c)
    p.submit_booking()
    fake.answer(Reply(True, data={"used": True}))
    assert p.screen is Screen.MESSAGE and p.message == refusal_text("booking_used")
    assert p.booking is None and printer.checks == 0  # no zone, no service asked for


def test_offline_every_way_to_take_a_ticket_says_so_and_sends_nothing() -> None:
    p, fake, printer, _ = make()
    p.set_online(False)
    for action in (p.start_priority, p.start_booking, lambda: p.open_zone("tax"),
                   lambda: p.take("A")):
        p.back()
        action()
        assert p.screen is Screen.MESSAGE and p.message == PAUSED_TEXT
    assert fake.sent == [] and printer.checks == 0
    assert p.offline_text == PAUSED_TEXT


def test_a_kiosk_that_never_reached_the_hub_names_the_hall_from_its_station_file() -> None:
    empty = HallConfig.from_public({"hall": {"name": ""}})  # the replica before a welcome
    fake, printer = FakeRequester(), FakePrinter()
    p = KioskPresenter(lambda: empty, HallState, fake, printer, clock=lambda: TEN_AM,
                       settings=KioskSettings(hall_name="东乡区政务服务中心"))
    assert p.hall_name == ("东乡区政务服务中心", "") and p.never_reached
    assert p.offline_text == NEVER_REACHED_TEXT and p.zones() == []


def test_the_next_person_gets_the_halls_defaults() -> None:
    p, fake, _, mono = make()
    p.toggle_english()
    p.toggle_elderly()
    p.bigger_text()
    p.open_zone("tax")
    p.take("A")
    fake.answer(Reply(True))
    fake.answer(ticket_reply())
    p.back()  # 完成，返回首页 after a ticket
    assert (p.english, p.elderly, p.text_dp) == (False, False, 22)
    p.toggle_english()
    p.toggle_elderly()
    mono.t += 181
    p.tick()  # the idle screen
    assert p.screen is Screen.IDLE and (p.english, p.elderly) == (False, False)
    p.touch()  # a touch anywhere wakes it
    assert p.screen is Screen.HOME
    elderly_hall, _, _, _ = make(settings=KioskSettings(elderly_default=True))
    elderly_hall.toggle_elderly()
    elderly_hall._go_idle()
    assert elderly_hall.elderly and elderly_hall.text_dp == 27


def test_more_time_prompt_counts_down() -> None:
    p, _, _, mono = make(settings=KioskSettings(more_time_s=30))
    p.toggle_elderly()
    p.open_zone("tax")
    mono.t += 61
    p.tick()
    assert p.asking_more_time and p.more_time_left == 30
    mono.t += 10
    p.tick()
    assert p.asking_more_time and p.more_time_left == 20


def test_priority_and_booking_tickets_are_marked_and_english_prints_both() -> None:
    p, fake, printer, _ = make()
    p.start_priority()
    p.open_zone("social")
    p.toggle_english()
    p.take("D")
    fake.answer(Reply(True))
    reply = ticket_reply("D001")
    reply.data["ticket"]["priority"] = True
    fake.answer(reply)
    assert p.taken is not None and p.taken.mark == "优先"
    content = printer.printed[-1]
    assert content.mark == "优先" and content.english
    assert content.service_name_en == "Housing fund"


def test_zero_wait_says_no_wait() -> None:
    assert wait_words(0) == "无需等候" and wait_words(None) == "无需等候"
    assert wait_words(12) == "约 12 分钟" and wait_words(3, english) == "about 3 min"


def test_id_card_sends_only_a_salted_hash() -> None:
    assert valid_id_number(ID) and not valid_id_number("110105194912310021")
    p, fake, _, _ = make()
    for c in ID + "\n":
        p.scanned(c)
    assert p.screen is Screen.HOME and p.person == person_hash(ID, "hall-salt")
    p.take("A")
    sent = fake.sent[-1][1]
    assert sent["person"] != ID and ID not in repr(fake.sent)
    p2, _, _, _ = make(settings=KioskSettings())
    p2.id_card(ID)
    assert p2.screen is Screen.MESSAGE  # no salt: the reader is off


def test_idle_timeouts_and_elderly_more_time() -> None:
    p, _, _, mono = make()
    p.open_zone("tax")
    mono.t = 61
    p.tick()
    assert p.screen is Screen.HOME
    mono.t = 61 + 181
    p.tick()
    assert p.screen is Screen.IDLE
    p.wake()
    p.toggle_elderly()
    assert p.elderly and p.text_dp >= 26
    p.open_zone("tax")
    mono.t += 61
    p.tick()
    assert p.asking_more_time and p.screen is Screen.SERVICES  # asks, does not leave
    p.more_time()
    assert not p.asking_more_time
    mono.t += 61
    p.tick()
    mono.t += 31
    p.tick()
    assert p.screen is Screen.HOME  # nobody answered: the citizen has gone
    p.bigger_text()
    assert p.text_dp == 30


def test_an_exception_goes_home_instead_of_crashing() -> None:
    p, _fake, printer, _ = make()

    def broken() -> PrinterCheck:
        raise RuntimeError("boom")

    printer.check = broken  # type: ignore[method-assign]
    p.open_zone("tax")
    p.take("A")  # the check's error is an outcome: a plain message
    assert p.screen is Screen.MESSAGE and not p.busy
    p._state = lambda: 1 / 0  # type: ignore[assignment,return-value,misc]
    p.back()
    p.take("A")
    assert p.screen is Screen.HOME and not p.busy


def test_settings_from_the_station_file() -> None:
    s = kiosk_settings({"notice": "今日办理", "elderly_default": True, "after_take_s": 15},
                       environ={"JIAOHAO_ID_SALT": "s1"})
    assert s.notice == "今日办理" and s.elderly_default and s.after_take_s == 15
    assert s.id_salt == "s1"
    with pytest.raises(ValueError, match="unknown"):
        kiosk_settings({"colour": "red"})
    with pytest.raises(ValueError, match="after_take_s"):
        kiosk_settings({"after_take_s": "long"})


def test_the_station_file_may_name_the_hall_and_the_give_up_time() -> None:
    settings = kiosk_settings({"hall_name": "东乡区政务服务中心", "give_up_s": 5})
    assert settings.hall_name == "东乡区政务服务中心" and settings.give_up_s == 5.0
    with pytest.raises(ValueError, match="hall_name"):
        kiosk_settings({"hall_name": 7})


@pytest.mark.parametrize("code", ["timeout", "connection_lost"])
def test_no_message_contradicts_its_heading(code: str) -> None:
    p, fake, _, _ = make()
    p.id_card(ID)
    p.reprint_lost()  # a reprint that gets no answer: nothing came out, and it says so
    fake.answer(Reply.failure(code))
    assert p.message_title == NO_TICKET_TITLE
    assert "未能确认" not in p.message and "是否" not in p.message
