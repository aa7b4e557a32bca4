"""One ticket's whole history from the store (电子监察): every event that concerns it,
oldest first, found by its number and calendar date.

Its 差评 follow-up case's events are included, whatever day they were filed on.
A number names one ticket per numbering session; a date with a manual ``close_day``
has several sessions (``2026-11-20``, ``2026-11-20#2``), so a lookup can find several
tickets. Reads indexed ranges only: the date's tickets, then that date's events whose
ticket field matches (SQLite's JSON functions; no JSON is parsed in Python for the
rest of the day).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlite_utils import Database

from hall.protocol import Event
from ledger.stats import day_range

#: The events that name a ticket, and where: ``ticket.id`` or ``ticket_id``.
_MATCH = (
    "(json_extract(data, '$.ticket.id') = :id OR json_extract(data, '$.ticket_id') = :id"
    " OR (kind = 'day_closed' AND EXISTS (SELECT 1 FROM json_each(data, '$.closed')"
    " WHERE value = :id)))"
)


def ticket_history(db: Database, number: str, on: date) -> list[dict[str, Any]]:
    """The tickets numbered ``number`` on date ``on``, each with its events (personal
    data stripped, as broadcast)."""
    low, high = day_range(on, on)
    tickets = db.execute(
        "SELECT id, day, number, service, status FROM tickets"
        " WHERE day >= ? AND day < ? AND number = ? ORDER BY id",
        [low, high, number.strip().upper()],
    ).fetchall()
    out = []
    for ticket_id, day, found, service, status in tickets:
        rows = db.execute(
            "SELECT seq, at, kind, data FROM events WHERE day = :day AND " + _MATCH
            + " UNION ALL SELECT seq, at, kind, data FROM events"
            " WHERE kind IN ('case_opened', 'case_updated')"  # its 差评 case, any later day
            " AND json_extract(data, '$.case.ticket') = :id ORDER BY seq",
            {"day": day, "id": ticket_id},
        ).fetchall()
        events = []
        for seq, at, kind, data in rows:
            wire = Event.of(int(seq), str(at), kind, json.loads(data)).to_json()
            events.append({"seq": wire.pop("seq"), "kind": wire.pop("kind"),
                           "at": wire.pop("at"),
                           "data": {k: v for k, v in wire.items() if k != "type"}})
        out.append({"id": int(ticket_id), "number": str(found), "day": str(day),
                    "service": str(service), "status": str(status), "events": events})
    return out
