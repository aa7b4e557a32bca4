"""Blocking work runs on the pool and reports back on the GUI thread."""

from __future__ import annotations

import threading
import time
from typing import Any

from qtkit.results import Outcome
from qtkit.worker import run_blocking
from tests.conftest import TIMEOUT_S

WAIT_MS = int(TIMEOUT_S * 1000)


def test_the_result_comes_back_on_the_gui_thread(qtbot: Any) -> None:
    gui = threading.get_ident()
    ran_on: list[int] = []
    done: list[tuple[Outcome, int]] = []

    def job() -> str:
        ran_on.append(threading.get_ident())
        time.sleep(0.01)  # stands for a printer being slow
        return "printed"

    run_blocking(job, lambda o: done.append((o, threading.get_ident())))
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    outcome, thread = done[0]
    assert outcome.ok and outcome.value == "printed"
    assert thread == gui and ran_on[0] != gui


def test_an_error_arrives_as_the_outcome(qtbot: Any) -> None:
    done: list[Outcome] = []

    def job() -> None:
        raise OSError("printer unplugged")

    run_blocking(job, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    assert not done[0].ok and isinstance(done[0].error, OSError)
