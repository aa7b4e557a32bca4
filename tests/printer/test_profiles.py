"""Printer profiles: every file loads; a broken one names its file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall.profiles import ProfileError
from printer.profile import QrMode, TextMode, load_printer_profile, printer_profile_ids


def test_every_profile_loads() -> None:
    ids = printer_profile_ids()
    assert {"zh-80mm", "zh-58mm", "zh-58mm-qr-image", "epson-tm-t88"} <= set(ids)
    for pid in ids:
        profile = load_printer_profile(pid)
        assert profile.width_dots in (384, 576)
        assert profile.file is not None and profile.file.name == f"{pid}.toml"


def test_the_four_kinds_of_printer() -> None:
    assert load_printer_profile("zh-80mm").text_mode is TextMode.GB18030
    assert load_printer_profile("zh-58mm").width_dots == 384
    assert load_printer_profile("epson-tm-t88").text_mode is TextMode.RASTER
    image_qr = load_printer_profile("zh-58mm-qr-image")
    assert image_qr.qr_mode is QrMode.IMAGE
    assert image_qr.text_mode is TextMode.GBK


BASE = 'name = "x"\nwidth_dots = 576\ntext_mode = "gbk"\nqr_mode = "native"\n'


@pytest.mark.parametrize(
    ("child", "key", "message"),
    [
        ('width_dots = "wide"\n', "width_dots", "must be an integer"),
        ("width_dots = 580\n", "width_dots", "multiple of 8"),
        ("width_dots = 9000\n", "width_dots", "between"),
        ('text_mode = "utf8"\n', "text_mode", "must be one of gb18030, gbk, raster"),
        ('qr_mode = "svg"\n', "qr_mode", "must be one of"),
        ("qr_module_dots = 40\n", "qr_module_dots", "between 1 and 16"),
        ("status_timeout_s = 100\n", "status_timeout_s", "between"),
        ("widht_dots = 576\n", "widht_dots", "unknown key"),
        ("status_query = 1\n", "status_query", "true or false"),
    ],
)
def test_broken_profile_names_file_and_key(
    tmp_path: Path, child: str, key: str, message: str
) -> None:
    folder = tmp_path / "printers"
    folder.mkdir()
    (folder / "base.toml").write_text(BASE, encoding="utf-8")
    bad = folder / "bad.toml"
    bad.write_text('inherits = "base"\n' + child, encoding="utf-8")
    with pytest.raises(ProfileError, match=message) as info:
        load_printer_profile("bad", tmp_path)
    assert info.value.file == bad
    assert info.value.key == key
    assert str(bad) in str(info.value)


def test_missing_key_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "printers"
    folder.mkdir()
    (folder / "p.toml").write_text('name = "x"\nwidth_dots = 576\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="text_mode: is required"):
        load_printer_profile("p", tmp_path)
