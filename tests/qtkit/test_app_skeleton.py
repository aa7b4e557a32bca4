"""The copyable example app: its model without a window, its window on a real hub."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from qtkit.replica import Replica
from qtkit.results import FakeRequester, Reply
from qtkit.screenshot import grab
from tests.conftest import TIMEOUT_S
from tests.qtkit.conftest import ThreadedHub

WAIT_MS = int(TIMEOUT_S * 1000)
FILE = Path(__file__).resolve().parents[2] / "examples" / "app_skeleton.py"


def _skeleton() -> ModuleType:
    spec = importlib.util.spec_from_file_location("app_skeleton", FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("app_skeleton", module)
    spec.loader.exec_module(module)
    return module


def test_the_model_without_a_window_or_a_hub() -> None:
    skeleton = _skeleton()
    fake = FakeRequester()
    model = skeleton.BoardModel(fake)
    model.take("A")
    model.take("A")  # a double tap sends one request
    assert fake.sent == [("take_ticket", {"service": "A"})] and model.busy
    fake.answer(Reply(True, data={"ticket": {"number": "A007"}}))
    assert not model.busy and "A007" in model.message
    model.take("B")
    fake.answer(Reply.failure("offline"))
    assert "无法连接" in model.message


def test_the_window_on_a_real_hub(
    qtbot: Any, hall_hub: ThreadedHub, make_bridge: Any, tmp_path: Path
) -> None:
    skeleton = _skeleton()
    bridge = make_bridge()
    replica = Replica(bridge, clock=hall_hub.clock)
    model = skeleton.BoardModel(bridge)
    window = skeleton.BoardWindow(model)
    qtbot.addWidget(window)
    replica.reset.connect(lambda: model.refresh(replica.hall, replica.state))
    replica.applied.connect(lambda _e: model.refresh(replica.hall, replica.state))
    with qtbot.waitSignal(replica.reset, timeout=WAIT_MS):
        bridge.start()
    window.show()
    assert set(window.buttons) == {"A", "B", "C"}
    with qtbot.waitSignal(replica.applied, timeout=WAIT_MS):
        window.buttons["B"].click()
    qtbot.waitUntil(lambda: "B001" in window.message.text(), timeout=WAIT_MS)
    assert "等候 1 人" in window.buttons["B"].text()
    grab(window, tmp_path / "skeleton.png")
    if os.environ.get("JIAOHAO_SHOTS"):  # keep it to look at
        grab(window, Path(os.environ["JIAOHAO_SHOTS"]) / "app_skeleton.png")


def test_main_refuses_a_bad_command_line(capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("JIAOHAO_TOKEN", raising=False)
    skeleton = _skeleton()
    with pytest.raises(SystemExit) as exit_:
        skeleton.main(["--hub", "ws://127.0.0.1:1", "--device", "x"])
    assert exit_.value.code == 2
    assert "JIAOHAO_TOKEN" in capsys.readouterr().err
