"""Fuzz: the renderer takes any bytes; the encoder takes any text and marks what it cannot print."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from printer.encode import encode_ticket
from printer.layout import Align, TextLine, clean_text
from printer.profile import TextMode, load_printer_profile
from printer.render import TextBlock, parse, render

PROFILES = {
    pid: load_printer_profile(pid) for pid in ("zh-80mm", "zh-58mm-qr-image", "epson-tm-t88")
}

# bytes that look like our commands, mixed with noise
COMMANDS = st.sampled_from(
    [
        b"\x1b@",
        b"\x1c&",
        b"\x1c.",
        b"\x1da",
        b"\x1d!",
        b"\x1dv0\x00",
        b"\x1d(k",
        b"\x1dV",
        b"\x1b*",
        b"\x10\x04",
        b"\x1bd",
        b"\n",
        "中文".encode("gb18030"),
        b"\x81\x30",
    ]
)
STREAMS = st.lists(st.one_of(COMMANDS, st.binary(max_size=12)), max_size=40).map(b"".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=600), STREAMS), width=st.sampled_from([None, 384, 576]))
def test_renderer_never_raises(data: bytes, width: int | None) -> None:
    out = render(data, width_dots=width)
    assert out.image.height <= 20000
    assert isinstance(out.lines, list)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(max_size=40),
    pid=st.sampled_from(sorted(PROFILES)),
    scale=st.integers(1, 4),
)
def test_encoder_never_raises_and_marks_instead_of_question_marks(
    text: str, pid: str, scale: int
) -> None:
    profile = PROFILES[pid]
    enc = encode_ticket(profile, [TextLine(text, Align.CENTER, scale, scale, True)])
    assert set(enc.marked) <= set(enc.unencodable)
    cleaned = clean_text(text)
    for ch in enc.marked:
        assert ch in cleaned
    if profile.text_mode is TextMode.RASTER:
        return
    printed = "".join(b.text for b in parse(enc.data) if isinstance(b, TextBlock))
    # every "?" on paper was a "?" in the text, and every native character came through
    assert printed.count("?") <= cleaned.count("?")
    if not enc.unencodable:
        assert printed == cleaned.replace(" ", "") or printed.replace(" ", "") == cleaned.replace(
            " ", ""
        )
    for ch in enc.marked:
        assert ch not in printed


TEXT = st.text(st.characters(codec=None), max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hall=TEXT,
    zone=TEXT,
    service=TEXT,
    number=TEXT,
    notice=TEXT,
    qr=TEXT,
    ahead=st.integers(0, 10**6),
)
def test_any_ticket_content_lays_out_and_encodes(
    hall: str, zone: str, service: str, number: str, notice: str, qr: str, ahead: int
) -> None:
    from dataclasses import replace

    from printer.layout import TextLine, layout_ticket, sample_content, text_columns

    content = replace(
        sample_content(),
        hall_name=hall,
        zone_name=zone,
        service_name=service,
        number=number,
        notice=notice,
        qr_payload=qr,
        people_ahead=ahead,
    )
    for profile in PROFILES.values():
        items = layout_ticket(content, profile)
        for item in items:
            if isinstance(item, TextLine):
                assert text_columns(item.text) * item.width_scale <= profile.columns
        encode_ticket(profile, items)
