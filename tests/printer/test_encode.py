"""The encoder: Chinese mode bytes, raster fallback, marking, goldens."""

from __future__ import annotations

import pytest

from printer.encode import EncodedTicket, encode_ticket, native_bytes
from printer.layout import MISSING_MARK, Align, TextLine, layout_ticket, sample_content
from printer.profile import TextMode, load_printer_profile, printer_profile_ids
from printer.render import RasterBlock, TextBlock, parse
from tests.printer.golden import DATA, sample_bytes


def encode_line(pid: str, text: str) -> EncodedTicket:
    return encode_ticket(load_printer_profile(pid), [TextLine(text, Align.LEFT)])


def test_chinese_mode_sends_latin_as_single_bytes() -> None:
    data = encode_line("zh-80mm", "A001 号").data
    assert data.startswith(b"\x1b@\x1c&")
    assert data.endswith(b"\x1c.")
    assert b"A001 " + "号".encode("gb18030") + b"\n" in data


@pytest.mark.parametrize("pid", ["zh-80mm", "zh-58mm-qr-image"])
def test_cjk_punctuation_and_full_width_forms_are_native(pid: str) -> None:
    text = "（１号）：，。、！？“”—…·￥"  # 16 characters: one line even on 58 mm
    enc = encode_line(pid, text)
    assert enc.unencodable == () and enc.marked == ()
    mode = load_printer_profile(pid).text_mode
    expected = b"".join(native_bytes(c, mode) or b"" for c in text)
    assert len(expected) == 2 * len(text)
    assert expected + b"\n" in enc.data
    assert b"?" not in enc.data


def test_extension_a_is_native_in_gb18030_and_raster_in_gbk() -> None:
    rare = "㐀"  # U+3400, CJK Extension A: four bytes in GB18030, absent from GBK
    assert native_bytes(rare, TextMode.GB18030) == rare.encode("gb18030")
    gb = encode_line("zh-80mm", f"姓名{rare}")
    assert gb.unencodable == ()
    gbk = encode_line("zh-58mm-qr-image", f"姓名{rare}")
    assert gbk.unencodable == (rare,) and gbk.marked == ()
    blocks = parse(gbk.data)
    assert [type(b) for b in blocks] == [RasterBlock]  # the whole line went as an image


def test_a_character_no_font_has_is_marked_not_question_marked() -> None:
    for pid in printer_profile_ids():
        enc = encode_line(pid, "窗口😀办理")
        assert enc.marked == ("😀",)
        assert "😀" in enc.unencodable
        text_blocks = [b for b in parse(enc.data) if isinstance(b, TextBlock)]
        if load_printer_profile(pid).text_mode is not TextMode.RASTER:
            assert b"?" not in enc.data
            assert [b.text for b in text_blocks] == [f"窗口{MISSING_MARK}办理"]


def test_control_characters_never_reach_the_printer_as_commands() -> None:
    enc = encode_line("zh-80mm", "办税\x1b@\x1dV\x00大厅\u200b")
    body = enc.data[len(b"\x1b@\x1c&") :]
    assert b"\x1b@" not in body
    assert b"\x1dV\x00" not in body
    assert set(enc.marked) == {"\x1b", "\x1d", "\x00", "\u200b"}


def test_raster_profile_draws_every_line() -> None:
    profile = load_printer_profile("epson-tm-t88")
    enc = encode_ticket(profile, layout_ticket(sample_content(), profile))
    assert b"\x1c&" not in enc.data
    assert enc.unencodable == ()
    assert not [b for b in parse(enc.data) if isinstance(b, TextBlock)]


@pytest.mark.parametrize("pid", printer_profile_ids())
def test_golden_bytes(pid: str) -> None:
    golden = (DATA / f"{pid}.bin").read_bytes()
    assert (DATA / f"{pid}.png").is_file()
    data = sample_bytes(pid)
    if load_printer_profile(pid).text_mode is not TextMode.RASTER:
        assert data == golden, "regenerate with `python -m tests.printer.golden` if intended"
        return
    # Raster text depends on the installed CJK font's version: compare the commands
    # exactly and the pictures within a few dots.
    ours, theirs = parse(data), parse(golden)
    assert [type(b) for b in ours] == [type(b) for b in theirs]
    for a, b in zip(ours, theirs, strict=True):
        if isinstance(a, RasterBlock) and isinstance(b, RasterBlock):
            assert a.image.size == b.image.size
            differ = sum(x != y for x, y in zip(a.image.tobytes(), b.image.tobytes(), strict=True))
            assert differ <= len(a.image.tobytes()) // 50


@pytest.mark.parametrize("pid", printer_profile_ids())
def test_an_oversized_qr_payload_does_not_break_the_ticket(pid: str) -> None:
    from printer.layout import QrCode

    profile = load_printer_profile(pid)
    enc = encode_ticket(profile, [QrCode("x" * 5000)])
    assert enc.data.startswith(b"\x1b@")
