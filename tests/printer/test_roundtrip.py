"""Round trip: what the renderer reads back from the bytes is exactly what was laid out."""

from __future__ import annotations

from dataclasses import replace

import pytest

from printer.encode import encode_ticket
from printer.glyphs import draw_line
from printer.layout import TextLine, laid_out_text, layout_ticket, sample_content
from printer.profile import QrMode, TextMode, load_printer_profile, printer_profile_ids
from printer.render import render

CONTENT = replace(
    sample_content(),
    hall_name="示例市（区）政务服务中心：一楼",
    service_name="不动产登记·抵押（第２窗）！",
    notice="请留意叫号及大屏显示，过号请重新取号。ＡＢＣ１２３，“谢谢”",
    number="B123",
)


@pytest.mark.parametrize("pid", printer_profile_ids())
def test_text_and_qr_come_back_exactly(pid: str) -> None:
    profile = load_printer_profile(pid)
    items = layout_ticket(CONTENT, profile)
    enc = encode_ticket(profile, items)
    assert enc.unencodable == () and enc.marked == ()
    out = render(enc.data, width_dots=profile.width_dots, read_qr=True)
    text_items = [i for i in items if isinstance(i, TextLine)]
    if profile.text_mode is TextMode.RASTER:
        # no text in the stream: each line is a picture; it must be exactly the picture
        # of the laid-out line
        assert out.lines == []
        line_images = out.rasters[: len(text_items)]
        assert len(line_images) == len(text_items)
        for item, image in zip(text_items, line_images, strict=True):
            expected = draw_line(
                item.text,
                profile.width_dots,
                item.align,
                item.width_scale,
                item.height_scale,
                item.bold,
                profile.raster_font_px,
            )
            assert image.tobytes() == expected.tobytes(), item.text
    else:
        assert out.lines == laid_out_text(items)
    if profile.qr_mode is QrMode.NATIVE:
        assert out.qr_payloads == [CONTENT.qr_payload]
    else:
        assert out.qr_payloads == []
    # the picture's QR code, native or image, reads back to the ticket link
    assert out.qr_read == [CONTENT.qr_payload]
    assert out.cuts == (0 if profile.cutter.value == "none" else 1)


def test_rare_character_survives_as_a_picture_in_gbk_mode() -> None:
    profile = load_printer_profile("zh-58mm-qr-image")
    content = replace(CONTENT, hall_name="㐀㐁市政务服务中心")
    enc = encode_ticket(profile, layout_ticket(content, profile))
    assert enc.unencodable == ("㐀", "㐁") and enc.marked == ()
    out = render(enc.data, width_dots=profile.width_dots)
    assert "㐀㐁市政务服务中心" not in out.lines  # drawn, not sent as text
    assert (
        out.rasters[0].tobytes()
        == draw_line(
            "㐀㐁市政务服务中心",
            384,
            bold=True,
            align=layout_ticket(content, profile)[0].align,  # type: ignore[union-attr]
        ).tobytes()
    )
