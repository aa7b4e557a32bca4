"""Frame families and the splitter: checksums, resynchronisation, and fuzzing."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.framing import (
    BinaryFormat,
    Checksum,
    Ff68Format,
    Frame,
    FrameFormat,
    FrameSplitter,
    StxFormat,
    checksum,
    crc16_modbus,
    decode_frame,
)
from devices.profiles import load_profile, profile_ids

FORMATS: dict[str, FrameFormat] = {
    "ff68": Ff68Format(),
    "ff68-no-preamble": Ff68Format(preamble=b""),
    "stx-xor": StxFormat(),
    "stx-crc": StxFormat(checksum=Checksum.CRC16_MODBUS, address_digits=3),
    "bin-sum": BinaryFormat(header=b"\xa5", length_bytes=2, trailer=b"\x5a", max_data=300),
    "bin-crc": BinaryFormat(header=b"\x55\xaa", checksum=Checksum.CRC16_MODBUS,
                            checksum_from="header"),
    "bin-xor-be": BinaryFormat(header=b"\x7e", checksum=Checksum.XOR8, length_bytes=2,
                               length_order="big"),
}
IDS = list(FORMATS)


def test_checksums() -> None:
    assert crc16_modbus(b"123456789") == 0x4B37  # the CRC catalogue's check value
    assert checksum(Checksum.CRC16_MODBUS, b"123456789") == b"\x37\x4b"
    assert checksum(Checksum.SUM8, b"\xff\x02") == b"\x01"
    assert checksum(Checksum.XOR8, b"\x0f\xf0\x01") == b"\xfe"


def frames_for(name: str) -> st.SearchStrategy[Frame]:
    fmt = FORMATS[name]
    if isinstance(fmt, StxFormat):
        data = st.binary(max_size=30).map(lambda b: bytes(c for c in b if c not in (2, 3)))
        return st.builds(
            Frame,
            st.integers(0, min(255, 10**fmt.address_digits - 1)),
            st.integers(0x20, 0x7E),
            data,
        )
    return st.builds(Frame, st.integers(0, 255), st.integers(0, 255), st.binary(max_size=40))


@pytest.mark.parametrize("name", IDS)
def test_round_trip_and_single_byte_feeding(name: str) -> None:
    fmt = FORMATS[name]
    frame = Frame(7, 0x31, b"A001")
    data = fmt.encode(frame)
    assert decode_frame(fmt, data) == frame
    splitter = FrameSplitter(fmt)
    got = [f for byte in data for f in splitter.feed(bytes([byte]))]
    assert got == [frame]
    assert splitter.dropped == 0 and splitter.pending == 0


@pytest.mark.parametrize("name", IDS)
def test_bad_checksum_is_dropped_and_the_next_frame_found(name: str) -> None:
    fmt = FORMATS[name]
    good = Frame(1, 0x41, b"ok")
    broken = fmt.corrupt(fmt.encode(Frame(2, 0x42, b"bad")))
    splitter = FrameSplitter(fmt)
    assert splitter.feed(broken + fmt.encode(good)) == [good]
    assert splitter.dropped >= len(broken) - len(fmt.preamble)


@pytest.mark.parametrize("name", IDS)
def test_flush_gives_up_on_a_cut_frame(name: str) -> None:
    fmt = FORMATS[name]
    data = fmt.encode(Frame(1, 0x41, b"cut short"))
    splitter = FrameSplitter(fmt)
    assert splitter.feed(data[:-3]) == []
    assert splitter.pending > 0
    assert splitter.flush() == []
    assert splitter.pending == 0
    assert splitter.feed(data) == [Frame(1, 0x41, b"cut short")]


def test_ff68_preamble_is_not_garbage() -> None:
    fmt = FORMATS["ff68"]
    splitter = FrameSplitter(fmt)
    frame = Frame(1, 3, b"")
    assert splitter.feed(b"\xff\xff" + fmt.encode(frame)) == [frame]
    assert splitter.dropped == 0
    assert splitter.feed(b"\x00\x01") == [] and splitter.dropped == 2


def test_encode_refuses_what_cannot_be_written() -> None:
    with pytest.raises(ValueError, match="data bytes"):
        Ff68Format().encode(Frame(1, 1, bytes(254)))
    with pytest.raises(ValueError, match="STX or ETX"):
        StxFormat().encode(Frame(1, ord("T"), b"a\x03b"))
    with pytest.raises(ValueError, match="digits"):
        StxFormat().encode(Frame(100, ord("T")))
    with pytest.raises(ValueError, match="printable"):
        StxFormat().encode(Frame(1, 0x05))
    with pytest.raises(ValueError, match="address"):
        BinaryFormat(header=b"\xa5").encode(Frame(256, 1))


# -- fuzzing ---------------------------------------------------------------------------

ALL_FORMATS = list(FORMATS.values()) + [
    load_profile(kind, pid).framing for kind in ("pad", "keypad", "ledbar")
    for pid in profile_ids(kind)
]


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=600), cuts=st.lists(st.integers(0, 600), max_size=8))
def test_no_splitter_or_decoder_raises_on_any_bytes(data: bytes, cuts: list[int]) -> None:
    for fmt in ALL_FORMATS:
        decode_frame(fmt, data)  # must not raise
        splitter = FrameSplitter(fmt)
        edges = sorted({0, len(data), *(c for c in cuts if c <= len(data))})
        for a, b in itertools.pairwise(edges):
            splitter.feed(data[a:b])
        splitter.flush()
        assert splitter.pending == 0
        assert splitter.dropped <= len(data)


@pytest.mark.parametrize("name", IDS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_garbage_with_frames_spliced_in_yields_exactly_those_frames(
    name: str, data: st.DataObject
) -> None:
    fmt = FORMATS[name]
    # garbage is anything but a frame's first byte: any byte may follow a start byte
    # inside a frame, so a start byte in the garbage could begin a frame of its own
    garbage = st.binary(max_size=40).map(
        lambda b: bytes(c for c in b if c not in fmt.start_bytes)
    )
    frames = data.draw(st.lists(frames_for(name), max_size=6))
    stream = bytearray()
    junk_total = 0
    for frame in frames:
        junk = data.draw(garbage)
        junk_total += len(junk)
        stream += junk + fmt.encode(frame)
    tail = data.draw(garbage)
    stream += tail
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    splitter = FrameSplitter(fmt)
    got = []
    for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        got += splitter.feed(bytes(stream[a:b]))
    got += splitter.flush()
    assert got == frames
    assert splitter.dropped <= junk_total + len(tail)
