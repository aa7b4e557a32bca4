"""Golden frames per profile, both directions: the codecs write exactly the recorded
bytes and read them back to the same message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devices import keypad as kp
from devices import ledbar as lb
from devices import pad as pd
from devices.events import KeyAction
from devices.framing import decode_frame
from devices.profiles import load_profile, profile_ids
from tests.devices.golden import golden_files, host_command, load

FILES = golden_files()


def test_every_profile_has_golden_frames() -> None:
    covered = {(load(f)["kind"], load(f)["profile"]) for f in FILES}
    for kind in ("pad", "keypad", "ledbar"):
        for profile_id in profile_ids(kind):
            assert (kind, profile_id) in covered, f"no golden frames for {kind} {profile_id}"


def encode(kind: str, profile: Any, address: int, command: Any) -> bytes:
    if kind == "pad":
        return pd.encode_pad(profile, address, command)
    if kind == "keypad":
        return kp.encode_keypad(profile, address, command)
    return lb.encode_bar(profile, address, command)


def decode_host(kind: str, profile: Any, data: bytes) -> Any:
    if kind == "pad":
        return pd.decode_pad_command(profile, data)
    if kind == "keypad":
        return kp.decode_keypad_command(profile, data)
    return lb.decode_bar_command(profile, data)


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_host_to_device(path: Path) -> None:
    golden = load(path)
    kind = golden["kind"]
    profile = load_profile(kind, golden["profile"])
    assert golden["host"], "a golden file needs host frames"
    for entry in golden["host"]:
        command = host_command(kind, entry)
        data = bytes.fromhex(entry["hex"])
        assert encode(kind, profile, entry["address"], command) == data, entry
        decoded = decode_host(kind, profile, data)
        assert decoded is not None, entry
        address, back = decoded
        assert address == entry["address"]
        if kind == "keypad" and isinstance(command, kp.ShowDisplay):
            cells = kp.display_cells(profile, command.ticket, command.waiting)
            assert back == kp.RawCells(tuple(cells))
        else:
            assert back == command, entry


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_device_to_host(path: Path) -> None:
    golden = load(path)
    kind = golden["kind"]
    profile = load_profile(kind, golden["profile"])
    for entry in golden.get("device", []):
        data = bytes.fromhex(entry["hex"])
        address = entry["address"]
        if kind == "pad":
            expected_press = pd.PadPress(address, entry["key"], entry["score"])
            assert pd.decode_pad(profile, data) == expected_press
            assert pd.encode_press(profile, address, entry["key"]) == data
        elif kind == "keypad":
            expected = KeyAction(address, entry["action"], entry["digits"])
            assert kp.decode_keypad(profile, data) == expected
            code, before = kp.code_for(profile, entry["action"])
            assert kp.encode_key(profile, address, code, entry["digits"] or before) == data
        else:
            frame = decode_frame(profile.framing, data)
            assert frame is not None
            sent = lb.bar_frame(profile, address, lb.BarText("x"))
            assert profile.device_ack.confirms(sent, frame)


def test_beep_matches_the_documented_example() -> None:
    # docs/hardware.md: "to address 1: FF 68 02 02 68 01 03 04 16"
    profile = load_profile("keypad", "ff68-keypad")
    assert kp.encode_keypad(profile, 1, kp.Beep()) == bytes.fromhex("FF 68 02 02 68 01 03 04 16")


@pytest.mark.parametrize(
    ("kind", "pid", "command", "hex_"),
    [
        # L = 3 (ADDR FUNC 0B), CS = 01 + 01 + 0B = 0D
        ("pad", "ff68-4key", pd.StartRating(), "FF 68 03 03 68 01 01 0B 0D 16"),
        # "01R030" ETX; XOR 30^31^52^30^33^30^03 = 63 → "63"
        ("pad", "stx-5key", pd.StartRating(30), "02 30 31 52 30 33 30 03 36 33"),
        # 请 C7EB, 号 BAC5 in GBK; LEN 9 little-endian; sum of 01..C5 = 0x41E → 1E
        ("ledbar", "a5-sum", lb.BarText("请A001号", True),
         "A5 01 10 09 00 01 C7 EB 41 30 30 31 BA C5 1E 5A"),
    ],
)
def test_frames_worked_out_by_hand(kind: str, pid: str, command: Any, hex_: str) -> None:
    profile = load_profile(kind, pid)
    assert encode(kind, profile, 1, command) == bytes.fromhex(hex_)
