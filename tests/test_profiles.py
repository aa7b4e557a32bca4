"""The shared hardware-profile loader: inheritance, merging, errors naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall.profiles import ProfileError, list_profiles, load_raw


def write(root: Path, kind: str, name: str, text: str) -> Path:
    folder = root / kind
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_inherits_merges_tables_and_tracks_origins(tmp_path: Path) -> None:
    base = write(tmp_path, "pads", "base", 'baudrate = 9600\n[keys]\n"01" = 5\n"02" = 4\n')
    child = write(tmp_path, "pads", "child", 'inherits = "base"\n[keys]\n"02" = 3\n')
    raw = load_raw("pads", "child", tmp_path)
    assert raw.data == {"baudrate": 9600, "keys": {"01": 5, "02": 3}}
    assert raw.origins["keys.02"] == child
    assert raw.origins["keys.01"] == base
    assert raw.chain == (child, base)
    assert list_profiles("pads", tmp_path) == ["base", "child"]


def test_reader_errors_name_the_file_that_set_the_key(tmp_path: Path) -> None:
    base = write(tmp_path, "pads", "base", 'baudrate = "fast"\n')
    write(tmp_path, "pads", "child", 'inherits = "base"\n')
    reader = load_raw("pads", "child", tmp_path).reader()
    with pytest.raises(ProfileError) as info:
        reader.get("baudrate", int)
    assert info.value.file == base
    assert info.value.key == "baudrate"
    assert "must be an integer" in str(info.value)


@pytest.mark.parametrize(
    ("files", "wanted", "message"),
    [
        ({"a": 'inherits = "b"\n', "b": 'inherits = "a"\n'}, "a", "cycle"),
        ({"a": 'inherits = "nope"\n'}, "a", "missing profile 'nope'"),
        ({"a": "x = \n"}, "a", "not valid TOML"),
        ({"a": "inherits = 3\n"}, "a", "profile id string"),
        ({}, "a", "no pads profile 'a'"),
    ],
)
def test_bad_profiles_fail_clearly(
    tmp_path: Path, files: dict[str, str], wanted: str, message: str
) -> None:
    (tmp_path / "pads").mkdir()
    for name, text in files.items():
        write(tmp_path, "pads", name, text)
    with pytest.raises(ProfileError, match=message):
        load_raw("pads", wanted, tmp_path)


def test_hex_bytes_and_ranges(tmp_path: Path) -> None:
    write(tmp_path, "pads", "p", 'header = "FF 68"\nbad = "FG"\naddr = 300\nlst = [1, 2]\n')
    reader = load_raw("pads", "p", tmp_path).reader()
    assert reader.hex_bytes("header") == b"\xff\x68"
    assert reader.hex_bytes("lst") == b"\x01\x02"
    with pytest.raises(ProfileError, match="hex"):
        reader.hex_bytes("bad")
    with pytest.raises(ProfileError, match="between 0 and 255"):
        reader.int_range("addr", 0, 255)
    with pytest.raises(ProfileError, match="unknown key"):
        reader.reject_unknown({"header"})
