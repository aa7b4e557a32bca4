"""The presenter without a window: against a real hub through the bridge, and with a
fake requester for what must happen before the hub answers."""

from __future__ import annotations

from typing import Any

from caller.presenter import CallerPresenter
from hall.config import HallConfig
from qtkit.replica import Replica
from qtkit.results import FakeRequester, Reply
from tests.caller.conftest import WAIT_MS
from tests.conftest import FakeClock
from tests.qtkit.conftest import ThreadedHub


class Rig:
    """A presenter of window 1 on a real hub, no widgets."""

    def __init__(self, qtbot: Any, make_bridge: Any, hub: ThreadedHub) -> None:
        self.qtbot, self.hub = qtbot, hub
        self.bridge = make_bridge("caller-1", "caller-1-secret")
        self.replica = Replica(self.bridge, clock=hub.clock)
        self.finished: list[tuple[int, str, str | None]] = []
        self.p = CallerPresenter(1, self.bridge, clock=self.replica.clock,
                                 on_finished=lambda *a: self.finished.append(a))
        self.replica.reset.connect(self.refresh)
        self.replica.applied.connect(lambda _e: self.refresh())
        self.bridge.connection_changed.connect(self.p.set_online)
        with qtbot.waitSignal(self.replica.reset, timeout=WAIT_MS):
            self.bridge.start()
        qtbot.waitUntil(lambda: self.p.view.online, timeout=WAIT_MS)

    def refresh(self) -> None:
        self.p.refresh(self.replica.hall, self.replica.state)

    def serving(self, waiting: int = 1) -> None:
        """Clerk 1001 signed in, ``waiting`` A tickets issued, the first one called."""
        self.act("sign_in", staff="1001")
        self.hub.issue(waiting, "A")
        self.act("call_next")
        self.qtbot.waitUntil(lambda: self.p.view.current is not None and not self.p.view.busy,
                             timeout=WAIT_MS)

    def act(self, name: str, **fields: Any) -> str:
        """Run an action and wait for the hub's answer; the message shown."""
        self.p.act(name, **fields)
        assert self.p.view.busy == name, self.p.view.message  # answered at once
        self.qtbot.waitUntil(lambda: not self.p.view.busy, timeout=WAIT_MS)
        return self.p.view.message


