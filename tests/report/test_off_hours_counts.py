"""延时错时: extended hours (午间不间断, 早晚弹性), appointment-only hours and a rest day's
不打烊 hours, judged by the one rulebook (hall/rules.py) for the hub and the kiosk, and
their tickets counted as 延时 / 错时 against days worked out by hand in the statistics,
`jiaohao report` (PDF, XLSX, CSV) and the supervisor's headline."""

from __future__ import annotations

import csv
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from hall import errors
from hall.config import HallConfig
from hall.protocol import Event, TakeTicket
from hall.rules import Closed, Period, period, refusal, rest_day
from hall.state import HallState
from hub.engine import Engine
from kiosk.model import service_views
from ledger.stats import hall_stats
from ledger.store import Store
from report.cli import write_report
from tests.hub.engine_helpers import at, hall, service, span


def hours_hall() -> HallConfig:
    """A: regular 09:00-12:00 and 13:30-17:00; 延时 12:00-13:30 (午间不间断) and
    17:00-18:30 (傍晚弹性); appointment-only 08:00-09:00; on rest days 09:00-12:00."""
    a = service("A", hours=(span("09:00", "12:00"), span("13:30", "17:00")),
                extended_hours=(span("12:00", "13:30"), span("17:00", "18:30")),
                appointment_hours=(span("08:00", "09:00"),),
                rest_day_hours=(span("09:00", "12:00"),))
    return hall(services=(a, service("B"), service("C", zone="Z2")))


def test_the_rulebook_knows_each_period() -> None:
    config = hours_hall()
    a = config.service("A")
    assert a is not None
    assert [period(a, time(h, m)) for h, m in ((8, 30), (10, 0), (12, 30), (17, 30),
                                               (19, 0))] == [
        Period.OFF_HOURS, Period.REGULAR, Period.EXTENDED, Period.EXTENDED, None]
    assert period(a, time(10), resting=True) is Period.OFF_HOURS
    assert period(a, time(13), resting=True) is None
    assert rest_day(config, date(2026, 11, 7)) and not rest_day(config, date(2026, 11, 2))
    state = HallState()
    walk_in = refusal(config, state, a, time(8, 30), booked=False)
    assert walk_in is not None and walk_in.why is Closed.BOOKING_ONLY
    assert walk_in.hours == "08:00-09:00"
    assert refusal(config, state, a, time(8, 30), booked=True) is None
    late = refusal(config, state, a, time(19))
    assert late is not None and late.hours == (
        "08:00-09:00、09:00-12:00、12:00-13:30、13:30-17:00、17:00-18:30")
    # The kiosk greys out the same: a walk-in at 08:30 is told 仅限预约, a booking is not.
    monday = at(8, 30)
    views = {v.id: v for v in service_views(config, state, time(8, 30), monday)}
    assert views["A"].why is not None and "仅限预约" in views["A"].why.text()
    booked = {v.id: v for v in service_views(config, state, time(8, 30), monday, True)}
    assert booked["A"].why is None
    saturday = at(13, 0, day=7)
    closed = {v.id: v for v in service_views(config, state, time(13), saturday)}
    assert closed["A"].why is not None and "09:00-12:00" in closed["A"].why.text()


#: Monday 2 and Saturday 7 November 2026, worked out by hand: issued 5, 延时 2 (12:30,
#: 17:30), 错时 2 (the 08:30 booking, Saturday 10:00), bookings 1; refused: a walk-in
#: at 08:30 (booking_only), 19:00 (outside_hours), Saturday 13:00 (outside_hours).
SCRIPT: list[tuple[datetime, TakeTicket, type[errors.QueueError] | None]] = [
    (at(8, 30), TakeTicket(id=1, service="A"), errors.BookingOnly),
    (at(8, 30), TakeTicket(id=2, service="A", booking="BK-1"), None),
    (at(10, 0), TakeTicket(id=3, service="A"), None),
    (at(12, 30), TakeTicket(id=4, service="A"), None),
    (at(17, 30), TakeTicket(id=5, service="A"), None),
    (at(19, 0), TakeTicket(id=6, service="A"), errors.OutsideHours),
    (at(10, 0, day=7), TakeTicket(id=7, service="A"), None),
    (at(13, 0, day=7), TakeTicket(id=8, service="A"), errors.OutsideHours),
]


