"""The one TOML reading path: the hall config, profiles and station files fail alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall.config import ConfigError, load_config
from hall.profiles import ProfileError, load_raw
from hall.tomlfile import FILE_KEY, read_toml
from qtkit.station import StationError, load_station


def test_one_error_type_names_file_line_and_message(tmp_path: Path) -> None:
    (tmp_path / "pads").mkdir()
    bad = "x = [1,\n  2 3]\n"
    hall = tmp_path / "hall.toml"
    pad = tmp_path / "pads" / "p.toml"
    station = tmp_path / "station.toml"
    for path in (hall, pad, station):
        path.write_text(bad, encoding="utf-8")
    errors: list[ConfigError] = []
    for read, kind in ((lambda: load_config(hall), ConfigError),
                       (lambda: load_raw("pads", "p", tmp_path), ProfileError),
                       (lambda: load_station(station, environ={}), StationError)):
        with pytest.raises(kind) as raised:
            read()
        errors.append(raised.value)
    assert [e.file for e in errors] == [hall, pad, station]
    assert {e.key for e in errors} == {"line 2, column 5"}
    assert all(isinstance(e, ConfigError) for e in errors)
    assert len({e.message for e in errors}) == 1
    assert errors[0].message.startswith("not valid TOML: ")


def test_missing_and_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        read_toml(tmp_path / "none.toml")
    assert (raised.value.key, raised.value.file) == (FILE_KEY, tmp_path / "none.toml")
    assert raised.value.message.startswith("cannot read: ")
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('name = "东乡"\n'.encode("gbk"))
    with pytest.raises(StationError, match=r"gbk\.toml: \(file\): is not UTF-8 text"):
        read_toml(gbk, StationError)


def test_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbfa = 1\n")
    assert read_toml(path) == {"a": 1}
