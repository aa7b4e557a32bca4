"""The whole hall as separate processes over real sockets, driven as people would.

A hub, a kiosk printing to a virtual printer, a calling terminal (window 1), a wall
display and a device host driving window 2's keypad, LED bar and evaluator pad (pty
twins), each in its own process and, where Xvfb is installed, in real X windows. The
apps are driven through their widgets over the test-only control socket
(qtkit/control.py). One citizen goes from the kiosk's touch screen to the pad's
rating, checked on screen, on paper and in the store. Then the hub is killed with
SIGKILL mid-morning and restarted: every app and the device host must recover by
themselves, and the morning goes on with no number lost, repeated or stale on any
screen, bar or phone page. The recovery times are printed (docs/durability.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from devices.profiles import load_keypad, load_ledbar, load_pad
from devices.virtual import VirtualBar, VirtualBus, VirtualKeypad, VirtualPad
from printer.render import render
from printer.virtual import VirtualPrinter

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(sys.platform == "win32", reason="pty twins and Unix control sockets"),
]

ROOT = Path(__file__).resolve().parents[2]
#: Long enough for a Qt app to start on a loaded 2-core machine.
PATIENCE_S = 60.0
T = TypeVar("T")

HALL = """
[hall]
name = "端到端测试大厅"
public_url = "http://127.0.0.1:{port}"

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

[[window]]
number = 2
name = "2号窗口"
services = ["A"]

[[staff]]
id = "1001"
name = "王丽"

[[staff]]
id = "1002"
name = "李强"

[[device]]
id = "kiosk-1"
role = "kiosk"
token = "kiosk-token-e2e-0001"

[[device]]
id = "caller-1"
role = "caller"
window = 1
token = "caller-token-e2e-0001"

[[device]]
id = "caller-2"
role = "caller"
window = 2
token = "caller-token-e2e-0002"

