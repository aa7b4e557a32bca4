"""The terminal's actions: name, label on the button, default keyboard shortcut.

One table for buttons, shortcuts, keypads and ``jiaohao caller --action NAME``.
"""

from __future__ import annotations

from dataclasses import dataclass


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
)}

#: Actions a keypad key or the command line may run without asking anything more.
DIRECT = ("call_next", "recall", "skip", "finish", "pause", "resume", "hold", "call_back",
          "ask_rating", "call_manager")

#: Special calls (announce requests): action -> the protocol's call id.
SPECIAL = {"ask_rating": "rating", "call_manager": "manager"}
