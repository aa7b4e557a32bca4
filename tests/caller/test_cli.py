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


def test_action_signs_in_first_and_pause_needs_a_reason(
    hall_hub: ThreadedHub, monkeypatch: Any, capsys: Any
) -> None:
    import pytest

    monkeypatch.setenv("JIAOHAO_TOKEN", "caller-2-secret")
    args = ["--hub", hall_hub.url, "--device", "caller-2", "--action"]
    hall_hub.issue(1, "A")
    assert main([*args, "call_next", "--staff", "1001"]) == 0  # signs in, then calls
    assert "A001" in capsys.readouterr().out
    assert main([*args, "recall", "--staff", "1001"]) == 0  # signed in already: no refusal
    assert main([*args, "sign_in", "--staff", "9999"]) == 1
    assert "签到未成功" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main([*args, "pause"])
    assert exit_.value.code == 2 and "--reason" in capsys.readouterr().err
    assert main([*args, "pause", "--reason", "午休"]) == 0
    assert main([*args, "sign_out"]) == 0
    assert main([*args, "sign_in", "--staff", "1002"]) == 0
    assert "已签到：工号 1002" in capsys.readouterr().out
