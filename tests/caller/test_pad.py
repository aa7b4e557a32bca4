"""A terminal that drives its window's pad: finish asks for a rating; the key rates
that ticket, window and clerk; 亮牌 while signed in."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

from devices.profiles import load_ledbar, load_pad
from devices.virtual import VirtualBar, VirtualBus, VirtualPad
from qtkit.station import SerialSpec
from tests.caller.conftest import WAIT_MS
from tests.qtkit.conftest import ThreadedHub


def served_and_asked(qtbot: Any, p: Any, hub: ThreadedHub, pad: Any) -> None:
    """A001 issued, called and finished at the terminal; its pad asks for a rating."""
    hub.issue(1, "A")
    qtbot.waitUntil(lambda: "call_next" in p.view.enabled, timeout=WAIT_MS)
    p.act("call_next")
    qtbot.waitUntil(lambda: "finish" in p.view.enabled, timeout=WAIT_MS)
    p.act("finish")
    qtbot.waitUntil(lambda: pad.lit, timeout=WAIT_MS)


def test_finish_asks_the_pad_and_the_key_rates_that_service(
    qtbot: Any, terminal: Any, hall_hub: ThreadedHub
) -> None:
    profile = load_pad("ff68-5key-screen")
    with VirtualBus(profile.framing) as bus:
        pad = bus.add(VirtualPad(profile, address=1))
        wiring = terminal(serial=(SerialSpec("pad", bus.path, profile.id, 1, 1),))
        p = wiring.presenter
        p.act("sign_in", staff="1002")
        qtbot.waitUntil(lambda: pad.screen == "李强 工号1002", timeout=WAIT_MS)  # 亮牌
        served_and_asked(qtbot, p, hall_hub, pad)
        pad.press_score(4)
        qtbot.waitUntil(lambda: "A001 评价已记录" in p.view.message, timeout=WAIT_MS)
        pad.press_score(1)  # nothing pending: ignored, never a second rating
        qtbot.waitUntil(lambda: not pad.lit, timeout=WAIT_MS)
        with closing(sqlite3.connect(hall_hub.db_path)) as db:
            rows = db.execute("SELECT number, window, staff, score FROM ratings").fetchall()
        assert rows == [("A001", 1, "1002", 4)]


def test_a_terminal_drives_its_own_bar(qtbot: Any, terminal: Any, hall_hub: ThreadedHub) -> None:
    profile = load_ledbar("a5-sum")
    with VirtualBus(profile.framing) as bus:
        bar = bus.add(VirtualBar(profile, address=4))
        wiring = terminal(window=4, serial=(SerialSpec("ledbar", bus.path, profile.id, 4, 4),))
        p = wiring.presenter
        qtbot.waitUntil(lambda: bar.text != "", timeout=WAIT_MS)
        idle = bar.text
        p.act("sign_in", staff="1001")
        hall_hub.issue(1, "A")
        qtbot.waitUntil(lambda: "call_next" in p.view.enabled, timeout=WAIT_MS)
        p.act("call_next")
        qtbot.waitUntil(lambda: "A001" in bar.text and bar.flashing, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "finish" in p.view.enabled, timeout=WAIT_MS)
        p.act("finish")
        qtbot.waitUntil(lambda: bar.text == idle, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "pause" in p.view.enabled, timeout=WAIT_MS)
        p.act("pause", reason="会议")
        qtbot.waitUntil(lambda: bar.text == "暂停服务", timeout=WAIT_MS)


def test_a_terminal_shows_the_clerks_photo_on_its_pad_and_asks_why_after_a_bad_rating(
    qtbot: Any, terminal: Any, hall_hub: ThreadedHub, tmp_path: Any,
) -> None:
    from PIL import Image

    from devices.pad import photo_raster
    from devices.ratings import REASON_PROMPT

    Image.new("L", (120, 150), 40).save(tmp_path / "1002.jpg")
    profile = load_pad("ff68-5key-photo")
    with VirtualBus(profile.framing) as bus:
        pad = bus.add(VirtualPad(profile, address=1))
        wiring = terminal(serial=(SerialSpec("pad", bus.path, profile.id, 1, 1),),
                          app={"photos": str(tmp_path)})
        p = wiring.presenter
        p.act("sign_in", staff="1002")
        expected = photo_raster(str(tmp_path / "1002.jpg"), 64, 80)
        qtbot.waitUntil(lambda: pad.photo == expected, timeout=WAIT_MS)
        served_and_asked(qtbot, p, hall_hub, pad)
        pad.press_score(2)
        qtbot.waitUntil(lambda: pad.screen == REASON_PROMPT and pad.lit, timeout=WAIT_MS)
        pad.press_score(3)  # 办事效率低
        qtbot.waitUntil(lambda: "A001 评价已记录" in p.view.message, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: pad.screen == "李强 工号1002", timeout=WAIT_MS)
        with closing(sqlite3.connect(hall_hub.db_path)) as db:
            row = db.execute("SELECT r.score, json_extract(e.data, '$.reason') FROM ratings r"
                             " JOIN events e ON e.seq = r.seq").fetchone()
        assert row == (2, "办事效率低")


def test_a_rating_given_while_the_hub_is_down_is_kept_and_sent_once_it_returns(
    qtbot: Any, terminal: Any, hall_hub: ThreadedHub, tmp_path: Any,
) -> None:
    from devices.outbox import RatingOutbox

    profile = load_pad("stx-5key")
    with VirtualBus(profile.framing) as bus:
        pad = bus.add(VirtualPad(profile, address=1))
        wiring = terminal(serial=(SerialSpec("pad", bus.path, profile.id, 1, 1),),
                          file=tmp_path / "window-1.toml")
        assert wiring.outbox.path == tmp_path / "window-1.ratings.jsonl"
        p = wiring.presenter
        p.act("sign_in", staff="1001")
        served_and_asked(qtbot, p, hall_hub, pad)
        hall_hub.stop()
        qtbot.waitUntil(lambda: not p.view.online, timeout=WAIT_MS)
        pad.press_score(5)
        qtbot.waitUntil(lambda: len(wiring.outbox) == 1 and not wiring._sending,
                        timeout=WAIT_MS)
        assert [k.number for k in RatingOutbox(wiring.outbox.path).waiting()] == ["A001"]
        hall_hub.start()
        qtbot.waitUntil(lambda: len(wiring.outbox) == 0, timeout=WAIT_MS)
        with closing(sqlite3.connect(hall_hub.db_path)) as db:
            rows = db.execute("SELECT number, score FROM ratings").fetchall()
        assert rows == [("A001", 5)]
    assert RatingOutbox(tmp_path / "window-1.ratings.jsonl").waiting() == []
