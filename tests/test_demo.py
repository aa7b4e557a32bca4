"""`jiaohao demo` plays a morning through the real apps and every simulated device, and
leaves what a person would have seen and heard."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from printer.render import render
from tests.conftest import TIMEOUT_S

ROOT = Path(__file__).resolve().parent.parent


def _not_blank(path: Path) -> bool:
    """A real screen has many colours (text, anti-aliasing); a blank grab has one."""
    with Image.open(path) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    return colours is None or len(colours) > 20


@pytest.mark.slow
def test_headless_demo_writes_screens_tickets_voice_and_report(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "jiaohao", "demo", "--headless", "--fast", "--out", str(out),
         "--tickets", "6", "--windows", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S * 12,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "叫号 请" in done.stdout
    assert "差评" in done.stdout
    assert "缺纸" in done.stdout
    assert f"look at {out}/screens/" in done.stdout

    # the real apps' screens at the moments that matter, not blank
    screens = sorted((out / "screens").glob("[0-9][0-9]-*.png"))
    names = " ".join(p.stem for p in screens)
    for moment in ("wall-0830-hall-opens", "kiosk-home", "kiosk-choose-a-service", "-taken",
                   "wall-calls-", "caller-window-", "-transferred-", "-no-show-",
                   "-bad-rating-", "kiosk-printer-out-of-paper", "wall-kiosk-out-of-paper",
                   "leds-and-pads-", "printer-last-tickets"):
        assert moment in names, f"no screen for {moment}: {names}"
    for path in screens:
        assert _not_blank(path), f"{path.name} is blank"
    assert len(list((out / "screens").glob("bar-window-*.png"))) == 2

    # the paper: exact bytes, rendered back, times on the demo's clock (from 08:30)
    tickets = sorted((out / "tickets").glob("*.bin"))
    assert len(tickets) == 6
    for path in tickets:
        rendered = render(path.read_bytes(), read_qr=True)
        text = "\n".join(rendered.lines)
        assert path.stem in text.replace(" ", "")  # the number, printed in Chinese mode
        assert "请留意叫号及大屏显示" in text
        assert re.search(r"(08|09|10|11):\d\d", text), text
        assert rendered.qr_payloads and rendered.qr_payloads[0].startswith("http://")
        assert path.with_suffix(".png").is_file()

    if shutil.which("espeak-ng"):
        voices = list((out / "voice").glob("*-window-*.wav"))
        assert voices and all(v.stat().st_size > 1000 for v in voices)

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    hall = report["total"]
    assert hall["issued"] == 6
    assert hall["finished"] == 5 and hall["skipped"] == 1  # one citizen did not come (过号)
    assert sum(hall["ratings"].values()) == 5  # every finished service rated once on the pad
    assert "日通报" in (out / "report.md").read_text(encoding="utf-8")
    documents = {p.suffix: p for p in (out / "report").iterdir()}
    assert {".pdf", ".xlsx", ".csv", ".json", ".md"} <= set(documents)
    assert json.loads(documents[".json"].read_text(encoding="utf-8")) == report  # one source


def test_a_touch_on_the_kiosk_keeps_the_scripted_citizens_away(qtbot: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget

    from jiaohao.demo.hall import TouchWatch

    kiosk, other = QWidget(), QWidget()
    button, elsewhere = QPushButton("取号", kiosk), QPushButton("呼叫", other)
    QVBoxLayout(kiosk).addWidget(button)
    QVBoxLayout(other).addWidget(elsewhere)
    for widget in (kiosk, other):
        qtbot.addWidget(widget)
        widget.show()
    watch = TouchWatch(kiosk)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(watch)
    try:
        qtbot.mouseClick(elsewhere, Qt.MouseButton.LeftButton)
        assert watch.last == float("-inf")  # a click on another window is not the kiosk's
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert watch.last > float("-inf")
    finally:
        app.removeEventFilter(watch)
