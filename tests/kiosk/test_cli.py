"""`jiaohao kiosk` refuses a wrong station file with a clear message and status 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.cli import main

STATION = """[station]
hub = "ws://127.0.0.1:1"
device = "kiosk-1"
token = "t"
"""


def test_a_missing_station_file(capsys: Any) -> None:
    assert main(["--station", "/no/such/kiosk.toml"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_no_printer_and_a_bad_app_table(tmp_path: Path, capsys: Any) -> None:
    station = tmp_path / "kiosk.toml"
    station.write_text(STATION, encoding="utf-8")
    assert main(["--station", str(station)]) == 2
    assert "[printer]" in capsys.readouterr().err
    station.write_text(STATION + '\n[app]\ncolour = "red"\n', encoding="utf-8")
    assert main(["--station", str(station)]) == 2
    assert "colour" in capsys.readouterr().err
