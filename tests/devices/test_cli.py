"""`jiaohao devices list | profiles | simulate | probe`."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from devices.cli import main
from devices.events import DeviceOnline, RatingGiven
from devices.ledbar import LedBar
from devices.link import SerialLink
from devices.pad import Pad, StartRating
from devices.profiles import load_ledbar, load_pad
from devices.virtual import VirtualBar, VirtualBus, VirtualPad
from tests.conftest import TIMEOUT_S
from tests.devices.helpers import Events

ROOT = Path(__file__).resolve().parents[2]


def test_list_runs_without_devices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "serial ports:" in out and "USB printers" in out


def test_profiles_lists_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    assert "ff68-4key" in out and "ff68-keypad" in out and "55aa-crc" in out


def test_unknown_profile_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "pad", "--profile", "nope"]) == 2
    assert "no pads profile 'nope'" in capsys.readouterr().err


def lines_of(proc: subprocess.Popen[str]) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    return lines


def next_matching(lines: queue.Queue[str], needle: str) -> str:
    while True:
        line = lines.get(timeout=TIMEOUT_S)
        if needle in line:
            return line


def test_simulate_prints_its_port_and_what_it_receives() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jiaohao", "devices", "simulate", "pad", "--profile", "ff68-4key"],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        lines = lines_of(proc)
        port = next_matching(lines, "port: ").removeprefix("port: ")
        profile = load_pad("ff68-4key")
        events = Events()
        with SerialLink.for_profile(port, profile, events=events.queue) as link:
            pad = Pad(link, profile)
            events.expect(DeviceOnline)
            request = pad.request_rating(TIMEOUT_S * 3)
            assert "StartRating" in next_matching(lines, "pad@1 <-")
            assert proc.stdin is not None
            proc.stdin.write("press 03\n")
            proc.stdin.flush()
            assert events.expect(RatingGiven) == RatingGiven(1, request, 5, "03")
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(TIMEOUT_S) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_probe_a_bar_that_confirms(capsys: pytest.CaptureFixture[str]) -> None:
    profile = load_ledbar("55aa-crc")
    with VirtualBus(profile.framing) as bus:
        twin = bus.add(VirtualBar(profile, 4))
        status = main(["probe", "--kind", "ledbar", "--profile", "55aa-crc", "--port", bus.path,
                       "--address", "4", "--listen-s", "0.5"])
        out = capsys.readouterr().out
        assert status == 0, out
        assert "OK" in out and twin.text == "测试 TEST 123"
        twin.faults.no_ack = True
        status = main(["probe", "--kind", "ledbar", "--profile", "55aa-crc", "--port", bus.path,
                       "--address", "4", "--listen-s", "2"])
        out = capsys.readouterr().out
        assert status == 1 and "FAIL" in out


def test_probe_a_pad_reports_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    profile = load_pad("stx-5key")
    with VirtualBus(profile.framing) as bus:
        twin = bus.add(VirtualPad(profile, 1))

        def press_when_lit(device: Any, command: Any) -> None:
            if isinstance(command, StartRating):
                twin.press("4")

        twin.on_command = press_when_lit
        status = main(["probe", "--kind", "pad", "--profile", "stx-5key", "--port", bus.path,
                       "--listen-s", str(TIMEOUT_S)])
        out = capsys.readouterr().out
        assert status == 0, out
        assert "RatingGiven(address=1, request_id=1, score=4, key='4')" in out


def test_probe_a_missing_port_fails(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["probe", "--kind", "keypad", "--profile", "ff68-keypad",
                   "--port", "/nonexistent/tty", "--listen-s", "0.1"])
    assert status == 1
    assert "cannot open" in capsys.readouterr().out


def test_simulate_a_bar_writes_pictures(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jiaohao", "devices", "simulate", "ledbar", "--profile", "a5-sum",
         "--address", "3", "--snapshots", str(tmp_path)],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        lines = lines_of(proc)
        port = next_matching(lines, "port: ").removeprefix("port: ")
        profile = load_ledbar("a5-sum")
        with SerialLink.for_profile(port, profile) as link:
            LedBar(link, profile, 3).show_call("A001")
            assert "BarText(text='请A001号', flash=True)" in next_matching(lines, "ledbar@3 <-")
            picture = Path(next_matching(lines, "picture: ").split("picture: ")[1])
        assert picture.parent == tmp_path and picture.stat().st_size > 0
    finally:
        proc.terminate()
        assert proc.wait(TIMEOUT_S) == 0
