"""The day's report: waits, service times, no-shows and satisfaction from the store."""

from __future__ import annotations

from datetime import timedelta

from hall.protocol import CallNext, Finish, Rate, Skip, TakeTicket
from hub.engine import Engine
from hub.report import day_report, report_markdown
from ledger.store import Store
from tests.hub.engine_helpers import at, hall


def test_day_report_counts_what_happened() -> None:
    config = hall()
    engine = Engine(config)
    store = Store.open(":memory:")
    start = at(9)

    def run(request: object, minutes: float) -> None:
        store.write(engine.execute(request, start + timedelta(minutes=minutes)).events)  # type: ignore[arg-type]

    run(TakeTicket(id=1, service="A"), 0)
    run(TakeTicket(id=2, service="A"), 1)
    run(TakeTicket(id=3, service="A"), 2)
    run(CallNext(id=4, window=1), 10)  # A001 waited 10 min
    run(Rate(id=5, window=1, ticket=1, score=5), 14)
    run(Finish(id=6, window=1), 16)  # served 6 min
    run(CallNext(id=7, window=1), 20)  # A002 waited 19 min
    run(Skip(id=8, window=1), 22)  # no-show
    run(CallNext(id=9, window=1), 24)  # A003 waited 22 min
    run(Rate(id=10, window=1, ticket=3, score=1), 25)  # 差评
    run(Finish(id=11, window=1), 28)

    report = day_report(store.db, config, engine.state.day)
    whole = report["hall"]
    assert (whole["issued"], whole["served"], whole["no_show"], whole["open"]) == (3, 2, 1, 0)
    assert whole["average_wait_min"] == round((10 + 19 + 22) / 3, 1)
    assert whole["average_service_min"] == round((6 + 4) / 2, 1)
    assert (whole["ratings"], whole["satisfaction"], whole["bad_ratings"]) == (2, 0.5, 1)
    assert [s["key"] for s in report["services"]] == ["A"]
    assert report["windows"][0]["served"] == 2
    page = report_markdown(report)
    assert "日通报" in page and "50.0%" in page
