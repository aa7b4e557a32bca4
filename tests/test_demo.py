"""`jiaohao demo` plays a morning through every part and leaves what a person would see."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from printer.render import render
from tests.conftest import TIMEOUT_S

ROOT = Path(__file__).resolve().parent.parent


def test_headless_demo_writes_tickets_bars_voice_and_report(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "jiaohao", "demo", "--out", str(out),
         "--tickets", "6", "--windows", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S * 12,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "叫号 请" in done.stdout

    tickets = sorted((out / "tickets").glob("*.bin"))
    assert len(tickets) == 6
    for path in tickets:
        rendered = render(path.read_bytes(), read_qr=True)
        text = "\n".join(rendered.lines)
        assert path.stem in text.replace(" ", "")  # the number, printed in Chinese mode
        assert "请留意叫号及大屏显示" in text
        assert rendered.qr_payloads and rendered.qr_payloads[0].startswith("http://")
        assert path.with_suffix(".png").is_file()

    assert len(list((out / "screens").glob("bar-window-*.png"))) == 2
    if shutil.which("espeak-ng"):
        assert list((out / "voice").glob("*.wav"))

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["hall"]["issued"] == 6
    assert report["hall"]["served"] == 6
    assert report["hall"]["ratings"] == 6  # every service event rated once on the pad
    assert "日通报" in (out / "report.md").read_text(encoding="utf-8")
    documents = sorted(p.suffix for p in (out / "report").iterdir())
    assert {".pdf", ".xlsx", ".csv", ".json"} <= set(documents)
