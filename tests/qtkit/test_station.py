"""Station files: every example parses, and every mistake names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from qtkit.station import StationError, load_station

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "stations").glob("*.toml"))

GOOD = """
[station]
hub = "ws://127.0.0.1:8765"
device = "kiosk-1"
token = "secret"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_station_parses(path: Path) -> None:
    station = load_station(path, environ={"JIAOHAO_TOKEN": "from-env"})
    assert station.hub.startswith("ws://") and station.device and station.token


def test_examples_cover_every_app() -> None:
    assert {p.stem for p in EXAMPLES} >= {"kiosk", "caller", "display"}


def test_a_full_station(tmp_path: Path) -> None:
    station = load_station(_write(tmp_path, GOOD + """
[printer]
profile = "zh-58mm"
connection = "tcp:192.168.1.50:9100"

[[serial]]
kind = "pad"
port = "/dev/ttyUSB0"
profile = "ff68-4key"
window = 3

[app]
anything = "the app's own"
"""), environ={})
    assert station.token == "secret"
    assert station.printer is not None and station.printer.profile == "zh-58mm"
    assert station.serial[0].kind == "pad" and station.serial[0].window == 3
    assert station.app == {"anything": "the app's own"}
    assert "secret" not in repr(station)


def test_the_token_may_come_from_the_environment(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace('token = "secret"\n', ""))
    assert load_station(path, environ={"JIAOHAO_TOKEN": " env-token "}).token == "env-token"
    with pytest.raises(StationError, match=r"station\.token: is required here or in the "
                                           r"JIAOHAO_TOKEN"):
        load_station(path, environ={})


def test_overrides_replace_hub_and_device(tmp_path: Path) -> None:
    station = load_station(_write(tmp_path, GOOD), environ={})
    moved = station.with_overrides(hub="ws://10.0.0.2:9000", device=None)
    assert (moved.hub, moved.device, moved.token) == ("ws://10.0.0.2:9000", "kiosk-1", "secret")


@pytest.mark.parametrize(("text", "key", "message"), [
    ("[station\n", "line 1, column 9", "not valid TOML"),
    ("x = 1\n", "x", "unknown key"),
    ("[printer]\n", "station", "is required"),
    (GOOD.replace('device = "kiosk-1"', "device = 7"), "station.device", "non-empty string"),
    (GOOD.replace('device = "kiosk-1"', ""), "station.device", "is required"),
    (GOOD.replace("ws://", "http://"), "station.hub", "ws://"),
    (GOOD + "tokn = 1\n", "station.tokn", "unknown key"),
    (GOOD + '[printer]\nprofile = "nope"\nconnection = "tcp:1.2.3.4"\n',
     "printer.profile", "no printers profile 'nope'"),
    (GOOD + '[printer]\nprofile = "zh-58mm"\nconnection = "carrier-pigeon:x"\n',
     "printer.connection", "carrier-pigeon"),
    (GOOD + '[printer]\nprofile = "zh-58mm"\n', "printer.connection", "is required"),
    ('serial = "COM1"\n' + GOOD, "serial", "array of tables"),
    (GOOD + '[[serial]]\nkind = "fax"\nport = "/dev/x"\nprofile = "a"\n',
     "serial[0].kind", "pad, keypad, ledbar"),
    (GOOD + '[[serial]]\nkind = "pad"\nport = "/dev/x"\nprofile = "a5-xor"\n',
     "serial[0].profile", "no pads profile"),
    (GOOD + '[[serial]]\nkind = "ledbar"\nport = "/dev/x"\nprofile = "a5-xor"\naddress = -1\n',
     "serial[0].address", "whole number"),
    (GOOD + '[[serial]]\nkind = "ledbar"\nprofile = "a5-xor"\n', "serial[0].port", "required"),
    ('app = 3\n' + GOOD, "app", "must be a table"),
])
def test_mistakes_name_file_and_key(
    tmp_path: Path, text: str, key: str | None, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(StationError) as raised:
        load_station(path, environ={})
    error = raised.value
    assert error.file == path and error.key == key
    assert message in str(error) and str(path) in str(error)


def test_a_missing_or_binary_file(tmp_path: Path) -> None:
    with pytest.raises(StationError, match="cannot read"):
        load_station(tmp_path / "absent.toml", environ={})
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(StationError, match="not UTF-8"):
        load_station(path, environ={})
