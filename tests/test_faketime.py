"""The environment CI runs the whole suite in at other hall times (.ci/hours, through
.ci/faketime-at): libfaketime with .ci/faketime-waits.c loaded before it. The faked wall
clock reads the hall moment in every process, and every kind of timed wait the suite's
processes use still times out (without the preload a timed lock wait never returns: its
deadline is on the faked monotonic clock, decades past the kernel's)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TIMEOUT_S

ROOT = Path(__file__).resolve().parent.parent

#: Each timed wait the suite's processes rely on, given 50 ms to time out; then the hall
#: time this process and a child of it read.
CHILD = r"""
import asyncio, queue, subprocess, sys, threading, time
from datetime import datetime
from zoneinfo import ZoneInfo

def lock():
    held = threading.Lock(); held.acquire(); assert not held.acquire(timeout=0.05)

def get():
    try:
        queue.Queue().get(timeout=0.05)
    except queue.Empty:
        return
    raise AssertionError("got from an empty queue")

def join():
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait); worker.start()
    worker.join(0.05); assert worker.is_alive(); stop.set(); worker.join()

def popen():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        child.wait(timeout=0.05)
    except subprocess.TimeoutExpired:
        child.kill(); child.wait(); return
    raise AssertionError("the sleeper ended early")

async def wait_for():
    try:
        await asyncio.wait_for(asyncio.Event().wait(), 0.05)
    except TimeoutError:
        return
    raise AssertionError("an event nobody set")

for wait in (lock, get, join, popen, lambda: time.sleep(0.05),
             lambda: threading.Event().wait(0.05), lambda: asyncio.run(wait_for())):
    wait()
hall = ZoneInfo("Asia/Shanghai")
print(datetime.now(hall).strftime("%Y-%m-%d %H"))
print(subprocess.run([sys.executable, "-c", "from datetime import datetime; "
                      "from zoneinfo import ZoneInfo; "
                      "print(datetime.now(ZoneInfo('Asia/Shanghai')).strftime('%Y-%m-%d %H'))"],
                     capture_output=True, text=True, check=True).stdout.strip())
"""


needs_faketime = pytest.mark.skipif(
    not (shutil.which("faketime") and shutil.which("cc")),
    reason="faketime and a C compiler (system-packages.txt) are not installed")


@pytest.fixture
def preload(tmp_path: Path) -> Path:
    """.ci/faketime-waits.c built as CI builds it."""
    built = tmp_path / "faketime-waits.so"
    subprocess.run([str(ROOT / ".ci" / "build-faketime-waits"), str(built)], check=True)
    return built


@needs_faketime
def test_under_faketime_the_hall_time_is_faked_and_timed_waits_time_out(preload: Path) -> None:
    # its own process group, so that a stalled child and its sleeper are killed together
    child = subprocess.Popen([str(ROOT / ".ci" / "faketime-at"), str(preload),
                              "2026-03-04 04:30:00 UTC", sys.executable, "-c", CHILD],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        out, err = child.communicate(timeout=TIMEOUT_S * 3)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        raise
    assert child.returncode == 0, err
    assert out.split() == ["2026-03-04", "12", "2026-03-04", "12"]  # 12:30 in the hall


@needs_faketime
def test_the_moment_is_kept_inside_another_faked_clock_and_a_bad_one_is_refused(
        preload: Path) -> None:
    at = str(ROOT / ".ci" / "faketime-at")
    nested = subprocess.run([at, str(preload), "2026-03-07 06:30:00 UTC",
                             at, str(preload), "2026-10-01 15:30:00 UTC", "date", "-u", "+%F %H"],
                            capture_output=True, text=True, timeout=TIMEOUT_S)
    assert (nested.returncode, nested.stdout.strip()) == (0, "2026-10-01 15")
    bad = subprocess.run([at, str(preload), "the day after lunch", "date"],
                         capture_output=True, text=True, timeout=TIMEOUT_S)
    assert bad.returncode == 1 and 'cannot read "the day after lunch"' in bad.stderr
    assert bad.stdout == ""
