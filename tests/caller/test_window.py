"""The real terminal windows on a real hub: buttons, shortcuts, refusals, offline."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from caller.actions import ACTIONS
from tests.caller.conftest import WAIT_MS
from tests.qtkit.conftest import ThreadedHub


def _press(qtbot: Any, widget: Any, name: str, wiring: Any) -> None:
    """Press the action's shortcut key on ``widget`` once the last action was answered
    (an event can show before the result of the request that made it)."""
    qtbot.waitUntil(lambda: not wiring.presenter.view.busy, timeout=WAIT_MS)
    key = ACTIONS[name].shortcut
    assert key.startswith("F"), key
    widget.activateWindow()
    qtbot.keyClick(widget, getattr(Qt.Key, f"Key_{key}"))


def test_every_button_shows_its_shortcut(terminal: Any) -> None:
    wiring = terminal()
    for name, button in wiring.terminal.full.action_buttons.buttons.items():
        assert ACTIONS[name].shortcut in button.text()
    for name, button in wiring.terminal.strip.action_buttons.buttons.items():
        assert ACTIONS[name].shortcut in button.text()


def test_full_window_sign_in_call_by_shortcut_and_refusal(
    qtbot: Any, terminal: Any, hall_hub: ThreadedHub
) -> None:
    wiring = terminal()
    full = wiring.terminal.full
    assert full.sign_row.isVisible() and not full.action_buttons.buttons["call_next"].isEnabled()
    qtbot.keyClicks(full.staff_input, "1001")
    qtbot.keyClick(full.staff_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not full.sign_row.isVisible(), timeout=WAIT_MS)
    assert "王丽" in full.staff.text()
    hall_hub.issue(2, "A")
    qtbot.waitUntil(lambda: "A001 A002" in full.waiting.text(), timeout=WAIT_MS)
    _press(qtbot, full, "call_next", wiring)
    qtbot.waitUntil(lambda: full.number.text() == "A001", timeout=WAIT_MS)
    assert full.timer.text() == "00:00"
    _press(qtbot, full, "recall", wiring)
    qtbot.waitUntil(lambda: "重呼 1/5" in full.detail.text(), timeout=WAIT_MS)
    full.number_input.setText("B404")
    qtbot.mouseClick(full.action_buttons.buttons["call_number"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "今天没有这个号码" in full.message.text(), timeout=WAIT_MS)
    _press(qtbot, full, "skip", wiring)
    qtbot.waitUntil(lambda: full.skipped.count() == 1, timeout=WAIT_MS)
    _press(qtbot, full, "reinstate", wiring)
    qtbot.waitUntil(lambda: "已恢复排队" in full.message.text(), timeout=WAIT_MS)
    _press(qtbot, full, "call_next", wiring)  # A001 now waits behind A002
    qtbot.waitUntil(lambda: full.number.text() == "A002", timeout=WAIT_MS)
    full.services.setCurrentIndex(full.services.findData("B"))
    _press(qtbot, full, "transfer", wiring)
    qtbot.waitUntil(lambda: "已转到" in full.message.text(), timeout=WAIT_MS)
    _press(qtbot, full, "call_next", wiring)
    qtbot.waitUntil(lambda: full.number.text() == "A001", timeout=WAIT_MS)
    _press(qtbot, full, "hold", wiring)
    qtbot.waitUntil(lambda: full.held.count() == 1, timeout=WAIT_MS)
    _press(qtbot, full, "call_back", wiring)
    qtbot.waitUntil(lambda: full.number.text() == "A001", timeout=WAIT_MS)
    _press(qtbot, full, "finish", wiring)
    qtbot.waitUntil(lambda: "A001 已办结" in full.message.text(), timeout=WAIT_MS)
    _press(qtbot, full, "pause", wiring)  # no reason picked: not sent, the list opens
    assert "暂停原因" in full.message.text() and not wiring.presenter.view.busy
    full.reason.hidePopup()
    full.reason.setCurrentText("会议")
    _press(qtbot, full, "pause", wiring)
    qtbot.waitUntil(lambda: full.number.text() == "暂停服务", timeout=WAIT_MS)
    assert full.detail.text() == "会议"
    assert full.reason.currentText() == ""  # the next pause asks again
    _press(qtbot, full, "resume", wiring)
    qtbot.waitUntil(lambda: full.number.text() == "空闲", timeout=WAIT_MS)


def test_compact_strip_and_offline(qtbot: Any, terminal: Any, hall_hub: ThreadedHub) -> None:
    wiring = terminal(window=2, compact=True)
    strip = wiring.terminal.strip
    assert strip.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert strip.number.text() == "未签到"
    wiring.presenter.act("sign_in", staff="1002")
    qtbot.waitUntil(lambda: strip.number.text() == "空闲", timeout=WAIT_MS)
    hall_hub.issue(1, "A")
    qtbot.waitUntil(lambda: "有人排队了" in strip.message.text(), timeout=WAIT_MS)
    _press(qtbot, strip, "call_next", wiring)
    qtbot.waitUntil(lambda: strip.number.text() == "A001", timeout=WAIT_MS)
    hall_hub.stop()
    qtbot.waitUntil(lambda: "离线" in strip.message.text(), timeout=WAIT_MS)
    assert strip.number.text() == "A001"  # the last state stays
    assert not any(b.isEnabled() for b in strip.action_buttons.buttons.values())
    hall_hub.start()
    qtbot.waitUntil(lambda: wiring.presenter.view.online, timeout=WAIT_MS)
    assert "离线" not in strip.message.text()
    _press(qtbot, strip, "finish", wiring)
    qtbot.waitUntil(lambda: "已办结" in strip.message.text(), timeout=WAIT_MS)
    qtbot.mouseClick(strip.full_button, Qt.MouseButton.LeftButton)
    assert wiring.terminal.full.isVisible() and not strip.isVisible()


def test_keys_are_configurable_and_checked(qtbot: Any) -> None:
    import pytest

    from caller.actions import key_map
    from caller.presenter import CallerPresenter
    from caller.window import Terminal
    from qtkit.results import FakeRequester
    from tests.conftest import FakeClock

    keys = key_map({"call_next": "Ctrl+1"})
    terminal = Terminal(CallerPresenter(1, FakeRequester(), FakeClock()), keys=keys)
    qtbot.addWidget(terminal.full)
    qtbot.addWidget(terminal.strip)
    assert terminal.full.action_buttons.buttons["call_next"].text() == "呼叫下一位\nCtrl+1"
    with pytest.raises(ValueError, match="no such action"):
        key_map({"dance": "F1"})
    with pytest.raises(ValueError, match="both"):
        key_map({"call_next": "F2"})


def test_no_button_is_clipped_at_the_default_size(qtbot: Any, terminal: Any,
                                                  themed: None) -> None:
    """「大堂经理 Ctrl+M」 was cut at the window's default 788×682 (styled as it runs)."""
    wiring = terminal()
    full = wiring.terminal.full
    full.show()
    qtbot.waitExposed(full)
    for window in (full, wiring.terminal.strip):
        for name, button in window.action_buttons.buttons.items():
            if button.isVisible():
                assert button.width() >= button.sizeHint().width(), name