def test_every_action_against_a_real_hub(qtbot: Any, make_bridge: Any,
                                         hall_hub: ThreadedHub) -> None:
    rig = Rig(qtbot, make_bridge, hall_hub)
    p = rig.p
    assert p.view.enabled == {"sign_in"}
    assert "未成功" in rig.act("sign_in", staff="9999") and "工号不在" in p.view.message
    assert "已签到" in rig.act("sign_in", staff="1001")
    qtbot.waitUntil(lambda: p.view.staff_name == "王丽", timeout=WAIT_MS)
    assert "没有人在等候" in rig.act("call_next")
    hall_hub.issue(4, "A")
    qtbot.waitUntil(lambda: p.view.waiting == {"A": 4, "B": 0}, timeout=WAIT_MS)
    assert p.view.waiting_numbers == ("A001", "A002", "A003", "A004")
    assert "有人排队了" in p.view.notice

    assert "已呼叫 A001" in rig.act("call_next")
    qtbot.waitUntil(lambda: p.view.current is not None, timeout=WAIT_MS)
    assert p.view.notice == "" and p.view.current.number == "A001"
    hall_hub.clock.advance(minutes=3)
    p.tick()
    assert 179 < p.view.current.elapsed_s < 181 and not p.view.current.over_time
    hall_hub.clock.advance(minutes=13)
    p.tick()
    assert p.view.current.over_time  # A allows 15 minutes

    for n in range(1, 6):
        assert f"第 {n} 次，最多 5 次" in rig.act("recall")
    qtbot.waitUntil(lambda: p.view.current.recalls == 5, timeout=WAIT_MS)
    assert "recall" not in p.view.enabled
    p.act("recall")  # disabled: says why, sends nothing
    assert "重呼" in p.view.message and not p.view.busy

    assert "已过号 A001" in rig.act("skip")
    qtbot.waitUntil(lambda: p.view.skipped == ((1, "A001"),), timeout=WAIT_MS)
    assert "A001 已恢复排队" in rig.act("reinstate", ticket=1)
    assert "已呼叫 A003" in rig.act("call_number", number="a003")
    assert "已转到社保服务" in rig.act("transfer", service="B")
    qtbot.waitUntil(lambda: p.view.waiting.get("B") == 1, timeout=WAIT_MS)

    rig.act("call_next")
    qtbot.waitUntil(lambda: p.view.current is not None, timeout=WAIT_MS)
    number = p.view.current.number
    assert "已挂起" in rig.act("hold")
    qtbot.waitUntil(lambda: p.view.held and p.view.current is None, timeout=WAIT_MS)
    assert p.view.held[0][1] == number and "call_back" in p.view.enabled
    assert f"已回呼 {number}" in rig.act("call_back")
    qtbot.waitUntil(lambda: p.view.current is not None and not p.view.held, timeout=WAIT_MS)
    assert "已办结" in rig.act("finish")
    assert rig.finished and rig.finished[0][1] == number and rig.finished[0][2] == "1001"

    assert "请评价：已播报" in rig.act("ask_rating")
    assert "请大堂经理：已播报" in rig.act("call_manager")
    assert "已暂停服务（午休）" in rig.act("pause", reason="午休")
    qtbot.waitUntil(lambda: p.view.paused, timeout=WAIT_MS)
    assert rig.replica.state.windows[1].pause_reason == "午休"
    assert p.view.pause_reason == "午休"
    assert p.view.enabled == {"resume", "sign_out", "ask_rating", "call_manager"}
    p.act("call_next")
    assert "窗口暂停中" in p.view.message
    assert "已恢复服务" in rig.act("resume")
    assert "已签退" in rig.act("sign_out")
    qtbot.waitUntil(lambda: not p.view.signed_in, timeout=WAIT_MS)


def test_refusals_in_plain_words(qtbot: Any, make_bridge: Any, hall_hub: ThreadedHub) -> None:
    rig = Rig(qtbot, make_bridge, hall_hub)
    rig.act("sign_in", staff="1001")
    qtbot.waitUntil(lambda: rig.p.view.signed_in, timeout=WAIT_MS)
    assert "今天没有这个号码" in rig.act("call_number", number="A999")
    hall_hub.issue(1, "C")  # window 1 does not serve C
    assert "本窗口不办理" in rig.act("call_number", number="C001")


def test_offline_keeps_the_state_disables_and_comes_back(
    qtbot: Any, make_bridge: Any, hall_hub: ThreadedHub
) -> None:
    rig = Rig(qtbot, make_bridge, hall_hub)
    p = rig.p
    rig.serving(2)
    hall_hub.stop()
    qtbot.waitUntil(lambda: not p.view.online, timeout=WAIT_MS)
    assert "断开" in p.view.message and p.view.current.number == "A001"
    assert p.view.enabled == frozenset()
    p.act("finish")
    assert "未连接" in p.view.message
    hall_hub.start()
    qtbot.waitUntil(lambda: p.view.online, timeout=WAIT_MS)
    assert "已办结" in rig.act("finish")


def test_every_action_answers_before_the_hub() -> None:
    fake = FakeRequester()
    p = CallerPresenter(1, fake, FakeClock())
    hall = HallConfig.from_public({"hall": {"name": "x"}, "windows": [
        {"number": 1, "name": "1号窗口", "services": ["A"]}],
        "services": [{"id": "A", "name": "办税", "zone": "z"}]})
    from hall.state import HallState
    state = HallState.from_public({"seq": 1, "windows": [
        {"number": 1, "staff": "1001", "staff_name": "王丽"}]})
    p.set_online(True)
    p.refresh(hall, state)
    p.act("call_next")
    assert p.view.message == "呼叫下一位…" and p.view.enabled == frozenset()
    p.act("call_next")  # a double press sends one request
    assert fake.sent == [("call_next", {"window": 1})]
    fake.answer(Reply.failure("timeout"))
    assert "没有及时回应" in p.view.message and "call_next" in p.view.enabled
    p.act("call_number", number=" ")
    assert "请输入要呼叫的号码" in p.view.message and fake.waiting == 0


