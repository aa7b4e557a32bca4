"""差评 follow-up (差评整改): every rating of 1 or 2 opens a case with a deadline in working
days; managers act on it through the protocol (admin role only) and every action is an
event. Pure: the rules over plain dicts (the wire and stored form of a case).

States: ``open`` (待整改) → ``in_progress`` (整改中) → ``fixed`` (已整改) or
``cannot_fix`` (无法整改). Notes and call-back records (回访) may be added in any
state; an open case may be extended up to ``[followup] max_extensions`` times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hall import errors
from hall.config import FollowUp
from hall.protocol import RatingRecorded

STATES = ("open", "in_progress", "fixed", "cannot_fix")
OPEN_STATES = ("open", "in_progress")
ACTIONS = ("start", "fix", "cannot_fix", "note", "callback", "extend")
STATE_NAMES = {"open": "待整改", "in_progress": "整改中", "fixed": "已整改",
               "cannot_fix": "无法整改"}
#: The score of a rating that opens a case (不满意, 非常不满意).
BAD = 2
#: Bounds on what one case may hold (each note at most 500 characters, case_update):
#: a case worked on for weeks has a few dozen entries; more is a runaway script.
MAX_NOTES = 100
MAX_CALLBACKS = 30
#: Notes and call-back records one case may gain within a minute.
MAX_PER_MINUTE = 10
#: What of a case a ``case_updated`` event carries besides the entry it added.
ENTRY_LISTS = ("notes", "callbacks")


def open_case(case_id: int, rating: RatingRecorded, day: str, at: datetime,
              followup: FollowUp) -> dict[str, Any]:
    """The case a bad rating opens, its deadline ``deadline_workdays`` working days on."""
    return {
        "id": case_id, "ticket": rating.ticket_id, "number": rating.number or "",
        "day": day, "window": rating.window, "staff": rating.staff, "score": rating.score,
        "reason": rating.reason, "comment": rating.comment, "rated_at": at.isoformat(),
        "state": "open",
        "deadline": followup.add_workdays(at.date(), followup.deadline_workdays).isoformat(),
        "extensions": 0, "notes": [], "callbacks": [], "pushed": False,
    }


def act(case: dict[str, Any], action: str, *, by: str, at: datetime, followup: FollowUp,
        text: str = "", reached: bool | None = None, satisfied: bool | None = None,
        days: int | None = None) -> dict[str, Any]:
    """The case after ``action``; the input is not changed.

    Raises:
        CaseRefused: the action does not fit the case's state or lacks what it needs.
    """
    state = case["state"]
    new = {**case, "notes": list(case["notes"]), "callbacks": list(case["callbacks"])}
    stamp = at.isoformat()
    if action in ("fix", "cannot_fix", "note", "callback", "extend"):
        _room_for_one_more(case, action, at)
    if action in ("start", "fix", "cannot_fix", "extend") and state not in OPEN_STATES:
        raise errors.CaseRefused(f"case {case['id']} is {STATE_NAMES[state]}: it cannot {action}")
    if action == "start":
        if state != "open":
            raise errors.CaseRefused(f"case {case['id']} is already {STATE_NAMES[state]}")
        new["state"] = "in_progress"
    elif action in ("fix", "cannot_fix"):
        if not text.strip():
            raise errors.CaseRefused(f"{action}: say what was done (text)")
        new["state"] = "fixed" if action == "fix" else "cannot_fix"
        new["notes"].append({"at": stamp, "by": by, "text": text.strip()})
    elif action == "note":
        if not text.strip():
            raise errors.CaseRefused("note: the text is empty")
        new["notes"].append({"at": stamp, "by": by, "text": text.strip()})
    elif action == "callback":
        if reached is None:
            raise errors.CaseRefused("callback: say whether the citizen was reached (reached)")
        new["callbacks"].append({"at": stamp, "by": by, "reached": reached,
                                 "satisfied": satisfied if reached else None,
                                 "text": text.strip()})
    elif action == "extend":
        if case["extensions"] >= followup.max_extensions:
            raise errors.CaseRefused(
                f"case {case['id']} was extended {case['extensions']} time(s); "
                f"at most {followup.max_extensions}")
        if not text.strip():
            raise errors.CaseRefused("extend: say why (text)")
        more = days if days is not None else followup.extension_workdays
        new["deadline"] = followup.add_workdays(date.fromisoformat(case["deadline"]),
                                                more).isoformat()
        new["extensions"] = case["extensions"] + 1
        note = f"延期 {more} 个工作日：{text.strip()}"
        new["notes"].append({"at": stamp, "by": by, "text": note})
    else:
        raise errors.CaseRefused(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    return new


def _room_for_one_more(case: dict[str, Any], action: str, at: datetime) -> None:
    """Raises CaseRefused when ``action`` would add an entry past the case's bounds."""
    kind, limit = ("callbacks", MAX_CALLBACKS) if action == "callback" else ("notes", MAX_NOTES)
    if len(case[kind]) >= limit:
        raise errors.CaseRefused(f"case {case['id']} holds {limit} {kind} already; "
                                 "sum them up in the case's final note")
    since = at - timedelta(minutes=1)
    recent = sum(1 for entry in (*case["notes"], *case["callbacks"])
                 if _when(entry) > since)
    if recent >= MAX_PER_MINUTE:
        raise errors.CaseRefused(f"case {case['id']} gained {recent} entries in the last "
                                 "minute; wait a moment")


def _when(entry: dict[str, Any]) -> datetime:
    try:
        return datetime.fromisoformat(str(entry["at"]))
    except (KeyError, ValueError):
        return datetime.min.replace(tzinfo=UTC)  # unreadable: long ago


def head(case: dict[str, Any]) -> dict[str, Any]:
    """The case without its notes and call-back records (what an update event carries)."""
    return {k: v for k, v in case.items() if k not in ENTRY_LISTS}


def added(before: dict[str, Any], after: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """The entry of list ``kind`` that ``after`` gained over ``before`` (None: none)."""
    return after[kind][-1] if len(after[kind]) > len(before[kind]) else None


def overdue(case: dict[str, Any], today: date) -> bool:
    """An open case past its deadline day."""
    return case["state"] in OPEN_STATES and today > date.fromisoformat(case["deadline"])


def shown(case: dict[str, Any], today: date) -> dict[str, Any]:
    """The case as answered: with its ``overdue`` flag as of ``today``."""
    return {**case, "overdue": overdue(case, today)}
