"""Pad, keypad and bar codecs: decoding never raises, and the rules around them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices import keypad as kp
from devices import ledbar as lb
from devices import pad as pd
from devices.events import KeyAction
from devices.framing import Frame
from devices.profiles import (
    KeypadProfile,
    LedBarProfile,
    PadProfile,
    load_keypad,
    load_ledbar,
    load_pad,
    load_profile,
    profile_ids,
)

PROFILES: list[Any] = [
    load_profile(kind, pid) for kind in ("pad", "keypad", "ledbar") for pid in profile_ids(kind)
]


def decoders(profile: Any, data: bytes) -> None:
    if isinstance(profile, PadProfile):
        pd.decode_pad(profile, data)
        pd.decode_pad_command(profile, data)
    elif isinstance(profile, KeypadProfile):
        kp.decode_keypad(profile, data)
        kp.decode_keypad_command(profile, data)
    elif isinstance(profile, LedBarProfile):
        lb.decode_bar_command(profile, data)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300))
def test_no_decoder_raises_on_any_bytes(data: bytes) -> None:
    for profile in PROFILES:
        decoders(profile, data)


@settings(max_examples=300, deadline=None)
@given(address=st.integers(0, 99), func=st.integers(0x20, 0x7E), body=st.binary(max_size=60))
def test_no_decoder_raises_on_any_valid_frame(address: int, func: int, body: bytes) -> None:
    # random bytes rarely form a frame: wrap random contents in valid frames too
    for profile in PROFILES:
        fmt = profile.framing
        try:
            data = fmt.encode(Frame(address, func, body))
        except ValueError:
            data = fmt.encode(Frame(address, func, bytes(b for b in body if b > 3)))
        decoders(profile, data)


def test_four_key_pad_maps_to_four_levels() -> None:
    pad = load_pad("ff68-4key")
    scores = sorted(pad.keys.values())
    assert scores == [2, 3, 4, 5]
    assert pd.decode_pad(pad, pd.encode_press(pad, 1, "03")) == pd.PadPress(1, "03", 5)
    unknown = pad.framing.encode(Frame(1, 0x11, b"\x09"))
    assert pd.decode_pad(pad, unknown) == pd.PadPress(1, "09", None)


def test_screen_text_is_gbk_and_cut_on_a_character_boundary() -> None:
    pad = load_pad("ff68-5key-screen")
    assert pad.screen is not None
    frame = pd.pad_frame(pad, 1, pd.ShowText("王小明 工号0371"))
    assert frame.data.decode("gbk") == "王小明 工号0371"
    long = pd.pad_frame(pad, 1, pd.ShowText("很" * 40))
    assert len(long.data) == 32 and long.data.decode("gbk") == "很" * 16
    with pytest.raises(ValueError, match="no screen"):
        pd.pad_frame(load_pad("ff68-4key"), 1, pd.ShowText("x"))


def test_ascii_pad_carries_its_countdown() -> None:
    pad = load_pad("stx-5key")
    data = pd.encode_pad(pad, 12, pd.StartRating(45))
    assert data.startswith(b"\x0212R045\x03")
    assert pd.decode_pad_command(pad, data) == (12, pd.StartRating(45))
    with pytest.raises(ValueError, match="timeout"):
        pd.encode_pad(pad, 1, pd.StartRating(None))


def test_keypad_display_cells() -> None:
    keypad = load_keypad("ff68-keypad")
    assert kp.display_cells(keypad, "A001", None) == bytes([10, 10, 10, 0, 0, 1])
    assert kp.display_cells(keypad, None, 12) == bytes([10, 1, 2, 10, 10, 10])
    assert kp.display_cells(keypad, "B7", 3456) == bytes([9, 9, 9, 0, 0, 7])
    assert kp.cells_text(keypad, (10, 1, 2, 0, 0, 7)) == " 12007"
    with pytest.raises(ValueError, match="negative"):
        kp.display_cells(keypad, None, -1)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x0c", KeyAction(2, "call_next")),
        (b"\x06\x0f", KeyAction(2, "skip")),
        (b"\x00\x0f", KeyAction(2, "hang")),
        (b"\x03\x0f", KeyAction(2, "call_back")),
        (b"\x01\x02\x0f", KeyAction(2, "enter", "12")),
        (b"\x09\x0f", KeyAction(2, "enter", "9")),
        (b"\x0f", None),  # confirm with nothing typed
        (b"\x02\x13", KeyAction(2, "transfer", "2")),
        (b"\x20", None),  # unknown key
        (b"\x1a\x0c", None),  # not a digit before the key
    ],
)
def test_keypad_keys(data: bytes, expected: KeyAction | None) -> None:
    keypad = load_keypad("ff68-keypad")
    assert kp.action_from_frame(keypad, Frame(2, 0x01, data)) == expected


def test_keypad_ignores_echoes_of_host_commands() -> None:
    keypad = load_keypad("ff68-keypad")
    assert kp.action_from_frame(keypad, Frame(2, 0x11, b"\x0c")) is None  # a pad's func


def test_bar_templates_encoding_and_limits() -> None:
    bar = load_ledbar("a5-sum")
    assert lb.render_template(bar, "call", number="A001") == "请A001号"
    frame = lb.bar_frame(bar, 3, lb.BarText("暂停服务"))
    assert frame.data == b"\x00" + "暂停服务".encode("gbk")
    flash = lb.bar_frame(bar, 3, lb.BarText("请A001号", flash=True))
    assert flash.data[:1] == b"\x01"
    with pytest.raises(ValueError, match="bytes"):
        lb.bar_frame(bar, 1, lb.BarText("长" * 200))
    with pytest.raises(ValueError, match="needs field"):
        lb.render_template(load_ledbar("55aa-crc"), "call", number="A001")
    with pytest.raises(ValueError, match="no template"):
        lb.render_template(bar, "nope")


def test_bar_without_flash_shows_a_call_steady_and_replaces_missing_glyphs() -> None:
    bar = load_ledbar("55aa-crc")  # GB2312, no flashing
    data = lb.encode_bar(bar, 1, lb.BarText("请A001号到3号窗口", flash=True))
    assert lb.decode_bar_command(bar, data) == (1, lb.BarText("请A001号到3号窗口", False))
    rare = lb.bar_frame(bar, 1, lb.BarText("李喆"))  # 喆 is in GBK but not in GB2312
    assert rare.data == "李".encode("gb2312") + b"?"
