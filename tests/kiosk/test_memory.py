"""The hall's name a kiosk remembers from the hub, for a start without the hub."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hall.config import HallConfig
from hall.state import HallState
from kiosk.memory import HallMemory
from kiosk.presenter import KioskPresenter, KioskSettings
from qtkit.results import FakeRequester
from tests.kiosk.test_presenter import TEN_AM, FakePrinter


def test_the_file_sits_beside_the_station_file(tmp_path: Path) -> None:
    memory = HallMemory.beside(tmp_path / "kiosk-3.toml")
    assert memory.path == tmp_path / "kiosk-3.last-hall.json"


def test_a_saved_name_comes_back_and_nothing_is_left_half_written(tmp_path: Path) -> None:
    path = tmp_path / "k.last-hall.json"
    assert HallMemory(path).load() == ("", "")  # never reached a hub: nothing
    HallMemory(path).save("东乡区政务服务中心", "Dongxiang Service Centre")
    assert HallMemory(path).load() == ("东乡区政务服务中心", "Dongxiang Service Centre")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.last-hall.json"]
    HallMemory(path).save("", "")  # an empty name never overwrites a known one
    assert HallMemory(path).load()[0] == "东乡区政务服务中心"


def test_an_unchanged_name_is_not_written_again(tmp_path: Path) -> None:
    path = tmp_path / "k.last-hall.json"
    memory = HallMemory(path)
    memory.save("东乡区政务服务中心", "")
    os.utime(path, (1, 1))
    memory.save("东乡区政务服务中心", "")
    assert path.stat().st_mtime == 1


@pytest.mark.parametrize("text", ["{half", '["not", "a table"]', '{"name": 7}'])
def test_a_broken_file_is_ignored(tmp_path: Path, text: str) -> None:
    path = tmp_path / "k.last-hall.json"
    path.write_text(text, encoding="utf-8")
    assert HallMemory(path).load() == ("", "")
    HallMemory(path).save("东乡区政务服务中心", "")  # and replaced by the next name
    assert HallMemory(path).load() == ("东乡区政务服务中心", "")


def test_a_read_only_station_folder_sends_it_to_the_users_state_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    etc, state = tmp_path / "etc", tmp_path / "state"
    etc.mkdir()
    station = etc / "kiosk.toml"
    assert HallMemory.for_station(station, {}).path == etc / "kiosk.last-hall.json"
    # /etc/jiaohao as the desktop user (chmod would not stop root, so the check is faked)
    monkeypatch.setattr("kiosk.memory.os.access", lambda path, mode: Path(path) != etc)
    memory = HallMemory.for_station(station, {"XDG_STATE_HOME": str(state)})
    assert memory.path == state / "jiaohao" / "kiosk.last-hall.json"
    memory.save("东乡区政务服务中心", "")  # the folder is made on the first name
    assert HallMemory(memory.path).load() == ("东乡区政务服务中心", "")


def test_a_folder_the_kiosk_cannot_write_to_is_not_fatal(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    memory = HallMemory(blocker / "k.last-hall.json")  # its folder is a file
    memory.save("东乡区政务服务中心", "")
    assert memory.load() == ("", "")


def test_the_remembered_name_comes_before_the_station_files() -> None:
    empty = HallConfig.from_public({"hall": {"name": ""}})  # the replica before a welcome
    p = KioskPresenter(lambda: empty, HallState, FakeRequester(), FakePrinter(),
                       clock=lambda: TEN_AM, settings=KioskSettings(hall_name="旧名称"),
                       last_hall_name=("东乡区政务服务中心", "Dongxiang Service Centre"))
    assert p.hall_name == ("东乡区政务服务中心", "Dongxiang Service Centre")
    assert p.never_reached
