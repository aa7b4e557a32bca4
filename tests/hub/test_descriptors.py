"""File descriptors: the socket budget, and a hub out of descriptors that neither
floods its log nor stops serving once the flood ends (hub/fdlimit.py)."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hub.fdlimit import RESERVED_FDS, AcceptFailures, socket_budget
from hub.ratelimit import QuietLog
from tests.conftest import TIMEOUT_S
from tests.hub.test_cli import HALL, ROOT, get_json


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Loop:
    """The one method of an event loop the handler may call."""

    def __init__(self) -> None:
        self.defaulted: list[dict[str, Any]] = []

    def default_exception_handler(self, context: dict[str, Any]) -> None:
        self.defaulted.append(context)


def accept_failed() -> dict[str, Any]:
    return {"message": "socket.accept() out of system resource",
            "exception": OSError(24, "Too many open files")}


def test_socket_budget_keeps_a_reserve() -> None:
    assert socket_budget(None) is None
    assert socket_budget(8192) == 8192 - RESERVED_FDS
    assert socket_budget(256) == 128  # half of a small limit
    assert socket_budget(10) == 16  # never below the floor


def test_a_recurring_warning_is_logged_once_per_interval_with_a_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    quiet = QuietLog(logging.getLogger("test.quiet"), 10.0, clock)
    with caplog.at_level(logging.WARNING, "test.quiet"):
        for _ in range(500):
            quiet.warning("a", "refused %s", "x")
        quiet.warning("b", "another kind")
        clock.now += 10
        quiet.warning("a", "refused %s", "y")
    assert [r.getMessage() for r in caplog.records] == [
        "refused x", "another kind", "refused y (and 499 more like it in the last 10 s)"]


def test_accept_failures_become_one_warning_and_their_retries_are_quiet(
    caplog: pytest.LogCaptureFixture,
) -> None:
    loop, clock = Loop(), Clock()
    handler = AcceptFailures(10.0, clock)
    other = {"message": "Task exception was never retrieved"}
    retry = {"message": "Exception in callback", "handle": "<TimerHandle "
             "BaseSelectorEventLoop._start_serving(...)>", "exception": OSError(9, "bad fd")}
    with caplog.at_level(logging.DEBUG, "hub.fdlimit"):
        handler(loop, retry)  # type: ignore[arg-type]  # before any failure: not ours to hide
        for _ in range(2000):
            handler(loop, accept_failed())  # type: ignore[arg-type]
        handler(loop, retry)  # type: ignore[arg-type]
        handler(loop, other)  # type: ignore[arg-type]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "out of file descriptors" in warnings[0].getMessage()
    assert handler.total == 2000
    assert loop.defaulted == [retry, other]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="open-files limits are POSIX")
async def test_a_connection_flood_past_the_descriptor_limit_neither_floods_the_log_nor_kills(
    tmp_path: Path,
) -> None:
    """A hub with a 256-file limit and 700 raw TCP connections opened at it: it turns
    the excess away, logs a few lines, and serves again once they are gone."""
    import resource

    config = tmp_path / "hall.toml"
    config.write_text(HALL, encoding="utf-8")
    errors = tmp_path / "hub.log"

    def small_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

    with errors.open("w") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jiaohao", "hub", "--config", str(config),
             "--db", str(tmp_path / "queue.db"), "--port", "0"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=log_file, preexec_fn=small_limit)
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), TIMEOUT_S)
        port = int(line.decode().rsplit(":", 1)[1])

        def flood() -> list[socket.socket]:
            held = []
            for _ in range(700):
                try:
                    held.append(socket.create_connection(("127.0.0.1", port), timeout=0.5))
                except OSError:
                    pass  # the listen backlog is full while the hub turns them away
            return held

        held = await asyncio.to_thread(flood)
        assert len(held) > 256  # more than the hub could ever hold at once
        for sock in held:
            sock.close()

        def healthy() -> bool:
            try:
                return get_json(f"http://127.0.0.1:{port}/healthz")[2]["status"] == "ok"
            except OSError:
                return False

        deadline = asyncio.get_running_loop().time() + TIMEOUT_S
        while not await asyncio.to_thread(healthy):
            assert asyncio.get_running_loop().time() < deadline, "the hub did not recover"
            await asyncio.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(TIMEOUT_S)
    lines = errors.read_text(encoding="utf-8").splitlines()
    assert "Traceback (most recent call last):" not in lines
    assert len(lines) < 20, lines
    assert any("max_sockets" in line for line in lines)