def played(config: HallConfig) -> list[Event]:
    engine = Engine(config)
    events: list[Event] = []
    for now, request, refused in SCRIPT:
        events += engine.tick(now)
        try:
            out = engine.execute(request, now)
        except errors.QueueError as exc:
            assert type(exc) is refused, (now, exc)
            continue
        assert refused is None, (now, request)
        events += out.events
    events += engine.tick(at(7, day=8))
    return events


def period_stats(tmp_path: Path) -> tuple[HallConfig, dict[str, Any]]:
    config = hours_hall()
    store = Store.open(str(tmp_path / "q.db"))
    store.write(played(config))
    stats = hall_stats(store.db, config, date(2026, 11, 2), date(2026, 11, 7))
    store.close()
    return config, stats


def test_the_statistics_count_延时错时_as_worked_out_by_hand(tmp_path: Path) -> None:
    _, stats = period_stats(tmp_path)
    total = stats["total"]
    assert (total["issued"], total["extended"], total["off_hours"],
            total["bookings_kept"]) == (5, 2, 2, 1)
    days = {r["key"]: r for r in stats["by_day"]}
    assert (days["2026-11-02"]["extended"], days["2026-11-02"]["off_hours"]) == (2, 1)
    assert (days["2026-11-07"]["extended"], days["2026-11-07"]["off_hours"]) == (0, 1)
    hours = {r["key"]: r for r in stats["by_hour"]}
    assert [(hours[h]["extended"], hours[h]["off_hours"]) for h in ("08", "10", "12", "17")
            ] == [(0, 1), (0, 1), (1, 0), (1, 0)]
    a = {r["key"]: r for r in stats["by_service"]}["A"]
    assert (a["extended"], a["off_hours"]) == (2, 2)


def test_the_report_and_the_supervisor_show_延时错时(
    tmp_path: Path, qapp: object, qtbot: Any,
) -> None:
    from PySide6.QtPdf import QPdfDocument

    from supervisor.model import Dashboard
    from supervisor.window import DashboardWindow

    config, stats = period_stats(tmp_path)
    written = write_report(stats, config.hall.name, tmp_path / "out", ["pdf", "xlsx", "csv"])
    by_day = next(p for p in written if p.name.endswith("-by_day.csv"))
    with by_day.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [(r["日期"], r["延时"], r["错时"]) for r in rows] == [
        ("2026-11-02", "2", "1"), ("2026-11-07", "0", "1")]
    book = load_workbook(next(p for p in written if p.suffix == ".xlsx"))
    total = book["全厅合计"]
    head = [c.value for c in total[2]]
    first = dict(zip(head, next(total.iter_rows(min_row=3, values_only=True)), strict=True))
    assert (first["延时"], first["错时"]) == (2, 2)
    document = QPdfDocument()
    document.load(str(next(p for p in written if p.suffix == ".pdf")))
    text = "".join(document.getAllText(p).text() for p in range(document.pageCount()))
    assert "延时" in text and "错时" in text

    model = Dashboard(requester=None, clock=lambda: at(9))  # type: ignore[arg-type]
    window = DashboardWindow(model)
    qtbot.addWidget(window)
    model.figures = stats
    window.redraw()
    assert "延时 2　错时 2" in window.headline.text()


def test_config_checks_the_new_hours() -> None:
    from hall.config import ConfigError, parse_config

    text = ('[hall]\nname = "厅"\n[[zone]]\nid = "Z"\nname = "区"\n[[service]]\nid = "A"\n'
            'name = "业务"\nzone = "Z"\nhours = ["09:00-12:00"]\n'
            'extended_hours = ["11:30-13:30"]\nappointment_hours = ["08:00-09:00"]\n'
            'rest_day_hours = ["09:00-12:00"]\n[[window]]\nnumber = 1\nservices = ["A"]\n')
    try:
        parse_config(text)
    except ConfigError as exc:
        assert "extended_hours" in str(exc) and "overlaps" in str(exc)
    else:
        raise AssertionError("overlapping extended hours were accepted")
    ok = parse_config(text.replace("11:30-13:30", "12:00-13:30"))
    a = ok.service("A")
    assert a is not None and [str(h) for h in a.extended_hours] == ["12:00-13:30"]