def test_the_strip_fits_beside_the_business_software_on_a_small_screen(
    qtbot: Any, terminal: Any, themed: None, hall_hub: ThreadedHub,
) -> None:
    """Styled as it runs, the strip needed 1,435 px: wider than a clerk's 1366×768 or
    1280×1024 screen."""
    wiring = terminal()
    p, strip = wiring.presenter, wiring.terminal.strip
    p.act("sign_in", staff="1001")
    qtbot.waitUntil(lambda: p.view.signed_in and not p.view.busy, timeout=WAIT_MS)
    hall_hub.issue(5, "A")
    p.act("call_next")
    # the call's event can arrive before its answer: wait for both, or pause is refused
    qtbot.waitUntil(lambda: p.view.current is not None and not p.view.busy, timeout=WAIT_MS)
    p.act("pause", reason="临时离开")  # the widest moment: 暂停服务 · 等候 4, 恢复服务
    qtbot.waitUntil(lambda: p.view.paused and not p.view.busy, timeout=WAIT_MS)
    assert strip.minimumSizeHint().width() <= 1280


def test_the_lists_say_what_they_are_for(terminal: Any) -> None:
    full = terminal().terminal.full
    assert full.skipped.count() == 0 and "过号" in full.skipped.placeholderText()
    assert full.held.count() == 0 and "挂起" in full.held.placeholderText()
    assert "转到" in full.services.placeholderText()
    assert "暂停原因" in full.reason.lineEdit().placeholderText()


