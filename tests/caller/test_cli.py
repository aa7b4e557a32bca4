"""``jiaohao caller --action``: one request for the station's window, for hotkeys."""

from __future__ import annotations

from typing import Any

from caller.cli import main
from tests.qtkit.conftest import ThreadedHub


def test_action_calls_and_refuses_in_plain_words(
    hall_hub: ThreadedHub, monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.setenv("JIAOHAO_TOKEN", "caller-3-secret")
    args = ["--hub", hall_hub.url, "--device", "caller-3", "--action"]
    assert main([*args, "call_next"]) == 0
    assert "呼叫下一位：完成" in capsys.readouterr().out  # nobody waits
    hall_hub.issue(1, "A")
    assert main([*args, "call_next"]) == 0
    assert "A001" in capsys.readouterr().out
    assert main([*args, "resume"]) == 1
    assert "窗口没有暂停" in capsys.readouterr().err
