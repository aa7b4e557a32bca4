"""The sentences spoken for a call."""

from __future__ import annotations

from hall.config import HallConfig


def window_name(config: HallConfig, window: int) -> str:
    """The window's name as spoken: its configured name, else "N号窗口"."""
    found = config.window(window)
    return found.name if found and found.name else f"{window}号窗口"


def call_sentence(config: HallConfig, number: str, window: int) -> str:
    """The sentence for calling ticket ``number`` to ``window``: "请A001号到3号窗口办理"."""
    return f"请{number}号到{window_name(config, window)}办理"
