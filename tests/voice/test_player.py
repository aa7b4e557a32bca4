"""The player thread: one at a time, in order, nothing spoken over or cut off."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from hall.config import HallConfig
from tests.conftest import TIMEOUT_S
from tests.voice.conftest import at, called
from voice.announcer import Announcer
from voice.backends import RecordingBackend, SilentBackend, default_backend, heard
from voice.player import Player


def test_calls_are_said_in_order_without_overlap(config: HallConfig) -> None:
    backend = RecordingBackend(duration_s=0.02)
    player = Player(Announcer(config), backend, clock=lambda: at(10))
    try:
        player.offer(called(1, "A001", 3))
        player.offer(called(2, "B001", 12, "B"))
        player.offer(called(3, "A002", 3))
        assert player.wait_idle(TIMEOUT_S)
    finally:
        player.close()
    said = backend.spoken
    assert [(s.number, s.window) for s in said] == [("A001", 3), ("B001", 12), ("A002", 3)]
    assert "请A零零一号到三号窗口办理" in said[0].text
    assert "请B零零一号到十二号窗口办理" in said[1].text
    for before, after in pairwise(said):
        assert before.end <= after.start  # the next starts only after the last ended
        assert before.end > before.start  # and none was cut short


def test_a_failing_backend_does_not_stop_the_player(config: HallConfig) -> None:
    class Broken(RecordingBackend):
        def play(self, item):  # type: ignore[no-untyped-def]
            if item.number == "A001":
                raise RuntimeError("sound card gone")
            super().play(item)

    backend = Broken()
    player = Player(Announcer(config), backend, clock=lambda: at(10))
    try:
        player.offer(called(1, "A001", 3))
        player.offer(called(2, "A002", 3))
        assert player.wait_idle(TIMEOUT_S)
    finally:
        player.close()
    assert [s.number for s in backend.spoken] == ["A002"]


def test_silent_backend_says_why_once(config: HallConfig, caplog) -> None:  # type: ignore[no-untyped-def]
    backend = SilentBackend("no audio player found")
    player = Player(Announcer(config), backend, clock=lambda: at(10))
    try:
        player.offer(called(1, "A001", 3))
        player.offer(called(2, "A002", 3))
        assert player.wait_idle(TIMEOUT_S)
    finally:
        player.close()
    assert sum("no audio player found" in r.message for r in caplog.records) == 1


# -- will calls be heard? (a fresh install was mute and said so nowhere) ----------------


def fake_player(folder: Path, program: str, exit_code: int, said: str = "") -> None:
    """A stand-in for a player command on PATH: exits ``exit_code``, printing ``said``."""
    folder.mkdir(exist_ok=True)
    script = folder / program
    script.write_text(f"#!/bin/sh\necho '{said}' >&2\nexit {exit_code}\n")
    script.chmod(0o755)


def test_no_player_installed_says_which_package_brings_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    ok, lobby, detail = heard(default_backend())
    assert not ok and lobby == "语音播报暂不可用，请留意屏幕叫号"
    assert "no audio player" in detail and "alsa-utils" in detail


def test_a_player_without_a_sound_card_is_reported_mute(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_player(tmp_path / "bin", "aplay", 1, "aplay: main:831: audio open error: "
                "No such file or directory")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    ok, lobby, detail = heard(default_backend())
    assert not ok and lobby.startswith("语音播报暂不可用")
    assert "aplay cannot play: aplay: main:831: audio open error" in detail


def test_a_player_that_plays_means_calls_will_be_heard(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    espeak = shutil.which("espeak-ng")
    if espeak is None:
        pytest.skip("needs espeak-ng")
    fake_player(tmp_path / "bin", "aplay", 0)
    (tmp_path / "bin" / "espeak-ng").symlink_to(espeak)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    ok, lobby, detail = heard(default_backend())
    assert ok and lobby == "语音播报已就绪"
    assert detail == "calls will be heard: espeak-ng through aplay"
