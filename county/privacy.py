"""What of an event leaves the hall: everything but personal data.

Removed: the booking code (``booking``: replaced by ``booked: true`` so the county can
count kept bookings without the code), the citizen's salted ID-card hash (``person``),
the comment a citizen typed on the phone page (``comment``, in a ``rating_recorded``
and in its case: the citizen's own words, which may name them; the score and the
reason picked are kept) and what a call-back record says (its ``text``, in a case's
``callbacks`` and in the ``callback`` a ``case_updated`` adds: it records a citizen's
words; whether the citizen was reached and satisfied is kept). Everything else — numbers,
services, windows, clerks' staff numbers, scores, case states — is what the county
answers for. Pure functions; a test checks the county holds none of these fields.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

#: Keys removed wherever they appear in an event's data.
PERSONAL_KEYS = frozenset({"booking", "person", "comment"})


def shipped(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The data of one stored event as the county receives it (``data`` unchanged)."""
    out: dict[str, Any] = _strip(data)
    if kind == "ticket_issued":
        ticket = data.get("ticket")
        if isinstance(ticket, dict) and ticket.get("booking"):
            out["ticket"]["booked"] = True
    elif kind in ("case_opened", "case_updated"):
        case = out.get("case")
        if isinstance(case, dict) and isinstance(case.get("callbacks"), list):
            case["callbacks"] = [_no_words(c) for c in case["callbacks"]]
        if "callback" in out:  # a case_updated carries the record it added
            out["callback"] = _no_words(out["callback"])
    return out


def _no_words(record: Any) -> Any:
    return {k: v for k, v in record.items() if k != "text"} if isinstance(record, dict) \
        else record


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def canonical(data: dict[str, Any]) -> str:
    """The JSON text shipped: compact, keys sorted, so the same event always gives the
    same text (and the same :func:`digest`)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(seq: int, at: str, kind: str, text: str) -> str:
    """A fingerprint of one shipped event: a hall whose event ``seq`` is not the one
    the county holds was restored from a backup (or its database replaced)."""
    h = hashlib.sha256(f"{seq}\x1f{at}\x1f{kind}\x1f".encode())
    h.update(text.encode())
    return h.hexdigest()[:32]
