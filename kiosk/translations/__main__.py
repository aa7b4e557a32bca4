"""Write kiosk_en.ts from ``ENGLISH`` and build kiosk_en.qm with pyside6-lrelease.

    python -m kiosk.translations
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from kiosk.translations.english import ENGLISH

HERE = Path(__file__).resolve().parent


def ts_text() -> str:
    rows = "".join(
        f"    <message>\n        <source>{escape(zh)}</source>\n"
        f"        <translation>{escape(en)}</translation>\n    </message>\n"
        for zh, en in ENGLISH.items()
    )
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
            '<TS version="2.1" language="en_GB" sourcelanguage="zh_CN">\n'
            f"<context>\n    <name>kiosk</name>\n{rows}</context>\n</TS>\n")


def main() -> int:
    ts = HERE / "kiosk_en.ts"
    ts.write_text(ts_text(), encoding="utf-8")
    lrelease = shutil.which("pyside6-lrelease") or str(
        Path(sys.executable).parent / "pyside6-lrelease")
    subprocess.run([lrelease, str(ts), "-qm", str(HERE / "kiosk_en.qm")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
