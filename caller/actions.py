"""The terminal's actions: name, label on the button, default keyboard shortcut.

One table for buttons, shortcuts, keypads and ``jiaohao caller --action NAME``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hall.protocol import PAUSE_REASONS

__all__ = ["ACTIONS", "DIRECT", "PAUSE_REASONS", "SPECIAL", "Action", "key_map"]


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    shortcut: str  # Qt key sequence text, shown on the button


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("call_next", "呼叫下一位", "F1"),
    Action("recall", "重呼", "F2"),
    Action("skip", "过号", "F3"),
    Action("finish", "办结", "F4"),
    Action("transfer", "转移", "F5"),
    Action("pause", "暂停", "F6"),
    Action("resume", "恢复服务", "F7"),
    Action("call_number", "指定呼叫", "F8"),
    Action("reinstate", "过号恢复", "F9"),
    Action("hold", "挂起", "F10"),
    Action("call_back", "回呼", "F11"),
    Action("ask_rating", "请评价", "F12"),
    Action("call_manager", "请大堂经理", "Ctrl+M"),
    Action("sign_in", "签到", "Ctrl+I"),
    Action("sign_out", "签退", "Ctrl+O"),
    Action("help", "帮办", "Ctrl+B"),
    Action("proxy", "代办", "Ctrl+D"),
    Action("proxy_item", "代办登记", "Ctrl+N"),
)}

def key_map(overrides: Mapping[str, object] | None = None) -> dict[str, str]:
    """Each action's key: the defaults, changed by the station's ``[app.keys]``.

    Raises:
        ValueError: an unknown action, a key that is not text, or one key for two actions.
    """
    keys = {name: action.shortcut for name, action in ACTIONS.items()}
    for name, key in (overrides or {}).items():
        if name not in ACTIONS:
            raise ValueError(f"[app.keys] {name}: no such action; actions: {', '.join(ACTIONS)}")
        if not isinstance(key, str) or not key.strip():
            raise ValueError(f"[app.keys] {name}: must be a key such as \"F1\" or \"Ctrl+1\"")
        keys[name] = key.strip()
    taken: dict[str, str] = {}
    for name, key in keys.items():
        other = taken.setdefault(key.lower(), name)
        if other != name:
            raise ValueError(f"[app.keys]: {key} is set for both {other} and {name}")
    return keys


#: Actions a keypad key or the command line may run without asking anything more.
DIRECT = ("call_next", "recall", "skip", "finish", "pause", "resume", "hold", "call_back",
          "ask_rating", "call_manager", "help", "proxy")

#: Special calls (announce requests): action -> the protocol's call id.
SPECIAL = {"ask_rating": "rating", "call_manager": "manager"}
