"""Real sound: espeak-ng and a clip pack say a call (not silent), clips join in order
at one rate without gaps or clicks."""

from __future__ import annotations

import shutil
from array import array
from itertools import pairwise
from pathlib import Path

import pytest

from tests.voice.conftest import at, called, hall
from voice.announcer import Announcer
from voice.audio import CROSSFADE_MS, RATE, Audio, AudioError, read_wav
from voice.backends import AudioBackend, FolderSink, render
from voice.clips import ClipPack, make_demo_pack
from voice.espeak import EspeakVoice
from voice.phrases import call_utterances

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng not installed")


def level(value: int, rate: int, seconds: float = 0.1) -> Audio:
    return Audio(rate, array("h", [value] * int(rate * seconds)))


def write_pack(folder: Path, clips: dict[str, Audio]) -> Path:
    folder.mkdir()
    for name, audio in clips.items():
        audio.write(folder / f"{name}.wav")
    return folder


def test_clip_pack_joins_in_order_at_one_rate(tmp_path: Path) -> None:
    # each clip a steady level at its own sample rate: the join must keep the order
    levels = {"请": 1000, "A": 2000, "零": 3000, "一": 4000, "号": 5000, "到": 6000,
              "三": 7000, "窗口": 8000, "办理": 9000}
    rates = [8000, 16000, 22050, 44100]
    pack = ClipPack(write_pack(tmp_path / "pack", {
        name: level(value, rates[i % len(rates)]) for i, (name, value) in enumerate(
            levels.items())}))
    (zh, _en) = call_utterances(hall(), "A001", 3)
    assert pack.split(zh.parts) == ["请", "A", "零", "零", "一", "号", "到", "三", "号",
                                    "窗口", "办理"]
    audio = pack.render(zh)
    assert audio.rate == RATE
    # no gaps: eleven clips, ten seams each overlapping by the crossfade
    assert audio.duration_s == pytest.approx(11 * 0.1 - 10 * CROSSFADE_MS / 1000, abs=0.002)
    runs: list[int] = []
    for sample in audio.samples[::50]:
        if sample in levels.values() and (not runs or runs[-1] != sample):
            runs.append(sample)
    assert runs == [1000, 2000, 3000, 4000, 5000, 6000, 7000, 5000, 8000, 9000]
    jumps = max(abs(a - b) for a, b in pairwise(audio.samples))
    assert jumps < 200  # crossfaded seams: no step from one level to the next (a click)


def test_clip_pack_names_a_missing_clip(tmp_path: Path) -> None:
    pack = ClipPack(write_pack(tmp_path / "pack", {"请": level(1000, RATE)}))
    (zh, _en) = call_utterances(hall(), "A001", 3)
    with pytest.raises(AudioError, match="no clip for 'A'"):
        pack.render(zh)


def test_empty_clip_pack(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(AudioError, match=r"no \.wav clips"):
        ClipPack(tmp_path / "empty")


@needs_espeak
def test_espeak_says_a_call_out_loud() -> None:
    (zh, _en) = call_utterances(hall(), "A001", 3)
    audio = EspeakVoice().render(zh)
    assert zh.text == "请A零零一号到三号窗口办理"
    assert 1.0 < audio.duration_s < 10
    assert audio.rms() > 500


@needs_espeak
def test_generated_clip_pack_says_a_call_out_loud(tmp_path: Path) -> None:
    words = ("请", "号", "到", "窗口", "办理", "A", "零", "一", "三")
    pack = ClipPack(make_demo_pack(tmp_path / "demo-pack", words))
    (zh, _en) = call_utterances(hall(), "A001", 3)
    audio = pack.render(zh)
    assert audio.rate == RATE
    assert 1.0 < audio.duration_s < 10
    assert audio.rms() > 500


@needs_espeak
def test_announcement_with_chime_and_repeat_to_a_folder(tmp_path: Path) -> None:
    config = hall('[voice]\nrepeat = 2\ntemplate_en = ""\nvolume = 50\n')
    item = Announcer(config).offer(called(1, "A001", 3), at(10))
    assert item is not None
    voice = EspeakVoice()
    once = voice.render(item.utterances[0])
    whole = render(voice, item)
    assert whole.duration_s > 2 * once.duration_s  # chime + twice the sentence
    AudioBackend(voice, FolderSink(tmp_path / "out")).play(item)
    written = read_wav(tmp_path / "out" / "0001.wav")
    assert written.duration_s == pytest.approx(whole.duration_s, abs=0.01)
    assert 0 < written.rms() < once.rms()  # at half volume


def test_a_chinese_only_pack_still_says_the_call(tmp_path: Path) -> None:
    clips = {name: level(1000 * (i + 1), RATE) for i, name in enumerate(
        ("请", "A", "零", "一", "号", "到", "三", "窗口", "办理"))}
    pack = ClipPack(write_pack(tmp_path / "pack", clips))
    item = Announcer(hall("[voice]\nrepeat = 1\nchime = false\nvolume = 100\n")).offer(
        called(1, "A001", 3), at(10))
    assert item is not None and len(item.utterances) == 2  # Chinese and English
    audio = render(pack, item)
    assert audio.duration_s == pytest.approx(pack.render(item.utterances[0]).duration_s)


@needs_espeak
def test_a_brief_call_is_spoken_faster_and_shorter(tmp_path: Path) -> None:
    """What the backlog's forms cost with espeak-ng: brief < short < full."""
    from voice.announcer import Form

    item = Announcer(hall()).offer(called(1, "A001", 3), at(10))
    assert item is not None
    voice = EspeakVoice()
    full, short, brief = (render(voice, item.shortened(form)).duration_s
                          for form in (Form.FULL, Form.SHORT, Form.BRIEF))
    assert brief < short < full
