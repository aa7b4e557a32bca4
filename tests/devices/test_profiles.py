"""Every pad, keypad and bar profile loads; bad ones fail naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.profiles import load_ledbar, load_pad, load_profile, profile_ids
from hall.profiles import ProfileError, default_root


@pytest.mark.parametrize(
    ("kind", "pid"),
    [(k, p) for k in ("pad", "keypad", "ledbar") for p in profile_ids(k)],
)
def test_every_profile_loads_and_cites_its_source(kind: str, pid: str) -> None:
    profile = load_profile(kind, pid)
    assert profile.id == pid and profile.name and profile.source
    first = profile.file.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#"), f"{profile.file} must start with a comment citing its source"


def test_the_required_models_exist() -> None:
    assert {"ff68-4key", "stx-5key", "ff68-5key-screen"} <= set(profile_ids("pad"))
    assert profile_ids("keypad")
    assert len(profile_ids("ledbar")) >= 2
    assert load_pad("ff68-5key-screen").screen is not None


def copy_tree(tmp_path: Path) -> Path:
    for kind in ("pads", "keypads", "ledbars"):
        (tmp_path / kind).mkdir()
        for f in (default_root() / kind).glob("*.toml"):
            (tmp_path / kind / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ('inherits = "ff68-4key"\n[keys]\n"07" = 9\n', "keys.07", "between 1 and 5"),
        ('inherits = "ff68-4key"\n[keys]\n"zz" = 3\n', "keys.zz", "bad key code"),
        ('inherits = "ff68-4key"\nkind = "ledbar"\n', "kind", "must be 'pad'"),
        ('inherits = "ff68-4key"\n[framing]\nfamily = "morse"\n', "framing.family", "one of"),
        ('inherits = "ff68-4key"\n[serial]\nbaud = 9600\n', "serial.baud", "unknown key"),
        ('inherits = "ff68-4key"\n[ack]\ndevice = { mode = "maybe" }\n', "ack.device.mode",
         "one of"),
        ('inherits = "ff68-4key"\n[protocol]\nkey_func = "KK"\n', "protocol.key_func", "byte"),
    ],
)
def test_bad_pad_profiles_name_file_and_key(
    tmp_path: Path, text: str, key: str, message: str
) -> None:
    root = copy_tree(tmp_path)
    bad = root / "pads" / "bad.toml"
    bad.write_text("# test\n" + text, encoding="utf-8")
    with pytest.raises(ProfileError, match=message) as info:
        load_pad("bad", root)
    assert info.value.key == key


def test_bad_bar_profile(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    (root / "ledbars" / "bad.toml").write_text(
        'inherits = "a5-sum"\n[text]\nencoding = "klingon"\n', encoding="utf-8"
    )
    with pytest.raises(ProfileError, match="unknown text encoding"):
        load_ledbar("bad", root)
    with pytest.raises(ValueError, match="unknown device kind"):
        load_profile("printer", "x")


def test_a_key_whose_answer_reads_as_a_command_is_refused(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    (root / "pads" / "bad.toml").write_text(
        'inherits = "ff68-4key"\n[keys]\n"0B" = 1\n', encoding="utf-8"
    )
    with pytest.raises(ProfileError, match="start command") as info:
        load_pad("bad", root)
    assert info.value.key == "keys.0B"
