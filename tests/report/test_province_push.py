"""The push to the province against a local platform that fails, times out and answers
garbage: nothing lost, nothing sent twice, the same idempotency key on every attempt,
the status in the stats answer and on the supervisor's headline, failures exported."""

from __future__ import annotations

import csv
import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hall.config import HallConfig, Staff, parse_config
from hall.config.province import ProvinceLink
from hall.protocol import (
    CallNext,
    CaseUpdate,
    Finish,
    Rate,
    Request,
    SignIn,
    Stats,
    TakeTicket,
)
from ledger import push
from ledger.queries import Reader
from ledger.store import Store
from report.province import backoff, document, push_once
from report.ratings import main as ratings_main
from supervisor.window import push_line
from tests.hub.engine_helpers import at, hall
from tests.ledger.test_stats import play


class Platform:
    """A provincial platform on a local port: each POST takes the next behaviour
    (``ok``, ``fail``, ``timeout``: acts, then answers too late; ``garbage``)."""

    def __init__(self) -> None:
        self.plan: list[str] = []
        self.seen: list[tuple[str, dict[str, Any], str]] = []  # key, document, auth
        self.taken: dict[str, dict[str, Any]] = {}  # what it stored, by key
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers["Idempotency-Key"]
                platform.seen.append((key, body, self.headers["Authorization"]))
                how = platform.plan.pop(0) if platform.plan else "ok"
                if how == "fail":
                    self._answer(500, b"internal error")
                    return
                if how == "garbage":
                    self._answer(200, b"<html>\x00\xff not json")
                    return
                platform.taken.setdefault(key, body)  # stored once per key
                if how == "timeout":
                    time.sleep(1.0)  # the pusher has given up by now
                self._answer(200, b'{"code": 0, "msg": "success"}')

            def _answer(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the pusher hung up (the timeout)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/evaluations"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def platform() -> Iterator[Platform]:
    made = Platform()
    try:
        yield made
    finally:
        made.close()


SCRIPT: list[tuple[Any, Request]] = [
    (at(9, 0), TakeTicket(id=1, service="A")),
    (at(9, 1), TakeTicket(id=2, service="A")),
    (at(9, 2), SignIn(id=3, window=1, staff="0101")),
    (at(9, 5), CallNext(id=4, window=1)),
    (at(9, 10), Finish(id=5, window=1)),
    (at(9, 11), Rate(id=6, window=1, ticket=1, score=5)),
    (at(9, 12), CallNext(id=7, window=1)),
    (at(9, 20), Finish(id=8, window=1)),
    (at(9, 21), Rate(id=9, window=1, ticket=2, score=1, reason="等候时间长",
                     comment="=HYPERLINK(\"x\")", channel="phone")),
    (at(10, 0), CaseUpdate(id=10, case=1, action="callback", text="已回访",
                           reached=True, satisfied=True)),
    (at(10, 5), CaseUpdate(id=11, case=1, action="fix", text="已约谈并改进")),
]


def province_hall(url: str) -> HallConfig:
    link = ProvinceLink(url=url, region_code="441900", hall_code="dongxiang", timeout_s=0.3)
    return dataclasses.replace(hall(staff=(Staff("0101", "张三"),)), province=link)


def outbox(tmp_path: Path, config: HallConfig) -> Store:
    store = Store.open(str(tmp_path / "q.db"))
    store.write(play(config, SCRIPT))
    return store


def test_nothing_lost_nothing_pushed_twice(tmp_path: Path, platform: Platform) -> None:
    config = province_hall(platform.url)
    store = outbox(tmp_path, config)
    db = store.db
    keys = [r["key"] for r in push.due(db, "9999", 100)]
    assert keys[:2] == ["rating-6", "rating-9"] and keys[2].startswith("case-1-")

    start = at(10, 30)
    platform.plan = ["fail", "timeout", "garbage"]
    first = push_once(db, config, "s3cret", start)
    assert (first.sent, first.failed) == (0, 3)
    status = push.status(db)
    assert (status["sent"], status["pending"], status["failing"]) == (0, 3, 3)
    assert "not JSON" in status["last_error"] or "HTTP 500" in status["last_error"]
    line = push_line(status)
    assert "待推送 3" in line and "推送失败" in line

    # The export of failures (CSV, formula-safe).
    out = tmp_path / "failed.csv"
    assert ratings_main(["failures", "--db", str(tmp_path / "q.db"), "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["key"] for r in rows] == keys and rows[0]["last_error"].startswith("HTTP 500")

    # Not due yet: backoff.
    assert backoff(1) == timedelta(seconds=30) and backoff(20) == timedelta(hours=1)
    assert push_once(db, config, "s3cret", start + timedelta(seconds=10)).sent == 0
    assert len(platform.seen) == 3

    # Due again: all three go, with the same keys.
    again = push_once(db, config, "s3cret", start + timedelta(seconds=31))
    assert (again.sent, again.failed) == (3, 0)
    assert [k for k, _, _ in platform.seen] == keys + keys
    assert all(auth == "Bearer s3cret" for _, _, auth in platform.seen)
    # The platform stored each once (the timed-out attempt's key came back the same).
    assert sorted(platform.taken) == sorted(keys)
    # Nothing pending: a later pass sends nothing.
    assert push_once(db, config, "s3cret", start + timedelta(hours=2)).sent == 0
    assert len(platform.seen) == 6
    assert push.status(db)["sent"] == 3 and push.failures(db) == []

    # The documents, as docs/province.md says.
    rating = platform.taken["rating-9"]
    assert {k: rating[k] for k in ("type", "region_code", "hall_code", "project_no",
                                   "ticket_no", "service_code", "satisfaction",
                                   "channel")} == {
        "type": "evaluation", "region_code": "441900", "hall_code": "dongxiang",
        "project_no": "2026-11-02-A002", "ticket_no": "A002", "service_code": "A",
        "satisfaction": 1, "channel": "phone"}
    assert rating["details"] == {"reason": "等候时间长", "comment": "=HYPERLINK(\"x\")"}
    case = platform.taken[keys[2]]
    assert (case["type"], case["outcome"], case["case_no"]) == ("rectification", "fixed", 1)
    assert case["details"]["callback_satisfied"] is True

    # The status reaches the supervisor through the stats answer.
    figures = Reader.answer_with(db, config, Stats(id=1, start="2026-11-02", end="2026-11-02"),
                                 date(2026, 11, 2))
    assert figures["push"]["sent"] == 3 and figures["push"]["pending"] == 0
    assert "已推送 3" in push_line(figures["push"])
    store.close()


def test_a_platform_that_is_down_loses_nothing(tmp_path: Path) -> None:
    config = province_hall("http://127.0.0.1:9/nowhere")  # nothing listens there
    store = outbox(tmp_path, config)
    result = push_once(store.db, config, "t", at(11))
    assert (result.sent, result.failed) == (0, 3)
    assert push.status(store.db)["pending"] == 3
    assert "no answer" in push.failures(store.db)[0]["last_error"]
    assert document(push.due(store.db, "9999", 1)[0], config)["idempotency_key"] == "rating-6"
    store.close()


@pytest.mark.parametrize(("table", "problem"), [
    ('url = "https://user:pw@hcp.example.gov.cn/api"\nregion_code = "441900"', "password"),
    ('url = "ftp://hcp.example.gov.cn/"\nregion_code = "441900"', "http"),
    ('url = "https://hcp.example.gov.cn/"\nregion_code = "44"', "region code"),
    ('url = "https://hcp.example.gov.cn/"\nregion_code = "441900"\ntoken = "x"', "token"),
])
def test_the_province_table_is_checked(table: str, problem: str) -> None:
    text = ('[hall]\nname = "厅"\n[[zone]]\nid = "Z"\nname = "区"\n[[service]]\nid = "A"\n'
            'name = "业务"\nzone = "Z"\n[[window]]\nnumber = 1\nservices = ["A"]\n'
            f"[province]\n{table}\n")
    from hall.config import ConfigError

    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert problem in str(info.value)


def test_the_push_command(tmp_path: Path, platform: Platform,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    hall_file = tmp_path / "hall.toml"
    hall_file.write_text(
        '[hall]\nname = "厅"\n[[zone]]\nid = "Z1"\nname = "区"\n[[service]]\nid = "A"\n'
        'name = "业务"\nzone = "Z1"\n[[window]]\nnumber = 1\nservices = ["A"]\n'
        '[[staff]]\nid = "0101"\nname = "张三"\n'
        f'[province]\nurl = "{platform.url}"\nregion_code = "441900"\n'
        'token_env = "TEST_PROVINCE_TOKEN"\n', encoding="utf-8")
    outbox(tmp_path, province_hall(platform.url)).close()
    argv = ["push", "--config", str(hall_file), "--db", str(tmp_path / "q.db"), "--once"]
    monkeypatch.delenv("TEST_PROVINCE_TOKEN", raising=False)
    assert ratings_main(argv) == 2  # no credential: nothing sent
    assert platform.seen == []
    monkeypatch.setenv("TEST_PROVINCE_TOKEN", "from-the-environment")
    assert ratings_main(argv) == 0
    assert len(platform.seen) == 3 and platform.seen[0][2] == "Bearer from-the-environment"
    assert ratings_main(argv) == 0 and len(platform.seen) == 3  # all sent: nothing again
