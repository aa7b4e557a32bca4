"""The smaller holes of the second hardening round, each closed: dates the hub or a
command cannot use, command-line tracebacks, a cache file beside a non-database, events
filed under day '' on a fresh database, the per-address table past 10,000 addresses, a
token on the command line, and secret-holding files readable by other users."""

from __future__ import annotations

import logging
import os
import stat
from datetime import date
from pathlib import Path

import pytest

from hall.protocol import ClerkSignedIn, Event, Stats, TicketHistory, calendar_date, parse_request
from jiaohao.cli import main as jiaohao_main
from ledger.stats import hall_stats
from ledger.store import Store
from report.cli import main as report_main
from report.ratings import main as ratings_main
from tests.hub.engine_helpers import at
from tests.report.test_report import HALL_TOML

POSIX = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


@pytest.mark.parametrize("text", ["9999-12-31", "2026-W01-1", "20260102", "2026-1-2",
                                  "1999-12-31", "2200-01-01", "２０２６-01-02", ""])
def test_dates_the_hub_cannot_use_are_refused_as_bad_requests(text: str) -> None:
    with pytest.raises(ValueError):
        calendar_date(text)
    for obj in ({"type": "stats", "id": 1, "start": text},
                {"type": "ticket_history", "id": 1, "number": "A001", "day": text}):
        with pytest.raises(Exception) as refused:
            parse_request(obj)
        assert getattr(refused.value, "code", "") == "bad_request"
    assert parse_request({"type": "stats", "id": 1, "start": "2026-01-02"}) == Stats(
        id=1, start="2026-01-02")
    assert isinstance(parse_request({"type": "ticket_history", "id": 1, "number": "A001",
                                     "day": "2199-12-31"}), TicketHistory)


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "queue.db"
    Store.open(str(path)).close()
    return path


def test_commands_refuse_impossible_dates_without_a_traceback(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "hall.toml"
    config.write_text(HALL_TOML, encoding="utf-8")
    for argv in (["--day", "9999-12-31"], ["--from", "2026-01-01", "--to", "9999-12-31"]):
        with pytest.raises(SystemExit) as done:
            report_main(["--config", str(config), "--db", str(db_file), *argv,
                         "--out", str(tmp_path / "out")])
        assert done.value.code == 2
    for argv in (["--from", "9999-12-31", "--to", "9999-12-31"],
                 ["--from", "2026-01-01", "--to", "9999-12-31"]):
        with pytest.raises(SystemExit) as done:
            ratings_main(["export", "--db", str(db_file), *argv, "--out",
                          str(tmp_path / "r.csv")])
        assert done.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_out_at_a_folder_a_file_or_nowhere_is_a_clear_answer(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "hall.toml"
    config.write_text(HALL_TOML, encoding="utf-8")
    export = ["export", "--db", str(db_file), "--from", "2026-01-01", "--to", "2026-01-02"]
    assert ratings_main([*export, "--out", str(tmp_path)]) == 2
    assert ratings_main([*export, "--out", str(tmp_path / "missing" / "r.csv")]) == 2
    report = ["--config", str(config), "--db", str(db_file), "--day", "2026-01-02"]
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert report_main([*report, "--out", str(a_file)]) == 2
    assert report_main([*report, "--out", str(tmp_path / "new" / "folder"),
                        "--formats", "json"]) == 0  # a missing folder is made
    err = capsys.readouterr().err
    assert "is a folder" in err and "no folder" in err and "is a file" in err
    assert "Traceback" not in err


def test_report_on_a_file_that_is_not_a_database_leaves_nothing_beside_it(
    tmp_path: Path,
) -> None:
    config = tmp_path / "hall.toml"
    config.write_text(HALL_TOML, encoding="utf-8")
    system_file = tmp_path / "passwd"
    system_file.write_text("root:x:0:0:root:/root:/bin/bash\n")
    assert report_main(["--config", str(config), "--db", str(system_file), "--day",
                        "2026-01-02", "--out", str(tmp_path / "out")]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hall.toml", "passwd"]


def test_events_before_a_fresh_databases_first_ticket_are_filed_under_their_day(
    tmp_path: Path,
) -> None:
    """A clerk signed in at 8:00 on a fresh database, before the first ticket: the
    event was filed under day '' and that day's sign-ins never counted."""
    import dataclasses

    from hall.config import Staff
    from hall.protocol import SignIn
    from hub.engine import Engine
    from tests.hub.test_cases import config as hall_config

    config = dataclasses.replace(hall_config(), staff=(Staff("0101", "张三"),))
    engine = Engine(config)
    signed = engine.execute(SignIn(id=1, window=1, staff="0101"), at(8, 0, day=5)).events
    assert isinstance(signed[0], Event) and isinstance(signed[0].payload, ClerkSignedIn)
    store = Store.open(str(tmp_path / "q.db"), day_starts=config.hall.day_starts)
    store.write(signed)  # before any ticket: the day is not known from a ticket yet
    assert [r[0] for r in store.db.execute("SELECT day FROM events")] == ["2026-11-05"]
    figures = hall_stats(store.db, config, date(2026, 11, 5), date(2026, 11, 5))
    [clerk] = figures["by_clerk"]
    assert clerk["key"] == "0101" and clerk["attendance"]["sessions"] == 1
    store.close()


def test_the_public_address_table_forgets_the_oldest_in_constant_time() -> None:
    from hub.public import MAX_ADDRESSES
    from hub.ratelimit import BoundedTable

    table: BoundedTable[int] = BoundedTable(MAX_ADDRESSES)
    for i in range(MAX_ADDRESSES + 5):
        table.put(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", i)
    assert len(table) == MAX_ADDRESSES
    assert table.get("10.0.0.0") is None and table.get("10.0.0.5") == 5


def test_a_token_on_the_command_line_is_refused_and_never_echoed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for argv in (["kiosk", "--token", "s3cret-token"], ["caller", "--token=s3cret-token"],
                 ["devices", "serve", "--token", "s3cret-token"],
                 ["voice", "station", "--token", "s3cret-token"]):
        assert jiaohao_main(argv) == 2
    err = capsys.readouterr().err
    assert "s3cret-token" not in err and "JIAOHAO_TOKEN" in err


@POSIX
def test_a_station_file_with_a_token_readable_by_others_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    from qtkit.station import load_station

    path = tmp_path / "station.toml"
    path.write_text('[station]\nhub = "ws://hub:8765"\ndevice = "kiosk-1"\n'
                    'token = "kiosk-secret"\n', encoding="utf-8")
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        load_station(path, environ={})
    assert "chmod o-r" in caplog.text and "0644" in caplog.text
    caplog.clear()
    path.chmod(0o640)  # the service's group may read it (root:jiaohao 0640)
    with caplog.at_level(logging.WARNING):
        load_station(path, environ={})
    assert "chmod" not in caplog.text


@POSIX
def test_a_new_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "queue.db"
        store = Store.open(str(path))
        store.write([])
        store.secret("ticket_links")
        store.close()
    finally:
        os.umask(old)
    for file in tmp_path.iterdir():
        assert stat.S_IMODE(file.stat().st_mode) & 0o077 == 0, file.name