def test_paused_while_serving_shows_the_citizen_on_both_windows(
    qtbot: Any, terminal: Any, hall_hub: ThreadedHub,
) -> None:
    wiring = terminal()
    full, strip, p = wiring.terminal.full, wiring.terminal.strip, wiring.presenter
    p.act("sign_in", staff="1001")
    hall_hub.issue(1, "A")
    qtbot.waitUntil(lambda: "call_next" in p.view.enabled, timeout=WAIT_MS)
    p.act("call_next")
    qtbot.waitUntil(lambda: full.number.text() == "A001" and not p.view.busy, timeout=WAIT_MS)
    p.act("pause", reason="临时离开")
    qtbot.waitUntil(lambda: p.view.paused and not p.view.busy, timeout=WAIT_MS)
    assert full.number.text() == "A001" and strip.number.text() == "A001"
    assert "暂停服务（临时离开）" in full.detail.text()
    for window in (full, strip):
        assert window.action_buttons.buttons["finish"].isEnabled()
        assert not window.action_buttons.buttons["call_next"].isEnabled()
    assert full.action_buttons.buttons["skip"].isEnabled()
    assert full.action_buttons.buttons["transfer"].isEnabled()


def test_the_strip_has_six_actions_and_asks_why_before_a_pause(
    qtbot: Any, terminal: Any, hall_hub: ThreadedHub,
) -> None:
    wiring = terminal(compact=True)
    strip, p = wiring.terminal.strip, wiring.presenter
    shown = [n for n, b in strip.action_buttons.buttons.items() if not b.isHidden()]
    assert shown == ["call_next", "recall", "skip", "finish", "pause", "ask_rating"]
    p.act("sign_in", staff="1001")
    qtbot.waitUntil(lambda: "pause" in p.view.enabled, timeout=WAIT_MS)
    _press(qtbot, strip, "pause", wiring)
    qtbot.waitUntil(lambda: strip.reasons.isVisible(), timeout=WAIT_MS)
    assert not p.view.busy  # nothing sent before a reason is picked
    choice = next(a for a in strip.reasons.actions() if a.text() == "会议")
    choice.trigger()
    qtbot.waitUntil(lambda: p.view.paused and p.view.pause_reason == "会议", timeout=WAIT_MS)
    shown = [n for n, b in strip.action_buttons.buttons.items() if not b.isHidden()]
    assert shown == ["call_next", "recall", "skip", "finish", "resume", "ask_rating"]


def test_names_and_pause_reasons_show_as_plain_text(qtbot: Any, tmp_path: Any) -> None:
    """A window named <h1>窗口1</h1> in the hall config showed as a heading (Qt rich
    text): every label of the terminal shows text as it is."""
    import dataclasses

    from PySide6.QtWidgets import QLabel

    from caller.app import Wiring
    from qtkit.bridge import HubBridge
    from qtkit.station import Station
    from tests.caller.conftest import clerk_hall

    hub = ThreadedHub(str(tmp_path / "queue.db"))
    clerk_hall(hub)
    name = "<h1>窗口1</h1><img src=x>"
    hub.config = dataclasses.replace(hub.config, windows=tuple(
        dataclasses.replace(w, name=name) if w.number == 1 else w
        for w in hub.config.windows))
    hub.start()
    try:
        bridge = HubBridge(hub.url, "caller-1", "caller-1-secret", backoff_s=(0.05, 0.2))
        station = Station(hub=hub.url, device="caller-1", token="caller-1-secret")
        wiring = Wiring(station, bridge=bridge, clock=lambda: hub.clock.now.astimezone())
        for window in (wiring.terminal.full, wiring.terminal.strip):
            qtbot.addWidget(window)
        wiring.start()
        full = wiring.terminal.full
        qtbot.waitUntil(lambda: full.title.text() == name, timeout=WAIT_MS)
        labels = full.findChildren(QLabel) + wiring.terminal.strip.findChildren(QLabel)
        assert labels and all(label.textFormat() == Qt.TextFormat.PlainText
                              for label in labels)
        wiring.stop()
        bridge.stop()
    finally:
        hub.close()
