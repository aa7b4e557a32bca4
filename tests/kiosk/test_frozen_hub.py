"""A frozen hub never leaves a ticket nobody holds (issue 18, finding 1).

A real ``jiaohao hub`` in a process of its own, the real kiosk (bridge, replica,
presenter, window) and the virtual printer. The hub is stopped with SIGSTOP while a
citizen touches a service, stays stopped past the kiosk's timeout, then continues
(SIGCONT). The kiosk must not say 没有出号 while the ticket may exist, and afterwards
the hub holds no waiting ticket that no citizen has in hand: either the late request
is refused (its give-up time passed) or the ticket it issued is closed when the
kiosk gives it up.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel
from websockets.sync.client import connect

from kiosk.app import Kiosk, build_kiosk
from kiosk.model import Screen
from kiosk.presenter import NO_TICKET_TITLE, KioskSettings
from kiosk.printing import TicketPrinter
from printer.profile import load_printer_profile
from printer.virtual import VirtualPrinter
from qtkit.bridge import HubBridge
from tests.conftest import TIMEOUT_S, RunningClock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP/SIGCONT")

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = int(TIMEOUT_S * 1000)
#: The kiosk's wait for an answer in these tests (the hall's default is 10 s).
ANSWER_S = 2.0

HALL = """
[hall]
name = "冻结测试大厅"

[[zone]]
id = "main"
name = "综合服务区"

[[service]]
id = "A"
name = "综合业务"
zone = "main"

[[window]]
number = 1
name = "1号窗口"
services = ["A"]

[[device]]
id = "kiosk-1"
role = "kiosk"
token = "kiosk-secret"

[[device]]
id = "admin-1"
role = "admin"
token = "admin-secret"
"""


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    config = tmp_path / "hall.toml"
    config.write_text(HALL, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jiaohao", "hub", "--config", str(config),
         "--db", str(tmp_path / "queue.db"), "--port", "0"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("jiaohao hub listening on ws://"), line
        yield proc, line.rsplit(" ", 1)[1].strip()
    finally:
        os.kill(proc.pid, signal.SIGCONT)  # a failed test must not leave it stopped
        proc.terminate()
        proc.wait(TIMEOUT_S)


def open_tickets(url: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The hub's own answer, as an admin sees it: open tickets and issued counts."""
    with connect(url, open_timeout=TIMEOUT_S) as ws:
        ws.send(json.dumps({"type": "hello", "device": "admin-1", "token": "admin-secret",
                            "protocol": 1, "since": None}))
        welcome = json.loads(ws.recv(TIMEOUT_S))
    state = welcome["state"]
    return state["tickets"], state["issued"]


@pytest.fixture
def kiosk(qtbot: Any, qapp: Any, hub: tuple[subprocess.Popen[str], str]
          ) -> Iterator[Any]:
    made: list[Kiosk] = []
    printer = VirtualPrinter()

    def make(settings: KioskSettings) -> Kiosk:
        bridge = HubBridge(hub[1], "kiosk-1", "kiosk-secret", backoff_s=(0.05, 0.2),
                           request_timeout_s=ANSWER_S)
        ticket_printer = TicketPrinter(load_printer_profile("zh-80mm"), printer.connection)
        made.append(k := build_kiosk(qapp, bridge, ticket_printer, settings,
                                     clock=RunningClock()))
        qtbot.addWidget(k.window)
        k.window.resize(1080, 1920)
        k.window.show()
        with qtbot.waitSignal(k.replica.reset, timeout=WAIT_MS):
            bridge.start()
        qtbot.waitUntil(lambda: k.presenter.online, timeout=WAIT_MS)
        return k

    with printer:
        yield make, printer
        for k in made:
            k.timer.stop()
            k.bridge.stop()


def frozen_touch(qtbot: Any, k: Kiosk, proc: subprocess.Popen[str]) -> None:
    """Stop the hub, touch service A, wait out the kiosk's timeout, continue the hub."""
    w, p = k.window, k.presenter
    w.buttons["zone:main"].click()
    os.kill(proc.pid, signal.SIGSTOP)
    try:
        w.buttons["service:A"].click()
        qtbot.waitUntil(lambda: p.screen is Screen.MESSAGE, timeout=WAIT_MS)
        title = w.centralWidget().findChildren(QLabel)
        words = " ".join(label.text() for label in title)
        assert NO_TICKET_TITLE not in words and p.message_title != NO_TICKET_TITLE
        assert p.unsettled  # to be given up at the hub
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    qtbot.waitUntil(lambda: not p.unsettled, timeout=WAIT_MS)


def test_a_request_reaching_the_hub_after_its_give_up_time_issues_nothing(
    qtbot: Any, kiosk: Any, hub: tuple[subprocess.Popen[str], str]
) -> None:
    make, printer = kiosk
    k = make(KioskSettings(give_up_s=ANSWER_S / 4))  # the hub's deadline passes first
    frozen_touch(qtbot, k, hub[0])
    tickets, issued = open_tickets(hub[1])
    assert tickets == [] and issued == {}
    assert printer.jobs == []
    # The hub answers again: the next touch takes and prints one ticket.
    k.presenter.back()
    k.window.buttons["zone:main"].click()
    k.window.buttons["service:A"].click()
    qtbot.waitUntil(lambda: k.presenter.taken is not None
                    and k.presenter.taken.printed is True, timeout=WAIT_MS)
    tickets, _ = open_tickets(hub[1])
    assert [(t["number"], t["status"]) for t in tickets] == [("A001", "waiting")]


def test_a_ticket_issued_after_the_kiosk_gave_up_is_closed_not_left_waiting(
    qtbot: Any, kiosk: Any, hub: tuple[subprocess.Popen[str], str]
) -> None:
    make, printer = kiosk
    # A give-up time the hub still meets when it wakes (a kiosk whose estimate of the
    # hub's clock was off): the ticket is issued, and the kiosk's give_up closes it.
    k = make(KioskSettings(give_up_s=600))
    frozen_touch(qtbot, k, hub[0])
    tickets, issued = open_tickets(hub[1])
    assert issued == {"A": 1}  # it was issued ...
    assert [t for t in tickets if t["status"] == "waiting"] == []  # ... and nobody waits
    assert printer.jobs == []
    assert all(t.status.value != "waiting" for t in k.replica.state.tickets.values())
