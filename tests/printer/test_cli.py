"""`jiaohao printer …` commands, run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiaohao.cli import main as jiaohao
from printer.virtual import Faults, VirtualPrinter
from tests.conftest import TIMEOUT_S
from tests.printer.golden import DATA


def test_sample_writes_the_golden_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t.bin"
    assert jiaohao(["printer", "sample", "--profile", "zh-80mm", "--out", str(out)]) == 0
    assert out.read_bytes() == (DATA / "zh-80mm.bin").read_bytes()


def test_render_prints_text_and_qr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "t.png"
    args = ["printer", "render", str(DATA / "zh-58mm.bin"), "--out", str(png)]
    assert jiaohao([*args, "--profile", "zh-58mm"]) == 0
    out = capsys.readouterr().out
    assert "A001" in out and "请留意叫号及大屏显示，" in out
    assert "[QR] http://192.168.10.2:8765/t/1-5c0ffee5c0ffee51" in out
    assert png.read_bytes().startswith(b"\x89PNG")


def test_render_stops_at_one_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A job of endless lines or QR codes draws one page and says so (it once took
    minutes and gigabytes)."""
    job = tmp_path / "long.bin"
    qr = b"\x1d(k\x03\x001A2" + b"\x1d(k" + (3 + 1500).to_bytes(2, "little") + b"1P0" + (
        b"9" * 1500) + b"\x1d(k\x03\x001Q0"
    job.write_bytes(b"A\n" * 200_000 + qr * 40)
    png = tmp_path / "long.png"
    assert jiaohao(["printer", "render", str(job), "--out", str(png)]) == 0
    assert "only its start was drawn" in capsys.readouterr().err
    from printer.render import MAX_HEIGHT_DOTS, render
    rendered = render(job.read_bytes())
    assert rendered.truncated and rendered.image.height <= MAX_HEIGHT_DOTS
    assert len(rendered.qr_payloads) == 40  # listed, if not drawn


def test_render_refuses_what_cannot_be_a_ticket(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job = tmp_path / "huge.bin"
    job.write_bytes(b"A\n" * 1_000_000)
    assert jiaohao(["printer", "render", str(job), "--out", str(tmp_path / "x.png")]) == 1
    assert "not one (nothing drawn)" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_sample_to_a_printer_and_status(capsys: pytest.CaptureFixture[str]) -> None:
    with VirtualPrinter() as vp:
        assert (
            jiaohao(["printer", "sample", "--profile", "zh-58mm", "--connection", vp.connection])
            == 0
        )
        assert vp.wait_for_jobs(1, TIMEOUT_S)
        assert jiaohao(["printer", "status", "--connection", vp.connection]) == 0
        assert "Printer ready" in capsys.readouterr().out
        vp.faults = Faults(paper_out=True)
        assert (
            jiaohao(["printer", "sample", "--profile", "zh-58mm", "--connection", vp.connection])
            == 1
        )
        assert jiaohao(["printer", "status", "--connection", vp.connection]) == 1
        assert "Printer out of paper" in capsys.readouterr().out
        vp.faults = Faults(silent=True)
        assert (
            jiaohao(["printer", "status", "--connection", vp.connection, "--timeout", "0.1"]) == 1
        )
        assert "unknown" in capsys.readouterr().out


def test_profiles_lists_every_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert jiaohao(["printer", "profiles"]) == 0
    out = capsys.readouterr().out
    for pid in ("zh-80mm", "zh-58mm", "zh-58mm-qr-image", "epson-tm-t88"):
        assert pid in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sample", "--profile", "nope", "--out", "x.bin"], "no printers profile 'nope'"),
        (["render", "missing.bin", "--out", "x.png"], "No such file"),
        (["render", "missing.bin", "--out", "x.png", "--width-dots", "5"], "No such file"),
        (["status", "--connection", "bogus"], "bad printer connection"),
        (["status", "--connection", "tcp:127.0.0.1:1"], "cannot open printer"),
    ],
)
def test_errors_are_one_clear_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert jiaohao(["printer", *args]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