[[device]]
id = "display-1"
role = "display"
token = "display-token-e2e-01"
"""


def wait_for(what: str, check: Callable[[], T | None], timeout_s: float = PATIENCE_S) -> T:
    """Poll ``check`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class App:
    """One process of the hall, its log, and (for Qt apps) its control socket."""

    name: str
    args: list[str]
    env: dict[str, str]
    logs: Path
    control: Path | None = None
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> App:
        env = dict(self.env)
        if self.control is not None:
            env["JIAOHAO_CONTROL"] = str(self.control)
        with (self.logs / f"{self.name}.log").open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "jiaohao", *self.args],
                                         cwd=ROOT, env=env, stdout=log, stderr=log)
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def ask(self, **command: Any) -> dict[str, Any]:
        """Send one control command; the answer ({} while the app is not listening)."""
        assert self.control is not None
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(10)
                s.connect(str(self.control))
                s.sendall(json.dumps(command).encode() + b"\n")
                data = b""
                while not data.endswith(b"\n"):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
        except OSError:
            return {}
        answer: dict[str, Any] = json.loads(data) if data else {}
        return answer

    def texts(self) -> list[str]:
        return list(self.ask(cmd="texts").get("texts", []))

    def shows(self, text: str) -> bool:
        return any(text in t for t in self.texts())

    def click(self, text: str) -> bool:
        return bool(self.ask(cmd="click", text=text).get("ok"))

    def screenshot(self, path: Path) -> Path:
        answer = self.ask(cmd="screenshot", path=str(path))
        assert answer.get("ok"), answer
        return path


@dataclass
class Hall:
    folder: Path
    port: int
    env: dict[str, str]
    printer: VirtualPrinter
    keypad: VirtualKeypad
    bar: VirtualBar
    pad: VirtualPad
    hub: App
    kiosk: App
    caller: App
    display: App
    host: App
    shots: Path = field(init=False)

    def __post_init__(self) -> None:
        self.shots = self.folder / "screens"
        self.shots.mkdir(exist_ok=True)

    @property
    def db(self) -> Path:
        return self.folder / "queue.db"

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                return bool(json.loads(r.read())["status"] == "ok")
        except OSError:
            return False

    def store(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)) as c:
            return c.execute(sql, args).fetchall()

    def numbers(self) -> list[str]:
        return [r[0] for r in self.store("SELECT number FROM tickets ORDER BY id")]

    def printed(self) -> list[str]:
        """The ticket number on each printed ticket, read from the rendered paper."""
        out = []
        for job in list(self.printer.jobs):
            lines = render(job).lines
            out.append(next((w for line in lines for w in line.split() if w[:1] == "A"
                             and w[1:].isdigit()), "?"))
        return out

    def take_ticket(self) -> str:
        """Touch the kiosk as a citizen does (wake it, pick the zone, pick the service);
        the number on the paper that comes out."""
        before = len(self.printer.jobs)

        def touch() -> bool:
            if self.kiosk.click("综合业务"):
                return wait_for_quietly(lambda: len(self.printer.jobs) > before, 10)
            for step in ("综合服务区", "请点击屏幕开始取号", "返回首页"):
                if self.kiosk.click(step):
                    break
            return False

        wait_for("a ticket from the kiosk", touch)
        number = self.printed()[-1]
        wait_for("the kiosk's home screen", lambda: self.kiosk.click("完成，返回首页"), 30)
        return number


def wait_for_quietly(check: Callable[[], bool], timeout_s: float) -> bool:
    try:
        return bool(wait_for("", check, timeout_s))
    except AssertionError:
        return False


def x_server() -> Iterator[dict[str, str]]:
    """Real X windows when Xvfb is installed; offscreen windows otherwise."""
    if shutil.which("Xvfb") is None:
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1920x1080x24",
                             "-nolisten", "tcp"], pass_fds=(write,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": f":{number}"}
    finally:
        xvfb.terminate()
        xvfb.wait(10)


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    port = free_port()
    config = tmp_path / "hall.toml"
    config.write_text(HALL.format(port=port), encoding="utf-8")
    url = f"ws://127.0.0.1:{port}"
    kp, lb, pd = load_keypad("ff68-keypad"), load_ledbar("a5-sum"), load_pad("ff68-5key-screen")
    buses = [VirtualBus(p.framing) for p in (kp, lb, pd)]
    keypad = buses[0].add(VirtualKeypad(kp, address=2))
    bar = buses[1].add(VirtualBar(lb, address=2))
    pad = buses[2].add(VirtualPad(pd, address=2))
    for bus in buses:
        bus.start()
    printer = VirtualPrinter().start()
    stations = {
        "kiosk": f'[station]\nhub = "{url}"\ndevice = "kiosk-1"\ntoken = "kiosk-token-e2e-0001"\n'
                 f'[printer]\nprofile = "zh-80mm"\nconnection = "{printer.connection}"\n',
        "caller": f'[station]\nhub = "{url}"\ndevice = "caller-1"\n'
                  f'token = "caller-token-e2e-0001"\n',
        "display": f'[station]\nhub = "{url}"\ndevice = "display-1"\n'
                   f'token = "display-token-e2e-01"\n[app]\nvoice = false\n',
        "host": f'[station]\nhub = "{url}"\n[[caller]]\nwindow = 2\ndevice = "caller-2"\n'
                f'token = "caller-token-e2e-0002"\n'
                f'[[serial]]\nkind = "keypad"\nport = "{buses[0].path}"\n'
                f'profile = "{kp.id}"\nwindow = 2\naddress = 2\n'
                f'[[serial]]\nkind = "ledbar"\nport = "{buses[1].path}"\n'
                f'profile = "{lb.id}"\nwindow = 2\naddress = 2\n'
                f'[[serial]]\nkind = "pad"\nport = "{buses[2].path}"\n'
                f'profile = "{pd.id}"\nwindow = 2\naddress = 2\n'
                f'[host]\nwelcome = "欢迎光临"\n',
    }
    for name, text in stations.items():
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    with contextlib.ExitStack() as stack:
        screen_env = stack.enter_context(contextlib.contextmanager(x_server)())
        env = {**os.environ, **screen_env}
        env.pop("JIAOHAO_CONTROL", None)

        def app(name: str, *args: str, control: bool = True) -> App:
            return App(name, list(args), env, tmp_path,
                       tmp_path / f"{name}.sock" if control else None)

        h = Hall(
            tmp_path, port, env, printer, keypad, bar, pad,
            hub=app("hub", "hub", "--config", str(config), "--db", str(tmp_path / "queue.db"),
                    "--port", str(port), control=False),
            kiosk=app("kiosk", "kiosk", "--station", str(tmp_path / "kiosk.toml"),
                      "--size", "1280x800", "--no-speech"),
            caller=app("caller", "caller", "--station", str(tmp_path / "caller.toml"),
                       "--size", "1000x640"),
            display=app("display", "display", "--station", str(tmp_path / "display.toml"),
                        "--size", "1600x900"),
            host=app("host", "devices", "serve", "--station", str(tmp_path / "host.toml"),
                     control=False),
        )
        try:
            yield h
        finally:
            for one in (h.kiosk, h.caller, h.display, h.host, h.hub):
                one.stop()
            printer.stop()
            for bus in buses:
                bus.stop()
            for log in sorted(tmp_path.glob("*.log")):
                tail = log.read_text(encoding="utf-8", errors="replace")[-1500:]
                print(f"--- {log.name} (end) ---\n{tail}")


def test_a_morning_survives_a_hub_killed_with_sigkill(hall: Hall) -> None:
    h = hall
    h.hub.start()
    wait_for("the hub", h.healthy)
    for one in (h.kiosk, h.caller, h.display, h.host):
        one.start()
    wait_for("the display connected", lambda: h.display.shows("已连接"))
    wait_for("the LED bar's welcome", lambda: "欢迎" in h.bar.text)

    # One citizen: the kiosk's touch screen, the paper, the keypad, the wall, the bar,
    # the pad, the store.
    first = h.take_ticket()
    assert first == "A001"
    paper = render(h.printer.jobs[0], read_qr=True)
    paper.image.save(h.shots / "ticket-A001.png")
    assert any("综合业务" in line for line in paper.lines)
    assert paper.qr_read and paper.qr_read[0].startswith(f"http://127.0.0.1:{h.port}/t/")
    phone_api = paper.qr_read[0].replace("/t/", "/api/t/")

    h.keypad.press("call_next")
    wait_for("A001 on the wall", lambda: h.display.shows("请A001号到2号窗口"))
    wait_for("A001 on window 2's bar", lambda: "A001" in h.bar.text)
    h.display.screenshot(h.shots / "display-A001.png")
    h.keypad.press("finish")
    wait_for("the pad asking for a rating", lambda: h.pad.lit)
    h.pad.press_score(5)
    rating = wait_for("the rating in the store", lambda: h.store(
        "SELECT number, window, score FROM ratings"))
    assert rating == [("A001", 2, 5)]

    # The clerk at window 1 signs in on the terminal and calls the next citizen.
    assert h.take_ticket() == "A002"
    wait_for("the terminal's staff field",
             lambda: h.caller.ask(cmd="type", field="工号", text="1001").get("ok"))
    wait_for("signing in", lambda: h.caller.click("签到"))
    wait_for("the call button", lambda: h.caller.click("呼叫下一位"))
    wait_for("A002 on the wall", lambda: h.display.shows("请A002号到1号窗口"))
    h.caller.screenshot(h.shots / "caller-serving-A002.png")
    h.kiosk.screenshot(h.shots / "kiosk-home.png")

    # Mid-morning the hub dies without a word and comes back.
    assert h.hub.proc is not None
    h.hub.proc.send_signal(signal.SIGKILL)
    h.hub.proc.wait(10)
    wait_for("the wall saying it lost the hub", lambda: h.display.shows("未连接"))
    h.display.screenshot(h.shots / "display-hub-down.png")
    restarted = time.monotonic()
    h.hub.start()
    wait_for("the hub again", h.healthy)

    recovery: dict[str, float] = {}
    wait_for("the wall reconnected", lambda: h.display.shows("已连接"))
    recovery["display"] = time.monotonic() - restarted
    third = h.take_ticket()  # the kiosk must be back to print it
    recovery["kiosk (next ticket printed)"] = time.monotonic() - restarted
    assert third == "A003", "a number was lost or repeated across the restart"
    wait_for("the terminal finishing A002", lambda: h.caller.click("办结"))
    wait_for("the terminal calling again", lambda: h.caller.click("呼叫下一位"))
    wait_for("A003 on the wall", lambda: h.display.shows("请A003号到1号窗口"))
    recovery["caller (finish and call)"] = time.monotonic() - restarted
    fourth = h.take_ticket()
    h.keypad.press("call_next")
    wait_for("A004 on window 2's bar", lambda: "A004" in h.bar.text)
    recovery["device host (keypad call on the bar)"] = time.monotonic() - restarted
    wait_for("A004 on the wall", lambda: h.display.shows("请A004号到2号窗口"))
    h.display.screenshot(h.shots / "display-after-restart.png")

    # Nothing lost, repeated or stale: store, paper, wall, bar, phone page.
    assert fourth == "A004"
    assert h.numbers() == ["A001", "A002", "A003", "A004"]
    assert h.printed() == ["A001", "A002", "A003", "A004"]
    called = [t for t in h.display.texts() if t[:1] == "A" and " " in t]
    assert len(called) == len(set(called)), f"a number shown twice: {called}"
    assert "A004" in h.bar.text
    with urllib.request.urlopen(phone_api, timeout=5) as response:
        phone = json.loads(response.read())
    assert (phone["number"], phone["status"]) == ("A001", "finished")
    last_link = render(h.printer.jobs[-1], read_qr=True).qr_read[0].replace("/t/", "/api/t/")
    with urllib.request.urlopen(last_link, timeout=5) as response:
        phone = json.loads(response.read())
    assert (phone["number"], phone["status"], phone["window"]) == ("A004", "called", 2)
    statuses = dict(h.store("SELECT number, status FROM tickets"))
    assert statuses == {"A001": "finished", "A002": "finished", "A003": "called",
                        "A004": "called"}

    print("\nrecovery after the hub was killed (SIGKILL) and restarted:")
    for what, seconds in recovery.items():
        print(f"  {what:<40} {seconds:6.2f} s")
    print("numbers checked: store, paper, wall, bar and phone page agree: A001-A004, "
          "none lost, none repeated")
