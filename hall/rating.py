"""The words of a rating (好差评), shared by the pad and the phone page.

A 差评 (score 1 or 2) may carry one reason from :data:`REASONS` — the same list on a
pad with a screen (its keys 5 … 1 pick one) and on the ticket's phone page — and, from
the phone, a short comment in the citizen's own words (at most :data:`COMMENT_MAX`
characters, shown back escaped everywhere and never as a spreadsheet formula).
"""

from __future__ import annotations

#: The reasons a 差评 citizen can pick: (the pad screen's short word, the reason sent
#: with the rating). On a pad, the key of level 5 picks the first, 1 the last.
REASONS: tuple[tuple[str, str], ...] = (
    ("等候久", "等候时间长"), ("态度", "服务态度不好"), ("效率", "办事效率低"),
    ("未办结", "未能一次办结"), ("其他", "其他"),
)
#: The reasons in English, for the phone page's English line.
REASONS_EN = {"等候时间长": "Waited too long", "服务态度不好": "Unfriendly service",
              "办事效率低": "Slow service", "未能一次办结": "Not done in one visit",
              "其他": "Other"}
#: The levels as the phone page and reports name them (5 … 1).
LEVELS = {5: ("非常满意", "Very satisfied"), 4: ("满意", "Satisfied"),
          3: ("基本满意", "Fair"), 2: ("不满意", "Dissatisfied"),
          1: ("非常不满意", "Very dissatisfied")}
#: Longest comment a citizen may type on the phone page (characters).
COMMENT_MAX = 200


def pad_reasons() -> dict[int, tuple[str, str]]:
    """The reasons by the pad key that picks them (5 … 1)."""
    return {5 - index: reason for index, reason in enumerate(REASONS)}


def reason_prompt() -> str:
    """The prompt on a pad's screen, e.g. "5等候久4态度3效率2未办结1其他" (29 GBK bytes)."""
    return "".join(f"{level}{short}" for level, (short, _) in pad_reasons().items())


def is_reason(text: str) -> bool:
    """Whether ``text`` is one of the reasons offered."""
    return any(text == full for _, full in REASONS)