def test_paused_while_serving_keeps_the_citizen_and_can_finish(
    qtbot: Any, make_bridge: Any, hall_hub: ThreadedHub,
) -> None:
    rig = Rig(qtbot, make_bridge, hall_hub)
    p = rig.p
    rig.serving(2)
    assert "已暂停服务（临时离开）" in rig.act("pause", reason="临时离开")
    qtbot.waitUntil(lambda: p.view.paused, timeout=WAIT_MS)
    assert p.view.current is not None and p.view.current.number == "A001"
    assert {"finish", "skip", "transfer", "hold", "resume"} <= p.view.enabled
    assert "call_next" not in p.view.enabled and "recall" not in p.view.enabled
    assert "A001 已办结" in rig.act("finish")
    qtbot.waitUntil(lambda: p.view.current is None, timeout=WAIT_MS)
    assert p.view.paused and rig.finished[0][1] == "A001"


def test_a_pause_without_a_reason_is_not_sent() -> None:
    fake = FakeRequester()
    p = _ready(fake)
    p.act("pause")
    assert "请先选择或填写暂停原因" in p.view.message and fake.sent == []
    p.act("pause", reason="  ")
    assert fake.sent == []
    p.act("pause", reason="会议")
    assert fake.sent == [("pause", {"window": 1, "reason": "会议"})]


def _ready(fake: FakeRequester, state: dict[str, Any] | None = None,
           hall: dict[str, Any] | None = None) -> CallerPresenter:
    from hall.state import HallState

    p = CallerPresenter(1, fake, FakeClock())
    config = HallConfig.from_public(hall or {"hall": {"name": "x"}, "windows": [
        {"number": 1, "name": "1号窗口", "services": ["A"]}],
        "services": [{"id": "A", "name": "办税", "zone": "z"}]})
    p.set_online(True)
    p.refresh(config, HallState.from_public(state or {"seq": 1, "windows": [
        {"number": 1, "staff": "1001", "staff_name": "王丽"}]}))
    return p


def test_the_waiting_list_is_in_call_order(
    qtbot: Any, make_bridge: Any, hall_hub: ThreadedHub,
) -> None:
    """Window 1 serves A before B: a B ticket issued first is listed after A's, as F1
    will call them (it was listed first)."""
    rig = Rig(qtbot, make_bridge, hall_hub)
    p = rig.p
    hall_hub.issue(1, "B")
    hall_hub.issue(2, "A")
    qtbot.waitUntil(lambda: p.view.total_waiting == 3, timeout=WAIT_MS)
    assert p.view.waiting_numbers == ("A001", "A002", "B001")


def test_the_service_timer_counts_from_the_first_call_not_a_recall(
    qtbot: Any, make_bridge: Any, hall_hub: ThreadedHub,
) -> None:
    rig = Rig(qtbot, make_bridge, hall_hub)
    p = rig.p
    rig.serving(1)
    hall_hub.clock.advance(minutes=2)
    rig.act("recall")
    qtbot.waitUntil(lambda: p.view.current.recalls == 1, timeout=WAIT_MS)
    p.tick()
    assert 119 < p.view.current.elapsed_s < 121


def test_the_queue_notice_shows_no_stale_count() -> None:
    p = _ready(FakeRequester())
    from hall.state import HallState

    hall = HallConfig.from_public({"hall": {"name": "x"}, "windows": [
        {"number": 1, "name": "1号窗口", "services": ["A"]}],
        "services": [{"id": "A", "name": "办税", "zone": "z"}]})
    state = HallState.from_public({"seq": 2, "windows": [
        {"number": 1, "staff": "1001", "staff_name": "王丽"}], "tickets": [
        {"id": n, "number": f"A00{n}", "service": "A", "priority": False, "status": "waiting",
         "issued_at": "2026-11-02T09:00:00+08:00", "order": n} for n in (1, 2)]})
    p.refresh(hall, state)
    assert p.view.notice == "有人排队了" and p.view.total_waiting == 2
