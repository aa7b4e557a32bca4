"""How true the promised waits were (ledger/stats.py ``forecast``, the report's accuracy
tables), on a scripted day worked out by hand."""

from __future__ import annotations

from typing import Any

from hall.config import HallConfig
from ledger.stats import Tally
from report.tables import tables
from tests.hub.engine_helpers import hall

DAY = "2026-11-02"


def _issued(tid: int, service: str, at: str, promise: tuple[int, int, int] | None
            ) -> tuple[str, str, dict[str, Any]]:
    data: dict[str, Any] = {"day": DAY, "slot": None, "ticket": {
        "id": tid, "number": f"{service}{tid:03d}", "service": service, "priority": False,
        "status": "waiting", "issued_at": f"{DAY}T{at}:00+08:00", "window": None}}
    if promise is not None:
        data["estimated_wait_min"] = promise[0]
        data["wait_range_min"] = [promise[1], promise[2]]
    return "ticket_issued", f"{DAY}T{at}:00+08:00", data


def _called(tid: int, service: str, at: str, window: int = 1, recall: int = 0
            ) -> tuple[str, str, dict[str, Any]]:
    return "ticket_called", f"{DAY}T{at}:00+08:00", {
        "ticket": {"id": tid, "number": f"{service}{tid:03d}", "service": service,
                   "priority": False, "status": "called", "issued_at": "x", "window": window},
        "window": window, "recall": recall, "staff": None}


#: A1 promised 10 [6, 15], waits 12: error 2, inside, under by more than a minute.
#: A2 promised 20 [14, 28], waits 30: error 10, outside, under. (Its recall counts nothing.)
#: A3 promised 5 [3, 8], waits 4: error 1, inside, not under.
#: B4 promised 8 [5, 12], waits 8.4 (shown as 8): error 0.4, inside, not under.
#: B5 had no promise (no window served B then): not counted; waits 3.
#: B6 promised 6 [4, 9] and is never called: not counted.
SCRIPT = [
    _issued(1, "A", "09:00", (10, 6, 15)),
    _issued(2, "A", "09:00", (20, 14, 28)),
    _issued(3, "A", "09:10", (5, 3, 8)),
    _issued(4, "B", "09:20", (8, 5, 12)),
    _issued(5, "B", "09:21", None),
    _issued(6, "B", "09:22", (6, 4, 9)),
    _called(1, "A", "09:12"),
    _called(3, "A", "09:14", window=2),
    _called(5, "B", "09:24", window=3),
    ("ticket_called", f"{DAY}T09:28:24+08:00", _called(4, "B", "09:28", window=3)[2]),
    _called(2, "A", "09:30"),
    _called(2, "A", "09:31", recall=1),
]


def _config() -> HallConfig:
    return hall()


def test_the_accuracy_of_a_scripted_day() -> None:
    tally = Tally(_config()).feed_raw(SCRIPT)
    service = {k: f.to_json()["forecast"] for k, f in tally.rows["by_service"].items()}
    assert service["A"] == {"tickets": 3, "mae_min": round((2 + 10 + 1) / 3, 1),
                            "in_range": round(2 / 3, 4), "under": round(2 / 3, 4)}
    assert service["B"] == {"tickets": 1, "mae_min": 0.4, "in_range": 1.0, "under": 0.0}
    day = tally.rows["by_day"][DAY].to_json()["forecast"]
    assert day == {"tickets": 4, "mae_min": round(13.4 / 4, 1), "in_range": 0.75,
                   "under": 0.5}


def test_the_report_shows_it_per_day_and_service() -> None:
    tally = Tally(_config()).feed_raw(SCRIPT)
    stats: dict[str, Any] = {"start": DAY, "end": DAY,
                             "total": tally.total.to_json(),
                             "by_day": [{"name": DAY, **tally.rows["by_day"][DAY].to_json()}],
                             "by_service": [{"name": k, **f.to_json()}
                                            for k, f in sorted(tally.rows["by_service"].items())]}
    found = {t.key: t for t in tables(stats)}
    by_service = found["forecast_by_service"]
    assert by_service.header == ("业务", "预估票数", "平均误差(分)", "落在范围内(%)",
                                 "低估超1分钟(%)")
    assert by_service.rows == (("A", 3, 4.3, 66.7, 66.7), ("B", 1, 0.4, 100.0, 0.0))
    assert found["forecast_by_day"].rows == ((DAY, 4, 3.4, 75.0, 50.0),)


def test_a_partial_adds_up_to_the_same() -> None:
    whole = Tally(_config()).feed_raw(SCRIPT)
    first, second = Tally(_config()), Tally(_config())
    first.feed_raw(SCRIPT)
    merged = first.total.dump()
    again = type(second.total)()
    again.absorb(merged)
    assert again.to_json()["forecast"] == whole.total.to_json()["forecast"]
