"""The wheel an installer puts on a hall PC carries everything an installed jiaohao
needs outside Python code: hardware profiles, sample halls, web pages, translations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_carries_profiles_examples_pages_and_translations(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT),
                    "-w", str(tmp_path)], check=True, capture_output=True, timeout=600)
    [wheel] = tmp_path.glob("jiaohao-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("printers", "pads", "keypads", "ledbars", "idcards"):
        shipped = {n for n in names if n.startswith(f"jiaohao/hardware_profiles/{kind}/")}
        on_disk = {f"jiaohao/hardware_profiles/{kind}/{p.name}"
                   for p in (ROOT / "hardware_profiles" / kind).glob("*.toml")}
        assert shipped == on_disk and shipped, kind
    assert {"jiaohao/examples/dongxiang.toml", "jiaohao/examples/village.toml",
            "hub/web/screen.html", "report/pdf.py", "ledger/store.py"} <= names
    assert any(n.startswith("kiosk/translations/") and n.endswith(".qm") for n in names)
    assert not any(n.startswith("tests/") for n in names)
