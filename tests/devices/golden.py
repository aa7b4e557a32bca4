"""Golden frame files: ``tests/data/devices/<kind>-<profile>.toml``, both directions.

Each ``[[host]]`` entry is a command the host sends (``hex`` is its exact bytes); each
``[[device]]`` entry is a frame a device sends and what it means. The helpers here turn
an entry into the codec's message objects so the tests compare both ways.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from devices import keypad as kp
from devices import ledbar as lb
from devices import pad as pd

DATA = Path(__file__).resolve().parent.parent / "data" / "devices"


def golden_files() -> list[Path]:
    return sorted(DATA.glob("*.toml"))


def load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def host_command(kind: str, entry: dict[str, Any]) -> Any:
    what = entry["command"]
    if kind == "pad":
        return {
            "start": lambda: pd.StartRating(entry.get("timeout_s")),
            "cancel": pd.CancelRating,
            "text": lambda: pd.ShowText(entry["text"]),
            "confirm": lambda: pd.KeyConfirm(entry["key"]),
            "photo": lambda: pd.PhotoPart(entry["part"], entry["parts"],
                                          bytes.fromhex(entry["data"])),
        }[what]()
    if kind == "keypad":
        if what == "beep":
            return kp.Beep()
        return kp.ShowDisplay(entry.get("ticket"), entry.get("waiting"))
    if what == "clear":
        return lb.BarClear()
    return lb.BarText(entry["text"], entry.get("flash", False))
