"""`jiaohao plan`: Erlang C against the real engine on simulated time, and the plan's files."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from hall.errors import ProtocolError
from hall.payloads import RESULTS
from hall.protocol import CallNext, SignIn, StoreQuery, TakeTicket, parse_request
from hall.staffing import staffing
from hub.engine import Engine
from ledger.plan import demand
from ledger.queries import Reader
from ledger.store import Store
from report.plan import plan, simulated_level
from report.plan_cli import main
from tests.hub.engine_helpers import hall, service, window

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("windows", "rho"), [(2, 0.6), (2, 0.8), (4, 0.7), (4, 0.85)])
def test_erlang_c_within_five_points_of_the_simulated_engine(windows: int, rho: float) -> None:
    mean = 5.0
    rate = rho * windows / mean
    sim = simulated_level(windows, rate, mean, target_min=5.0, hours=48, seeds=4)
    # the prediction for the load that came (a simulation's own arrivals and service
    # times wander around the asked ones, and near saturation that moves the answer)
    predicted = staffing(windows, sim.arrivals_per_min, sim.mean_min, 5.0).service_level
    assert abs(predicted - sim.service_level) <= 0.05, (predicted, sim)


def _history(path: Path) -> None:
    """Two Mondays of a hall: 20 an hour for A (zone Z1) 09:00–10:00, 6 minutes each."""
    config = hall(services=[service("A"), service("C", zone="Z2")],
                  windows=[window(1, "A"), window(2, "A"), window(3, "C")])
    store = Store.open(str(path))
    engine = Engine(config)
    for monday in (date(2026, 11, 16), date(2026, 11, 23)):
        start = datetime(monday.year, monday.month, monday.day, 9, 0, tzinfo=TZ)
        store.write(engine.tick(start))  # the week before closes
        for n in (1, 2, 3):
            if engine.state.window(n).staff is None:
                store.write(engine.execute(SignIn(id=1, window=n, staff=f"00{n}"),
                                           start).events)
        for i in range(20):
            now = start + timedelta(minutes=3 * i)
            store.write(engine.execute(TakeTicket(id=1, service="A"), now).events)
            if i % 5 == 0:
                store.write(engine.execute(TakeTicket(id=1, service="C"), now).events)
        for i in range(20):
            now = start + timedelta(minutes=6 * (i + 1))
            store.write(engine.execute(CallNext(id=1, window=1 + i % 2), now).events)
    store.close()


def test_the_plan_from_the_ledger(tmp_path: Path) -> None:
    db = tmp_path / "queue.db"
    _history(db)
    config = hall(services=[service("A"), service("C", zone="Z2")],
                  windows=[window(1, "A"), window(2, "A"), window(3, "C")])
    store = Store.open(str(db))
    found = demand(store.db, date(2026, 11, 30), weeks=4)
    store.close()
    assert found.days == {0: 2}
    assert found.arrivals[0]["A"] == {"09:00": 10.0, "09:30": 10.0}
    rows = plan(config, found, 0, target_min=15, share=0.8)
    a = [r for r in rows if r.zone == "Z1"]
    assert [r.slot for r in a] == ["09:00", "09:30"]
    assert a[0].arrivals_per_hour == 20.0 and all(r.service_level >= 0.8 for r in a)
    assert all(r.windows >= 1 for r in rows)


def test_the_plan_command_writes_xlsx_pdf_and_json(tmp_path: Path) -> None:
    db = tmp_path / "queue.db"
    _history(db)
    toml = tmp_path / "hall.toml"
    toml.write_text(
        '[hall]\nname = "测试大厅"\ntimezone = "Asia/Shanghai"\n'
        '[[zone]]\nid = "Z1"\nname = "一区"\n[[zone]]\nid = "Z2"\nname = "二区"\n'
        '[[service]]\nid = "A"\nname = "业务A"\nzone = "Z1"\n'
        '[[service]]\nid = "C"\nname = "业务C"\nzone = "Z2"\n'
        '[[window]]\nnumber = 1\nname = "1号窗口"\nservices = ["A"]\n'
        '[[window]]\nnumber = 3\nname = "3号窗口"\nservices = ["C"]\n'
        '[[device]]\nid = "k"\nrole = "kiosk"\ntoken = "kiosk-token-long-enough-1234"\n',
        encoding="utf-8")
    out = tmp_path / "out"
    # the history's Mondays are the two before 30 November, whatever day the test runs
    assert main(["--config", str(toml), "--db", str(db), "--weekday", "1", "--weeks", "4",
                 "--as-of", "2026-11-30", "--what-if", "Z1:1@09:15", "--check",
                 "--out", str(out)]) == 0
    data = json.loads((out / "plan-周一.json").read_text(encoding="utf-8"))
    assert data["what_if"][0]["windows"] == 1 and data["what_if"][0]["at"] == "09:00"
    assert data["check"] and 0 <= data["check"][0]["simulated"] <= 1
    book = load_workbook(out / "plan-周一.xlsx")
    assert book.sheetnames[0] == "各区域每半小时所需窗口"
    assert (out / "plan-周一.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(SystemExit):
        main(["--config", str(toml), "--db", str(db), "--as-of", "2026-11-31", "--out", str(out)])


def test_the_plan_read_answers_as_jiaohao_plan_does(tmp_path: Path) -> None:
    """The supervisor's ``plan`` read, answered beside the writer like ``stats``: the same
    rows as the command, in a typed payload; bad parameters are a bad request."""
    db = tmp_path / "queue.db"
    _history(db)
    config = hall(services=[service("A"), service("C", zone="Z2")],
                  windows=[window(1, "A"), window(2, "A"), window(3, "C")])
    request = parse_request({"type": "plan", "id": 7, "weeks": 4, "weekday": 1,
                             "target_min": 15, "target_percent": 80})
    assert isinstance(request, StoreQuery)
    store = Store.open(str(db))
    data = Reader.answer_with(store.db, config, request, date(2026, 11, 30))
    rows = plan(config, demand(store.db, date(2026, 11, 30), weeks=4), 0, 15, 0.8)
    store.close()
    assert RESULTS["plan"].parse(data).to_json() == data
    assert data["weekday"] == 1 and data["days"] == 2 and data["target_percent"] == 80
    assert data["rows"] == [asdict(r) for r in rows] and rows
    today = parse_request({"type": "plan", "id": 8})  # today's weekday: a Monday
    store = Store.open(str(db))
    assert Reader.answer_with(store.db, config, today, date(2026, 11, 30))["rows"] == data["rows"]
    store.close()
    for bad in ({"weeks": 0}, {"weeks": 27}, {"weekday": 0}, {"target_min": 0},
                {"target_percent": 100}, {"target_percent": 0.8}):
        with pytest.raises(ProtocolError):
            parse_request({"type": "plan", "id": 9, **bad})
